import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertObjectKey, KEY_PREFIX, StorageNotFoundError, type BlobDriver } from './types.js';

const TMP = '.tmp';

/**
 * Objects as files under `root` (FILES_DIR, default DATA_DIR/files): `<prefix>/<2 hex>/<key rest>`,
 * mode 0600 in 0700 folders. Writes go to `.tmp/` first and are renamed into place, so a reader never
 * sees a half-written object and a failed write leaves nothing but a removed temp file.
 */
export function createLocalDiskDriver(root: string): BlobDriver {
  const fileOf = (key: string) => {
    assertObjectKey(key);
    const [prefix, id] = key.split('/') as [string, string];
    return path.join(root, prefix, id.slice(0, 2), id);
  };

  return {
    kind: 'local',

    async write(key, data: Readable) {
      const target = fileOf(key);
      // Synchronously, so the stream is consumed (and its errors handled) from this tick on.
      mkdirSync(path.join(root, TMP), { recursive: true, mode: 0o700 });
      const tmp = path.join(root, TMP, `${randomBytes(16).toString('hex')}.part`);
      const out = createWriteStream(tmp, { flags: 'wx', mode: 0o600 });
      try {
        await pipeline(data, out);
        // fsync before the rename, so a crash cannot leave a renamed but empty file.
        const fh = await open(tmp, 'r');
        try {
          await fh.sync();
        } finally {
          await fh.close();
        }
        await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
        await rename(tmp, target);
      } catch (err) {
        data.destroy();
        // The file is created by an asynchronous open that may still be pending when the pipeline
        // fails early; removing it before the stream has closed could race that open and leave it.
        out.destroy();
        if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
        await unlink(tmp).catch(() => {});
        throw err;
      }
    },

    async read(key) {
      const file = fileOf(key);
      try {
        await stat(file);
      } catch {
        throw new StorageNotFoundError(key);
      }
      return createReadStream(file);
    },

    async remove(key) {
      try {
        await unlink(fileOf(key));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    },

    async *list(prefix?: string) {
      const prefixes = prefix ? [prefix] : (await readdir(root).catch(() => [] as string[])).filter((p) => p !== TMP && KEY_PREFIX.test(p));
      for (const p of prefixes) {
        if (!KEY_PREFIX.test(p)) throw new Error(`Invalid key prefix ${JSON.stringify(p)}`);
        const shards = await readdir(path.join(root, p)).catch(() => [] as string[]);
        for (const shard of shards) {
          const names = await readdir(path.join(root, p, shard)).catch(() => [] as string[]);
          for (const name of names) {
            const key = `${p}/${name}`;
            if (!/^[0-9a-f]{32}$/.test(name) || name.slice(0, 2) !== shard) continue;
            const s = await stat(path.join(root, p, shard, name)).catch(() => null);
            if (s?.isFile()) yield { key, modifiedAt: s.mtime };
          }
        }
      }
    },
  };
}

/** Removes temp files of writes that never finished (a crash mid-upload), older than `olderThanMs`. */
export async function sweepLocalTemp(root: string, olderThanMs: number): Promise<number> {
  const dir = path.join(root, TMP);
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const file = path.join(dir, name);
    const s = await stat(file).catch(() => null);
    if (s && Date.now() - s.mtimeMs > olderThanMs) {
      await unlink(file).catch(() => {});
      removed++;
    }
  }
  return removed;
}
