import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import {
  DecryptionError,
  IV_BYTES,
  TAG_BYTES,
  WRAPPED_KEY_BYTES,
  newDataKey,
  rewrapDataKey,
  unwrapDataKey,
  wrapDataKey,
  wrappedKeyId,
  type Keyring,
} from '../encryption.js';
import { KEY_PREFIX, assertObjectKey, type BlobDriver } from './types.js';

/**
 * File format v1 (all integers big-endian):
 *
 *   header, 80 bytes:
 *     0   4  magic "SKF" 0x01
 *     4  64  wrapped data key: master key id (4) | iv (12) | AES-256-GCM(data key) (32) | tag (16),
 *            AAD = "seva-dek-v1", key id, "file:<object key>"
 *    68   4  chunk size C (plaintext bytes per chunk, 65536)
 *    72   7  random nonce prefix
 *    79   1  reserved (0)
 *   chunks: AES-256-GCM under the data key, each C bytes of plaintext (the last one 0..C) + 16-byte tag,
 *     nonce = prefix (7) | chunk index (4) | 1 for the last chunk else 0 (1),
 *     AAD   = header bytes 0..4 and 68..80, then the object key.
 *
 * Each chunk is authenticated before its plaintext is released, the index stops reordering and the
 * last-chunk flag stops truncation (a file cut at a chunk boundary fails, too). The wrapped key is
 * left out of the chunks' AAD so a key rotation rewrites only those 64 bytes of the header.
 */
export const MAGIC = Buffer.from([0x53, 0x4b, 0x46, 0x01]);
export const HEADER_BYTES = 80;
const WRAP_AT = 4;
const CHUNK_SIZE_AT = 68;
const PREFIX_AT = 72;
export const DEFAULT_CHUNK_SIZE = 64 * 1024;

function chunkAad(header: Buffer, objectKey: string): Buffer {
  return Buffer.concat([header.subarray(0, WRAP_AT), header.subarray(CHUNK_SIZE_AT, HEADER_BYTES), Buffer.from(objectKey)]);
}

function chunkNonce(header: Buffer, index: number, last: boolean): Buffer {
  if (index > 0xffffffff) throw new Error('too many chunks');
  const nonce = Buffer.alloc(IV_BYTES);
  header.copy(nonce, 0, PREFIX_AT, PREFIX_AT + 7);
  nonce.writeUInt32BE(index, 7);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/** Encrypts a plaintext stream into the v1 format; counts plaintext bytes in `size`. */
class EncryptStream extends Transform {
  size = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private index = 0;

  constructor(
    private readonly header: Buffer,
    private readonly dataKey: Buffer,
    private readonly aad: Buffer,
    private readonly chunkSize: number,
  ) {
    super();
    this.push(header);
  }

  private seal(plain: Buffer, last: boolean): void {
    const cipher = createCipheriv('aes-256-gcm', this.dataKey, chunkNonce(this.header, this.index++, last), { authTagLength: TAG_BYTES });
    cipher.setAAD(this.aad);
    this.push(Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    // A chunk is sealed as "not last" only once more data follows it.
    if (this.pendingBytes > this.chunkSize) {
      let all = Buffer.concat(this.pending);
      while (all.length > this.chunkSize) {
        this.seal(all.subarray(0, this.chunkSize), false);
        all = all.subarray(this.chunkSize);
      }
      this.pending = [all];
      this.pendingBytes = all.length;
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    this.seal(Buffer.concat(this.pending), true);
    this.pending = [];
    done();
  }
}

/** Decrypts the v1 format; emits a chunk's plaintext only after its tag has verified. */
class DecryptStream extends Transform {
  private buffered: Buffer = Buffer.alloc(0);
  private header: Buffer | null = null;
  private dataKey: Buffer | null = null;
  private aad: Buffer | null = null;
  private chunkSize = 0;
  private index = 0;

  constructor(
    private readonly ring: Keyring,
    private readonly objectKey: string,
  ) {
    super();
  }

  private open(sealed: Buffer, last: boolean): Buffer {
    if (sealed.length < TAG_BYTES) throw new DecryptionError('The file is truncated.');
    const decipher = createDecipheriv('aes-256-gcm', this.dataKey!, chunkNonce(this.header!, this.index++, last), { authTagLength: TAG_BYTES });
    decipher.setAAD(this.aad!);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new DecryptionError('The file failed its integrity check (tampered, truncated or wrong key).');
    }
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
      if (!this.header) {
        if (this.buffered.length < HEADER_BYTES) return done();
        const header = Buffer.from(this.buffered.subarray(0, HEADER_BYTES));
        if (!header.subarray(0, 4).equals(MAGIC)) throw new DecryptionError('Not an encrypted file of a known format.');
        this.chunkSize = header.readUInt32BE(CHUNK_SIZE_AT);
        if (this.chunkSize < 1024 || this.chunkSize > 16 * 1024 * 1024) throw new DecryptionError('Malformed file header.');
        this.dataKey = unwrapDataKey(this.ring, header.subarray(WRAP_AT, WRAP_AT + WRAPPED_KEY_BYTES), `file:${this.objectKey}`);
        this.aad = chunkAad(header, this.objectKey);
        this.header = header;
        this.buffered = this.buffered.subarray(HEADER_BYTES);
      }
      const sealedSize = this.chunkSize + TAG_BYTES;
      // A full chunk followed by more data is not the last one.
      while (this.buffered.length > sealedSize) {
        this.push(this.open(this.buffered.subarray(0, sealedSize), false));
        this.buffered = this.buffered.subarray(sealedSize);
      }
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      if (!this.header) throw new DecryptionError('The file is truncated.');
      this.push(this.open(this.buffered, true));
      this.buffered = Buffer.alloc(0);
      done();
    } catch (err) {
      done(err as Error);
    }
  }
}

export interface StoredObject {
  key: string;
  /** Plaintext bytes. */
  size: number;
}

export interface FileStore {
  /**
   * Encrypts the stream into a new object named by the server (`<prefix>/<random>`). When the stream
   * fails (a validator refusing the content, a client hanging up), nothing is stored and the
   * stream's error is rethrown.
   */
  put(source: Readable, meta: { prefix: string }): Promise<StoredObject>;
  /**
   * The plaintext. Resolves once the header and the first chunk have been authenticated (so a wrong
   * key or a damaged start fails here, before anything is sent); a later bad chunk errors the stream.
   */
  get(key: string): Promise<Readable>;
  delete(key: string): Promise<void>;
  /** Every object under `prefix`, for sweeps of unreferenced objects. */
  list(prefix: string): AsyncIterable<{ key: string; modifiedAt: Date }>;
  /** Re-wraps every data key not wrapped by the current master key (key rotation). */
  rewrapAll(): Promise<{ checked: number; rewrapped: number }>;
}

/** Reads exactly `n` bytes from the start of a stream; the rest stays readable. */
async function readPrefix(stream: Readable, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let have = 0;
  for await (const chunk of stream.iterator({ destroyOnReturn: false })) {
    const buf = chunk as Buffer;
    parts.push(buf);
    have += buf.length;
    if (have >= n) break;
  }
  const all = Buffer.concat(parts);
  if (all.length > n) stream.unshift(all.subarray(n));
  return all.subarray(0, n);
}

export function createEncryptedStore(driver: BlobDriver, ring: Keyring, opts: { chunkSize?: number } = {}): FileStore {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;

  return {
    async put(source, meta) {
      if (!KEY_PREFIX.test(meta.prefix)) throw new Error(`Invalid key prefix ${JSON.stringify(meta.prefix)}`);
      const key = `${meta.prefix}/${randomBytes(16).toString('hex')}`;
      const dataKey = newDataKey();
      const header = Buffer.alloc(HEADER_BYTES);
      MAGIC.copy(header, 0);
      wrapDataKey(ring, dataKey, `file:${key}`).copy(header, WRAP_AT);
      header.writeUInt32BE(chunkSize, CHUNK_SIZE_AT);
      randomBytes(7).copy(header, PREFIX_AT);
      const encrypt = new EncryptStream(header, dataKey, chunkAad(header, key), chunkSize);
      // The source's errors must reach the driver so it discards the partial object.
      source.on('error', (err) => encrypt.destroy(err));
      encrypt.on('error', () => {}); // reported by driver.write's rejection
      source.pipe(encrypt);
      await driver.write(key, encrypt);
      return { key, size: encrypt.size };
    },

    async get(key) {
      assertObjectKey(key);
      const raw = await driver.read(key);
      const plain = new DecryptStream(ring, key);
      raw.on('error', (err) => plain.destroy(err));
      raw.pipe(plain);
      // Wait for the first authenticated bytes (or the end, or an error) before handing it out.
      const it = plain[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      let first: IteratorResult<Buffer>;
      try {
        first = await it.next();
      } catch (err) {
        raw.destroy();
        throw err;
      }
      async function* chunks() {
        try {
          let next = first;
          while (!next.done) {
            yield next.value;
            next = await it.next();
          }
        } finally {
          // Stopped early (the client went away): close the file too.
          await it.return?.();
          raw.destroy();
        }
      }
      return Readable.from(chunks(), { objectMode: false });
    },

    async delete(key) {
      assertObjectKey(key);
      await driver.remove(key);
    },

    list(prefix) {
      return driver.list(prefix);
    },

    async rewrapAll() {
      let checked = 0;
      let rewrapped = 0;
      for await (const { key } of driver.list()) {
        checked++;
        const raw = await driver.read(key);
        const header = await readPrefix(raw, HEADER_BYTES);
        if (header.length < HEADER_BYTES || !header.subarray(0, 4).equals(MAGIC)) {
          raw.destroy();
          throw new DecryptionError(`Stored object ${key} is not in a known format.`);
        }
        const wrapped = header.subarray(WRAP_AT, WRAP_AT + WRAPPED_KEY_BYTES);
        if (wrappedKeyId(wrapped) === ring.current.id) {
          raw.destroy();
          continue;
        }
        const fresh = rewrapDataKey(ring, wrapped, `file:${key}`)!;
        const newHeader = Buffer.from(header);
        fresh.copy(newHeader, WRAP_AT);
        // The content after the header is copied unchanged; the driver swaps the object atomically.
        const body = new PassThrough();
        body.write(newHeader);
        raw.on('error', (err) => body.destroy(err));
        raw.pipe(body);
        await driver.write(key, body);
        rewrapped++;
      }
      return { checked, rewrapped };
    },
  };
}

/** Reads a whole stream into memory (tests, small objects). */
export async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}
