import { closeSync, openSync, readFileSync, unlinkSync, writeSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/**
 * PGlite takes no lock on its folder, and a second process opening it writes into the void. This
 * lock file makes a second opener fail loudly instead. A lock left by a process that no longer runs
 * (a crash, a kill -9) is taken over.
 */
export class DataDirLockedError extends Error {
  constructor(readonly lockFile: string, readonly pid: number) {
    super(
      `The data folder is in use by another Seva Kendra process (pid ${pid}, lock ${lockFile}). ` +
        'Stop it first, or point DATA_DIR elsewhere. Commands such as `seva create-admin` need the server stopped ' +
        'when the embedded database is used.',
    );
    this.name = 'DataDirLockedError';
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const lockFile = path.join(dataDir, 'seva.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          if (readFileSync(lockFile, 'utf8').trim() === String(process.pid)) unlinkSync(lockFile);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(lockFile, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
        throw new DataDirLockedError(lockFile, pid);
      }
      unlinkSync(lockFile); // stale: its process is gone
    }
  }
  throw new Error(`Could not take the lock ${lockFile}`);
}
