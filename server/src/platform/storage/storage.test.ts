import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createKeyring, masterKeyId } from '../encryption.js';
import { ORPHAN_AGE_MS, createEncryptedStore, createLocalDiskDriver, readAll, sweepOrphans } from './index.js';
import { HEADER_BYTES } from './encrypted-store.js';
import { KNOWN_MAGIC, makePdf, makePng } from '../../test/files.js';

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...filesUnder(full));
    else out.push(full);
  }
  return out;
}

describe('encrypted file store on local disk', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'seva-store-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const master = randomBytes(32);
  const ring = createKeyring(master);
  const store = createEncryptedStore(createLocalDiskDriver(root), ring, { chunkSize: 4096 });
  const fileOf = (key: string) => path.join(root, key.split('/')[0]!, key.split('/')[1]!.slice(0, 2), key.split('/')[1]!);

  test('stores under a server-chosen name, and the bytes on disk reveal nothing', async () => {
    const plain = Buffer.concat([makePdf({ text: 'AADHAAR 2345 6789 0123 SECRET' }), randomBytes(20_000)]);
    const { key, size } = await store.put(Readable.from([plain]), { prefix: 'test' });
    assert.match(key, /^test\/[0-9a-f]{32}$/);
    assert.equal(size, plain.length);
    const raw = readFileSync(fileOf(key));
    assert.equal(statSync(fileOf(key)).mode & 0o777, 0o600);
    for (const magic of KNOWN_MAGIC) assert.ok(!raw.subarray(0, magic.length).equals(magic), `starts with ${magic.toString('hex')}`);
    for (const needle of ['%PDF', 'SECRET', '2345 6789 0123', 'Helvetica']) assert.ok(!raw.includes(needle), needle);
    assert.ok(!raw.includes(plain.subarray(5000, 5032)), 'no 32-byte run of the plaintext');
    assert.deepEqual(await readAll(await store.get(key)), plain);
  });

  test('cannot be read without the master key; tampering, truncation and swapping are detected', async () => {
    const plain = randomBytes(3 * 4096 + 100);
    const { key } = await store.put(Readable.from([plain.subarray(0, 5000), plain.subarray(5000)]), { prefix: 'test' });
    const file = fileOf(key);
    const original = readFileSync(file);

    const otherRing = createKeyring(randomBytes(32));
    const withoutKey = createEncryptedStore(createLocalDiskDriver(root), otherRing);
    await assert.rejects(withoutKey.get(key), /not configured/);

    for (const [what, mutate] of [
      ['a flipped bit in the first chunk', (b: Buffer) => (b[HEADER_BYTES + 10] = b[HEADER_BYTES + 10]! ^ 1)],
      ['a flipped bit in the wrapped key', (b: Buffer) => (b[30] = b[30]! ^ 1)],
    ] as const) {
      const bad = Buffer.from(original);
      mutate(bad);
      writeFileSync(file, bad);
      await assert.rejects(store.get(key), /integrity/, what);
    }
    // Damage in a later chunk errors the stream before that chunk's plaintext is released.
    const late = Buffer.from(original);
    late[late.length - 50] = late[late.length - 50]! ^ 1;
    writeFileSync(file, late);
    const stream = await store.get(key);
    const received: Buffer[] = [];
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) received.push(chunk as Buffer);
      })(),
      /integrity/,
    );
    assert.ok(Buffer.concat(received).length <= 3 * 4096, 'only verified chunks came out');
    // Cut at a chunk boundary: the last-chunk flag is missing.
    writeFileSync(file, original.subarray(0, HEADER_BYTES + 2 * (4096 + 16)));
    await assert.rejects(readAll(await store.get(key)).then(() => {}), /integrity/);
    // Another object's file under this key: its data key was bound to the other name.
    const other = await store.put(Readable.from([Buffer.from('other')]), { prefix: 'test' });
    writeFileSync(file, readFileSync(fileOf(other.key)));
    await assert.rejects(store.get(key), /integrity/);
    writeFileSync(file, original);
    assert.deepEqual(await readAll(await store.get(key)), plain);
  });

  test('a failed upload leaves nothing behind', async () => {
    const before = filesUnder(root).length;
    const failing = new Readable({
      read() {
        this.push(randomBytes(10_000));
        this.destroy(new Error('client went away'));
      },
    });
    await assert.rejects(store.put(failing, { prefix: 'test' }), /client went away/);
    assert.equal(filesUnder(root).length, before);
  });

  test('a source that fails before the temp file is even open leaves nothing behind', async () => {
    const before = filesUnder(root).length;
    // Fails on the same tick as the write starts, while the temp file's open() is still pending.
    for (let i = 0; i < 20; i++) {
      const failing = new Readable({ read() {} });
      const put = store.put(failing, { prefix: 'test' });
      failing.destroy(new Error('refused at once'));
      await assert.rejects(put, /refused at once/);
      assert.equal(filesUnder(root).length, before, `attempt ${i}`);
    }
  });

  test('delete removes the file; unknown and malformed keys are refused', async () => {
    const { key } = await store.put(Readable.from([makePng()]), { prefix: 'test' });
    await store.delete(key);
    await assert.rejects(store.get(key), /No stored object/);
    await store.delete(key); // idempotent
    await assert.rejects(store.get('../../etc/passwd'), /Invalid object key/);
    await assert.rejects(store.get('test/../../x'), /Invalid object key/);
  });

  test('the orphan sweep deletes old objects no row names, in batches, and keeps the rest', async () => {
    const put = async () => (await store.put(Readable.from([makePng()]), { prefix: 'sweep' })).key;
    const old = new Date(Date.now() - ORPHAN_AGE_MS - 60_000);
    const age = (key: string) => utimesSync(fileOf(key), old, old);
    const named = await put();
    const young = await put();
    const orphans: string[] = [];
    for (let i = 0; i < 203; i++) orphans.push(await put()); // more than one batch of 200
    for (const key of [named, ...orphans]) age(key);
    const asked: number[] = [];
    const known = async (keys: string[]) => {
      asked.push(keys.length);
      return new Set(keys.filter((k) => k === named));
    };
    const removed = await sweepOrphans(store, 'sweep', known);
    assert.equal(removed, 203);
    assert.deepEqual(asked.sort((a, b) => b - a), [200, 4], 'batches of at most 200, only old objects asked about');
    for (const key of orphans) assert.throws(() => statSync(fileOf(key)), /ENOENT/);
    for (const key of [named, young]) assert.ok(statSync(fileOf(key)).isFile(), key);
    assert.equal(await sweepOrphans(store, 'sweep', known), 0, 'nothing old and unnamed is left');
  });

  test('key rotation re-wraps every data key without touching the content', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'seva-rotate-'));
    try {
      const oldKey = randomBytes(32);
      const newKey = randomBytes(32);
      const oldStore = createEncryptedStore(createLocalDiskDriver(dir), createKeyring(oldKey), { chunkSize: 4096 });
      const contents = [randomBytes(100), randomBytes(9000), makePng()];
      const keys = [];
      for (const c of contents) keys.push((await oldStore.put(Readable.from([c]), { prefix: 'kyc' })).key);
      const rotatedRing = createKeyring(newKey, [oldKey]);
      const rotated = createEncryptedStore(createLocalDiskDriver(dir), rotatedRing, { chunkSize: 4096 });
      assert.deepEqual(await readAll(await rotated.get(keys[1]!)), contents[1], 'old files readable during rotation');
      const tailBefore = readFileSync(path.join(dir, keys[1]!.replace('/', `/${keys[1]!.split('/')[1]!.slice(0, 2)}/`))).subarray(HEADER_BYTES);

      assert.deepEqual(await rotated.rewrapAll(), { checked: 3, rewrapped: 3 });
      assert.deepEqual(await rotated.rewrapAll(), { checked: 3, rewrapped: 0 }, 'idempotent');

      const onlyNew = createEncryptedStore(createLocalDiskDriver(dir), createKeyring(newKey), { chunkSize: 4096 });
      for (const [i, key] of keys.entries()) assert.deepEqual(await readAll(await onlyNew.get(key)), contents[i]);
      const raw = readFileSync(path.join(dir, keys[1]!.replace('/', `/${keys[1]!.split('/')[1]!.slice(0, 2)}/`)));
      assert.equal(raw.subarray(4, 8).toString('hex'), masterKeyId(newKey));
      assert.deepEqual(raw.subarray(HEADER_BYTES), tailBefore, 'content chunks unchanged');
      await assert.rejects(oldStore.get(keys[0]!), /not configured/, 'the old key alone no longer opens it');
      assert.equal(filesUnder(dir).filter((f) => f.includes('.tmp')).length, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
