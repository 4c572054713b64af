import { createServer, type AddressInfo } from 'node:net';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ClamavTap } from './clamav.js';
import { UploadError } from './errors.js';
import { startFakeClamd, type FakeClamd } from '../../test/fake-clamd.js';

async function scan(port: number, content: string[], timeoutMs = 2000): Promise<string> {
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(content.map((c) => Buffer.from(c))),
    new ClamavTap({ host: '127.0.0.1', port, timeoutMs }),
    new Writable({ write: (c: Buffer, _e, done) => (out.push(c), done()) }),
  );
  return Buffer.concat(out).toString();
}

describe('ClamAV INSTREAM hook', () => {
  let clamd: FakeClamd;
  let port: number;
  before(async () => {
    clamd = await startFakeClamd();
    port = clamd.port;
  });
  after(() => clamd.close());

  test('a clean file passes through unchanged, and clamd received exactly its bytes', async () => {
    const before = clamd.streams.length;
    assert.equal(await scan(port, ['hello ', 'world']), 'hello world');
    assert.deepEqual(clamd.streams.slice(before).map((b) => b.toString()), ['hello world']);
  });

  test('an infected file is refused with virus_found', async () => {
    await assert.rejects(scan(port, ['X5O!P%@AP', 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE']), (err: unknown) => {
      assert.ok(err instanceof UploadError);
      assert.equal(err.code, 'virus_found');
      assert.equal(err.status, 422);
      assert.match(err.message, /Eicar-Test-Signature/);
      return true;
    });
  });

  test('an unreachable or silent scanner refuses the upload (503), never skips it', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await assert.rejects(scan(deadPort, ['data']), (err: unknown) => err instanceof UploadError && err.code === 'virus_scan_unavailable' && err.status === 503);
    await assert.rejects(scan(port, ['HANG'], 300), (err: unknown) => err instanceof UploadError && err.code === 'virus_scan_unavailable');
  });
});
