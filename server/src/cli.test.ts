import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { packageRoot } from './platform/paths.js';
import { loadMigrations } from './db/migrate.js';
import { PG_TEST_PREFIX, adminUrl, withDatabase } from './test/test-db.js';

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

/** Starts a long-running command (start, worker) and waits until its output matches `ready` or it exits. */
async function startCommand(args: string[], env: Record<string, string>, ready: RegExp, logLevel = 'warn') {
  const child = spawn(process.execPath, [...CLI, ...args], { cwd: packageRoot, env: { ...process.env, ...env, LOG_LEVEL: logLevel } });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  let running = true;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => ((running = false), resolve(code))));
  for (let i = 0; i < 2400 && running && !ready.test(out); i++) await new Promise((r) => setTimeout(r, 100));
  return { child, exited, output: () => out };
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

      // The worker on its own: it takes the folder, works until SIGTERM, then lets it go.
      const worker = await startCommand(['worker'], env, /worker started/, 'info');
      assert.match(worker.output(), /worker started/);
      assert.ok(existsSync(path.join(dataDir, 'seva.lock')), 'the worker holds the data folder');
      worker.child.kill('SIGTERM');
      assert.equal(await worker.exited, 0, worker.output());
      assert.equal(existsSync(path.join(dataDir, 'seva.lock')), false);
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

describe('the seva CLI on PostgreSQL (DATABASE_URL)', { skip: process.env.TEST_DB === 'postgres' ? false : 'runs in the PostgreSQL pass' }, () => {
  test('migrate applies every migration once, create-admin, start and worker run and stop cleanly', { timeout: 360_000 }, async () => {
    // An empty database: `seva migrate` builds the whole schema itself.
    const name = `${PG_TEST_PREFIX}cli_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'seva-cli-pg-'));
    const port = await freePort();
    const env = { DATABASE_URL: withDatabase(adminUrl(), name), DATA_DIR: dataDir, PORT: String(port), NODE_ENV: 'development', ADMIN_EMAIL: 'first.admin@example.com' };
    try {
      const first = cli(['migrate'], env);
      assert.equal(first.status, 0, first.stderr);
      const applied = /Applied: (.*)/.exec(first.stdout)?.[1]?.split(', ') ?? [];
      assert.deepEqual(applied, loadMigrations().map((m) => `${m.version}_${m.name}`));
      const again = cli(['migrate'], env);
      assert.equal(again.status, 0, again.stderr);
      assert.match(again.stdout, /up to date/);

      const made = cli(['create-admin', '--email', 'Ops.Admin@Example.com', '--password', 'A-long-admin-passphrase'], env);
      assert.equal(made.status, 0, made.stderr);
      assert.match(made.stdout, /Admin ready: ops.admin@example.com/);
      const db = new pg.Client({ connectionString: env.DATABASE_URL });
      await db.connect();
      try {
        const rows = await db.query<{ role: string; verified: boolean }>("SELECT role, email_verified_at IS NOT NULL AS verified FROM users WHERE email = 'ops.admin@example.com'");
        assert.deepEqual(rows.rows, [{ role: 'admin', verified: true }]);
      } finally {
        await db.end();
      }

      // An admin exists, so start makes no first admin and says how to sign in.
      const server = await startCommand(['start'], env, /Sign in with your admin account|password:/);
      assert.match(server.output(), new RegExp(`running at http://localhost:${port}`));
      assert.match(server.output(), /Database: PostgreSQL/);
      assert.doesNotMatch(server.output(), /password:/);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      assert.deepEqual(await ready.json(), { status: 'ready', database: 'postgres' });
      server.child.kill('SIGTERM');
      assert.equal(await server.exited, 0, server.output());

      const worker = await startCommand(['worker'], env, /worker started/, 'info');
      assert.match(worker.output(), /worker started/);
      worker.child.kill('SIGTERM');
      assert.equal(await worker.exited, 0, worker.output());
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
