import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';

/**
 * Every setting comes from the environment, is parsed once at start and frozen. The README's
 * configuration table lists the same variables; `describeConfig()` prints them for `seva config`.
 */
export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  publicUrl: string;
  httpsOnly: boolean;
  dataDir: string;
  databaseUrl: string | undefined;
  masterKey: Buffer;
  trustProxy: boolean | number | string[];
  logLevel: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  runWorkers: boolean;
  adminEmail: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

interface VarSpec {
  name: string;
  description: string;
  default?: string;
}

export const CONFIG_VARS: VarSpec[] = [
  { name: 'NODE_ENV', default: 'development', description: '`production` requires every secret to be set explicitly.' },
  { name: 'HOST', default: '127.0.0.1', description: 'Interface to listen on (`0.0.0.0` to serve the LAN).' },
  { name: 'PORT', default: '3000', description: 'HTTP port.' },
  { name: 'PUBLIC_URL', default: 'http://localhost:$PORT', description: 'Address users reach the platform at; `https://` turns on redirects, HSTS and `Secure` cookies.' },
  { name: 'DATA_DIR', default: './data', description: 'Embedded database, generated master key and stored files.' },
  { name: 'DATABASE_URL', description: 'PostgreSQL connection string; unset = embedded PGlite under `DATA_DIR`.' },
  { name: 'MASTER_KEY', description: '32 bytes, base64: encrypts secrets and files at rest. Required in production; otherwise generated once into `DATA_DIR/master.key` (mode 0600).' },
  { name: 'TRUST_PROXY', default: 'false', description: '`true`, a hop count, or comma-separated proxy addresses/CIDRs whose `X-Forwarded-*` headers are believed.' },
  { name: 'LOG_LEVEL', default: 'info', description: '`fatal`, `error`, `warn`, `info`, `debug` or `trace`.' },
  { name: 'SMTP_URL', description: 'e.g. `smtps://user:pass@mail.example.com:465`; unset = sandbox outbox visible to admins.' },
  { name: 'MAIL_FROM', default: 'Seva Kendra <no-reply@seva.local>', description: 'Sender of platform mail.' },
  { name: 'SESSION_IDLE_MINUTES', default: '120', description: 'A session unused this long ends.' },
  { name: 'SESSION_ABSOLUTE_HOURS', default: '24', description: 'A session ends this long after sign-in, used or not.' },
  { name: 'RUN_WORKERS', default: 'true', description: '`seva start` also runs background jobs; set `false` when running `seva worker` separately.' },
  { name: 'ADMIN_EMAIL', default: 'admin@seva.local', description: 'Email of the first admin, created with a printed one-time password on first start.' },
];

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, def: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!/^\d+$/.test(raw)) {
    problems.push(`${name} must be a whole number (got "${raw}")`);
    return def;
  }
  const n = Number(raw);
  if (n < min || n > max) problems.push(`${name} must be between ${min} and ${max} (got ${n})`);
  return n;
}

function bool(env: Env, name: string, def: boolean, problems: string[]): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return def;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  problems.push(`${name} must be true or false (got "${env[name]}")`);
  return def;
}

function parseTrustProxy(raw: string | undefined, problems: string[]): boolean | number | string[] {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  const parts = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.some((p) => !/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(p) && !['loopback', 'linklocal', 'uniquelocal'].includes(p))) {
    problems.push('TRUST_PROXY must be true, false, a hop count, or comma-separated IP addresses/CIDRs');
  }
  return parts;
}

function decodeKey(raw: string, source: string, problems: string[]): Buffer {
  const key = Buffer.from(raw.trim(), 'base64');
  if (key.length !== 32) problems.push(`${source} must be 32 bytes encoded as base64 (got ${key.length} bytes)`);
  return key;
}

/** Reads DATA_DIR/master.key, creating it (mode 0600) the first time. Only for non-production use. */
function loadOrCreateMasterKey(dataDir: string, problems: string[]): Buffer {
  const file = path.join(dataDir, 'master.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return decodeKey(readFileSync(file, 'utf8'), file, problems);
}

export function loadConfig(env: Env = process.env): Readonly<Config> {
  const problems: string[] = [];
  const nodeEnvRaw = env.NODE_ENV || 'development';
  if (!['development', 'production', 'test'].includes(nodeEnvRaw)) {
    problems.push(`NODE_ENV must be development, production or test (got "${nodeEnvRaw}")`);
  }
  const nodeEnv = nodeEnvRaw as Config['nodeEnv'];
  const production = nodeEnv === 'production';
  const port = int(env, 'PORT', 3000, 0, 65535, problems);
  const host = env.HOST || '127.0.0.1';

  const publicUrlRaw = env.PUBLIC_URL || `http://localhost:${port}`;
  let publicUrl = publicUrlRaw;
  try {
    const u = new URL(publicUrlRaw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
    publicUrl = u.origin;
  } catch {
    problems.push(`PUBLIC_URL must be an http(s) URL (got "${publicUrlRaw}")`);
  }
  const httpsOnly = publicUrl.startsWith('https:');
  if (production && !httpsOnly) problems.push('PUBLIC_URL must be https:// in production');

  const dataDir = path.resolve(env.DATA_DIR || './data');
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  }

  let masterKey: Buffer;
  if (env.MASTER_KEY) masterKey = decodeKey(env.MASTER_KEY, 'MASTER_KEY', problems);
  else if (production) {
    problems.push('MASTER_KEY is required in production (32 random bytes, base64: `openssl rand -base64 32`)');
    masterKey = Buffer.alloc(32);
  } else masterKey = loadOrCreateMasterKey(dataDir, problems);

  const logLevel = env.LOG_LEVEL || 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "${logLevel}")`);
  }
  const smtpUrl = env.SMTP_URL || undefined;
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) problems.push('SMTP_URL must start with smtp:// or smtps://');

  const config: Config = {
    nodeEnv,
    host,
    port,
    publicUrl,
    httpsOnly,
    dataDir,
    databaseUrl,
    masterKey,
    trustProxy: parseTrustProxy(env.TRUST_PROXY, problems),
    logLevel,
    smtpUrl,
    mailFrom: env.MAIL_FROM || 'Seva Kendra <no-reply@seva.local>',
    sessionIdleMinutes: int(env, 'SESSION_IDLE_MINUTES', 120, 1, 60 * 24 * 30, problems),
    sessionAbsoluteHours: int(env, 'SESSION_ABSOLUTE_HOURS', 24, 1, 24 * 90, problems),
    runWorkers: bool(env, 'RUN_WORKERS', true, problems),
    adminEmail: (env.ADMIN_EMAIL || 'admin@seva.local').toLowerCase(),
  };
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(config);
}
