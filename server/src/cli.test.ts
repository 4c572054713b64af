import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { packageRoot } from './platform/paths.js';

const CLI = ['--import', 'tsx', path.join(packageRoot, 'server/src/cli.ts')];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function cli(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [...CLI, ...args], { cwd: packageRoot, env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, encoding: 'utf8', timeout: 90_000 });
}

describe('the seva CLI on the embedded database', { skip: process.env.TEST_DB === 'postgres' ? 'embedded-database behaviour' : false }, () => {
  // A fresh embedded database is created and migrated first: on a busy machine that takes minutes.
  test('start prints the URL and first admin, holds the data-folder lock, and stops cleanly on SIGTERM', { timeout: 360_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'seva-cli-'));
    const port = await freePort();
    const env = { DATA_DIR: dataDir, PORT: String(port), NODE_ENV: 'development', DATABASE_URL: '' };
    try {
      const server = spawn(process.execPath, [...CLI, 'start'], { cwd: packageRoot, env: { ...process.env, ...env, LOG_LEVEL: 'warn' } });
      let out = '';
      server.stdout.on('data', (d: Buffer) => (out += d.toString()));
      server.stderr.on('data', (d: Buffer) => (out += d.toString()));
      let running = true;
      const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => ((running = false), resolve(code))));
      for (let i = 0; i < 2400 && running && !out.includes('password:'); i++) await new Promise((r) => setTimeout(r, 100));
      assert.match(out, new RegExp(`running at http://localhost:${port}`));
      const password = /password:\s+(\S+)/.exec(out)?.[1];
      assert.ok(password, out);
      assert.equal(statSync(path.join(dataDir, 'master.key')).mode & 0o777, 0o600);

      const health = await fetch(`http://127.0.0.1:${port}/readyz`);
      assert.equal(health.status, 200);

      // A second process on the same folder is refused while the server runs.
      const second = cli(['migrate'], env);
      assert.equal(second.status, 1);
      assert.match(second.stderr, /in use by another Seva Kendra process/);

      server.kill('SIGTERM');
      assert.equal(await exited, 0, out);
      assert.equal(existsSync(path.join(dataDir, 'seva.lock')), false, 'lock released');

      // Stopped: the CLI can take the folder, and the first admin's password works on the next start.
      const admin = cli(['create-admin', '--email', 'second.admin@example.com', '--password', 'A-long-admin-passphrase'], env);
      assert.equal(admin.status, 0, admin.stderr);
      assert.match(admin.stdout, /Admin ready: second.admin@example.com/);
      const weak = cli(['create-admin', '--email', 'third@example.com', '--password', 'password'], env);
      assert.equal(weak.status, 1);
      assert.match(weak.stderr, /too common|characters/);
      const migrate = cli(['migrate'], env);
      assert.equal(migrate.status, 0, migrate.stderr);
      assert.match(migrate.stdout, /up to date/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('an unknown command prints usage and exits 2', () => {
    const res = cli(['frobnicate'], { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'seva-cli-')) });
    assert.equal(res.status, 2);
    assert.match(res.stderr, /Unknown command "frobnicate"/);
    assert.match(res.stderr, /create-admin --email E --password P/);
  });
});
