// The Cloud API simulator in a process of its own, for `npm run bench` (bench/whatsapp-send.ts): a
// platform on a clone of the test database, mounted simulator, no job workers (so no status
// webhooks compete for the CPU), listening on a free port. Prints {"port": …} once ready; stops on SIGTERM.
import { Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createPlatform } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { cloneTestDb } from '../server/src/test/test-db.js';
import { TEST_MASTER_KEY } from '../server/src/test/harness.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'seva-bench-sim-'));
const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, MASTER_KEY: TEST_MASTER_KEY, LOG_LEVEL: 'info', PUBLIC_URL: 'http://127.0.0.1:1' });
const testDb = await cloneTestDb();
const sink = new Writable({ write: (_chunk, _enc, done) => done() });
const platform = await createPlatform({ config, db: testDb.db, logger: { level: 'info', stream: sink } });
await platform.jobs.start({ work: false });
await platform.app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ port: (platform.app.server.address() as AddressInfo).port })}\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await platform.app.close();
  await platform.jobs.stop();
  await testDb.drop();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
