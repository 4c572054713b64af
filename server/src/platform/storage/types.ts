import type { Readable } from 'node:stream';

/**
 * Where encrypted bytes live. A driver only moves opaque bytes; encryption happens above it (see
 * encrypted-store.ts), so a driver never sees plaintext and a new backend is only these five calls.
 *
 * - `local` (default): files under FILES_DIR (DATA_DIR/files), see local-disk.ts.
 * - `s3` (an S3-compatible store: AWS S3, MinIO, Cloudflare R2, ...): `write` = PutObject (with the
 *   body streamed; unknown length → multipart upload), `read` = GetObject's body stream, `remove` =
 *   DeleteObject, `list` = ListObjectsV2 under the prefix. Configured by STORAGE_DRIVER=s3 with
 *   S3_ENDPOINT, S3_REGION, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY (and S3_FORCE_PATH_STYLE
 *   for MinIO). It is not built in yet: config refuses STORAGE_DRIVER=s3 until it is.
 */
export interface BlobDriver {
  readonly kind: 'local' | 's3';
  /**
   * Stores the stream under `key`, replacing what was there. Atomic: the object is visible only
   * once every byte is written; when the stream fails, nothing is left behind and the error is rethrown.
   */
  write(key: string, data: Readable): Promise<void>;
  /** The stored bytes; throws StorageNotFoundError when there is no such object. */
  read(key: string): Promise<Readable>;
  /** Removes the object; removing a missing object is not an error. */
  remove(key: string): Promise<void>;
  /** Every object whose key starts with `prefix/`, with its last modification time. */
  list(prefix?: string): AsyncIterable<{ key: string; modifiedAt: Date }>;
}

export class StorageNotFoundError extends Error {
  constructor(key: string) {
    super(`No stored object ${key}`);
    this.name = 'StorageNotFoundError';
  }
}

/** Object keys are chosen by the server: `<prefix>/<32 random hex digits>`, never a client's file name. */
export const OBJECT_KEY = /^[a-z0-9-]{1,40}\/[0-9a-f]{32}$/;
export const KEY_PREFIX = /^[a-z0-9-]{1,40}$/;

export function assertObjectKey(key: string): void {
  if (!OBJECT_KEY.test(key)) throw new Error(`Invalid object key ${JSON.stringify(key)}`);
}
