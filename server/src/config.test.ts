import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { ConfigError, loadConfig } from './config.js';
import { packageRoot } from './platform/paths.js';

const KEY = Buffer.alloc(32, 3).toString('base64');
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'seva-config-'));
  dirs.push(dir);
  return dir;
}

/** The problems loadConfig reports for `env`, failing the test when it does not throw a ConfigError. */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig({ DATA_DIR: tempDir(), ...env });
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.match(err.message, /^Invalid configuration:/);
    for (const p of err.problems) assert.ok(err.message.includes(p), 'the message lists every problem');
    return err.problems;
  }
  assert.fail(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('defaults', () => {
    const dataDir = tempDir();
    const c = loadConfig({ DATA_DIR: dataDir });
    assert.equal(c.nodeEnv, 'development');
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.port, 3000);
    assert.equal(c.publicUrl, 'http://localhost:3000');
    assert.equal(c.httpsOnly, false);
    assert.equal(c.dataDir, dataDir);
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.trustProxy, false);
    assert.equal(c.logLevel, 'info');
    assert.equal(c.smtpUrl, undefined);
    assert.equal(c.mailFrom, 'Seva Kendra <no-reply@seva.local>');
    assert.equal(c.sessionIdleMinutes, 120);
    assert.equal(c.sessionAbsoluteHours, 24);
    assert.equal(c.runWorkers, true);
    assert.equal(c.adminEmail, 'admin@seva.local');
    assert.equal(c.masterKey.length, 32);
  });

  test('values are parsed: PUBLIC_URL to its origin, hop counts and proxy lists, booleans', () => {
    const c = loadConfig({
      DATA_DIR: tempDir(),
      MASTER_KEY: KEY,
      PORT: '8080',
      PUBLIC_URL: 'https://seva.example.in/some/path',
      TRUST_PROXY: '10.0.0.0/8, 192.168.1.1,::1,loopback',
      RUN_WORKERS: 'no',
      ADMIN_EMAIL: 'Owner@Example.IN',
      DATABASE_URL: 'postgresql://u@db/seva',
    });
    assert.equal(c.port, 8080);
    assert.equal(c.publicUrl, 'https://seva.example.in');
    assert.equal(c.httpsOnly, true);
    assert.deepEqual(c.trustProxy, ['10.0.0.0/8', '192.168.1.1', '::1', 'loopback']);
    assert.equal(c.runWorkers, false);
    assert.equal(c.adminEmail, 'owner@example.in');
    assert.equal(loadConfig({ DATA_DIR: tempDir(), TRUST_PROXY: '2' }).trustProxy, 2);
    assert.equal(loadConfig({ DATA_DIR: tempDir(), TRUST_PROXY: 'true' }).trustProxy, true);
  });

  test('every invalid setting is reported at once', () => {
    const found = problems({
      PORT: 'abc',
      LOG_LEVEL: 'loud',
      TRUST_PROXY: 'maybe',
      DATABASE_URL: 'mysql://root@localhost/seva',
      SMTP_URL: 'http://mail.example.com',
      PUBLIC_URL: 'ftp://seva.example.in',
    });
    assert.equal(found.length, 6, found.join('\n'));
    for (const name of ['PORT', 'LOG_LEVEL', 'TRUST_PROXY', 'DATABASE_URL', 'SMTP_URL', 'PUBLIC_URL']) {
      assert.equal(found.filter((p) => p.startsWith(name)).length, 1, `${name} in ${found.join(' | ')}`);
    }
  });

  test('each bad value is caught on its own', () => {
    const cases: [Record<string, string>, string][] = [
      [{ PORT: '70000', PUBLIC_URL: 'https://seva.example.in' }, 'PORT'],
      [{ PORT: '80.5' }, 'PORT'],
      [{ PORT: '-1' }, 'PORT'],
      [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL'],
      [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
      [{ RUN_WORKERS: 'sometimes' }, 'RUN_WORKERS'],
      [{ SESSION_IDLE_MINUTES: '0' }, 'SESSION_IDLE_MINUTES'],
      [{ SESSION_ABSOLUTE_HOURS: 'day' }, 'SESSION_ABSOLUTE_HOURS'],
    ];
    for (const [env, name] of cases) {
      const found = problems(env);
      assert.equal(found.length, 1, `${JSON.stringify(env)}: ${found.join(' | ')}`);
      assert.ok(found[0]!.startsWith(name), found[0]);
    }
  });

  test('TRUST_PROXY accepts only what the server can use: addresses, CIDRs and the named ranges', () => {
    for (const bad of ['beef', 'cafe:babe:zz', '10.0.0.1/99', '10.0.0.1,,foo', '999.1.1.1', '10.0.0.0/8/8']) {
      const found = problems({ TRUST_PROXY: bad });
      assert.ok(found.some((p) => p.startsWith('TRUST_PROXY')), `${bad}: ${found.join(' | ')}`);
    }
    // Whatever is accepted must also start the HTTP server, not fail later with a raw error.
    for (const good of ['10.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'loopback, uniquelocal', '172.16.0.0/12,127.0.0.1']) {
      const c = loadConfig({ DATA_DIR: tempDir(), TRUST_PROXY: good });
      assert.doesNotThrow(() => Fastify({ trustProxy: c.trustProxy as string[] }), good);
    }
  });

  test('production requires MASTER_KEY and an https PUBLIC_URL', () => {
    const dataDir = tempDir();
    const noKey = problems({ NODE_ENV: 'production', PUBLIC_URL: 'https://seva.example.in', DATA_DIR: dataDir });
    assert.equal(noKey.length, 1);
    assert.match(noKey[0]!, /^MASTER_KEY is required in production/);
    assert.equal(existsSync(path.join(dataDir, 'master.key')), false, 'no key file is made in production');

    const http = problems({ NODE_ENV: 'production', PUBLIC_URL: 'http://seva.example.in', MASTER_KEY: KEY });
    assert.deepEqual(http, ['PUBLIC_URL must be https:// in production']);
    const defaultUrl = problems({ NODE_ENV: 'production', MASTER_KEY: KEY });
    assert.deepEqual(defaultUrl, ['PUBLIC_URL must be https:// in production']);

    const ok = loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://seva.example.in', MASTER_KEY: KEY, DATA_DIR: tempDir() });
    assert.deepEqual(ok.masterKey, Buffer.alloc(32, 3));
  });

  test('a MASTER_KEY that is not 32 bytes is refused', () => {
    for (const key of [Buffer.alloc(16).toString('base64'), Buffer.alloc(33).toString('base64'), 'short']) {
      const found = problems({ MASTER_KEY: key });
      assert.equal(found.length, 1);
      assert.match(found[0]!, /^MASTER_KEY must be 32 bytes/);
    }
  });

  test('outside production a key file is made once in DATA_DIR with mode 0600 and read back', () => {
    const dataDir = path.join(tempDir(), 'nested', 'data');
    const first = loadConfig({ DATA_DIR: dataDir });
    const file = path.join(dataDir, 'master.key');
    assert.ok(existsSync(file));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'), first.masterKey);
    const second = loadConfig({ DATA_DIR: dataDir });
    assert.deepEqual(second.masterKey, first.masterKey);
    assert.notDeepEqual(loadConfig({ DATA_DIR: tempDir() }).masterKey, first.masterKey, 'each data folder gets its own key');

    writeFileSync(file, 'dG9vIHNob3J0\n');
    const found = problems({ DATA_DIR: dataDir });
    assert.ok(found.some((p) => p.startsWith(file)), found.join(' | '));
  });

  test('the returned configuration is frozen', () => {
    const c = loadConfig({ DATA_DIR: tempDir() });
    assert.equal(Object.isFrozen(c), true);
    assert.throws(() => {
      (c as { port: number }).port = 1;
    }, TypeError);
    assert.equal(c.port, 3000);
  });

  test('processes starting at once on a new data folder all get the same key', async () => {
    const dataDir = path.join(tempDir(), 'fresh');
    // Every process waits for the same instant, then loads the configuration and prints its key.
    const at = Date.now() + 4000;
    const script = `const { loadConfig } = await import(${JSON.stringify(path.join(packageRoot, 'server/src/config.ts'))});
      while (Date.now() < ${at});
      process.stdout.write(loadConfig({ DATA_DIR: ${JSON.stringify(dataDir)} }).masterKey.toString('base64'));`;
    const runs = await Promise.all(
      Array.from({ length: 6 }, () => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: packageRoot, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        return new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.on('close', (code) => resolve({ code, out, err })));
      }),
    );
    for (const r of runs) assert.equal(r.code, 0, r.err);
    const key = readFileSync(path.join(dataDir, 'master.key'), 'utf8').trim();
    assert.deepEqual(new Set(runs.map((r) => r.out)), new Set([key]));
    assert.deepEqual(readdirSync(dataDir), ['master.key'], 'no drafts left behind');
  });

  test('the CLI refuses to start on a bad setting, naming it, with exit code 1', async () => {
    const dataDir = tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', 'start'], {
      cwd: packageRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), PORT: 'abc', DATA_DIR: dataDir, NODE_ENV: 'development' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // A safety net only: should the server start despite the bad PORT, stop it instead of hanging.
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const exitCode = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    clearTimeout(guard);
    assert.equal(exitCode, 1, `stdout: ${stdout}\nstderr: ${stderr}`);
    assert.match(stderr, /Invalid configuration/);
    assert.match(stderr, /PORT must be a whole number \(got "abc"\)/);
    assert.doesNotMatch(stderr, /\n\s+at /, 'a message, not a stack trace');
    assert.equal(stdout, '');
  });
});
