#!/usr/bin/env node
// Runs the test suite: on PGlite always, and again on PostgreSQL when DATABASE_URL is set.
// Browser tests (e2e/) run once, on PGlite. `--db-only` skips PGlite and the browser tests.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dbOnly = process.argv.includes('--db-only');

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (name === 'node_modules') continue;
    if (statSync(full).isDirectory()) out.push(...findTests(full));
    else if (name.endsWith('.test.ts')) out.push(path.relative(root, full));
  }
  return out.sort();
}

function run(cmd, args, env) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (res.status !== 0) process.exit(res.status ?? 1);
}

const serverTests = findTests(path.join(root, 'server'));
const e2eTests = findTests(path.join(root, 'e2e'));
// The timeout also bounds each whole test file (its own process): the WhatsApp and KYC files take minutes
// on a busy 2-core machine. It stops a hang; it is not a speed check.
const nodeTest = (files, env) =>
  run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=600000', ...files], env);

// Some tests are served the web app: `npm test` builds it first; `test:db` on its own builds it
// only when no build exists yet.
if (dbOnly && !existsSync(path.join(root, 'dist', 'web', 'index.html'))) run('npm', ['run', 'build:web', '--silent']);

if (!dbOnly) {
  console.log(`\n== ${serverTests.length} test files on PGlite ==`);
  run(process.execPath, ['--import', 'tsx', 'scripts/prepare-test-db.ts', 'pglite']);
  nodeTest(serverTests, { TEST_DB: 'pglite' });
}
if (process.env.DATABASE_URL) {
  console.log(`\n== ${serverTests.length} test files on PostgreSQL ==`);
  run(process.execPath, ['--import', 'tsx', 'scripts/prepare-test-db.ts', 'postgres']);
  nodeTest(serverTests, { TEST_DB: 'postgres' });
}
if (!dbOnly && e2eTests.length) {
  console.log(`\n== ${e2eTests.length} browser test files ==`);
  run('bash', ['scripts/ensure-chromium.sh']);
  nodeTest(e2eTests, { TEST_DB: 'pglite' });
}
