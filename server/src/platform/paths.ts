import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The package root: three levels above this file both in server/src/platform and in dist/server/platform. */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const migrationsDir = path.join(packageRoot, 'server', 'migrations');
export const webDistDir = path.join(packageRoot, 'dist', 'web');
