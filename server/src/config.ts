import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync, linkSync, unlinkSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { parseAllowList, type AllowList } from './platform/ip-ranges.js';

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
  // payments: wallet top-ups (server/src/modules/payments)
  razorpay: { keyId: string; keySecret: string; webhookSecret: string } | undefined;
  razorpayApiUrl: string;
  topupMinPaise: number;
  topupMaxPaise: number;
  topupKycLimitPaise: number;
  paymentReconcileAfterMinutes: number;
  gstin: string | undefined;
  topupGstRateBps: number;
  // kyc + files: encrypted storage, uploads, KYC rules (platform/storage, platform/uploads, modules/kyc)
  masterKeyPrevious: Buffer[];
  storageDriver: 'local';
  filesDir: string;
  uploadMaxBytes: number;
  uploadMaxPixels: number;
  uploadMaxDimension: number;
  clamav: { host: string; port: number; timeoutMs: number } | undefined;
  kycRequiredDocuments: string[];
  kycRequiredFor: string[];
  kycRetentionDays: number;
  recordsRetentionDays: number;
  // whatsapp: Meta app, Graph API client and the built-in Cloud API simulator (modules/whatsapp/graph, modules/meta-sandbox)
  metaApp: { appId: string; appSecret: string } | undefined;
  metaVerifyToken: string | undefined;
  /** Unset = graph.facebook.com with a Meta app, the built-in simulator without one. */
  metaGraphUrl: string | undefined;
  metaGraphVersion: string;
  metaGraphTimeoutMs: number;
  metaSandboxWebhookUrl: string;
  // support: tickets and the grievance officer (modules/support)
  supportReopenDays: number;
  grievanceOfficer: { name: string; email: string; phone: string | null; configured: boolean };
  // webhooks-out: deliveries to customers' webhook endpoints (modules/whatsapp/webhooks-out)
  webhookAllowedHosts: AllowList;
  webhookTimeoutMs: number;
  webhookConcurrency: number;
  webhookRetentionDays: number;
  // whatsapp send: credit leases, rate limits and pacing of the send path (modules/whatsapp/messages)
  waLeaseBlockPaise: number;
  waApiKeyRatePerSecond: number;
  waSendMaxWaitMs: number;
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
  // payments
  { name: 'RAZORPAY_KEY_ID', description: 'Razorpay API key id (`rzp_live_…` or `rzp_test_…`). With `RAZORPAY_KEY_SECRET` and `RAZORPAY_WEBHOOK_SECRET` (all three or none) top-ups go through Razorpay; unset = the built-in sandbox gateway (outside production; in production top-ups are then off).' },
  { name: 'RAZORPAY_KEY_SECRET', description: 'Razorpay API key secret: authenticates API calls and verifies checkout signatures.' },
  { name: 'RAZORPAY_WEBHOOK_SECRET', description: 'Secret of the Razorpay webhook pointed at `PUBLIC_URL/webhooks/payments/razorpay` (events `payment.captured`, `order.paid`, `payment.failed`).' },
  { name: 'RAZORPAY_API_URL', default: 'https://api.razorpay.com', description: 'Base URL of the Razorpay API.' },
  { name: 'TOPUP_MIN_PAISE', default: '1000', description: 'Smallest wallet top-up, in paise (1000 = ₹10).' },
  { name: 'TOPUP_MAX_PAISE', default: '5000000', description: 'Largest wallet top-up, in paise (5000000 = ₹50,000).' },
  { name: 'TOPUP_KYC_LIMIT_PAISE', default: '1000000', description: 'Top-ups above this many paise need approved KYC (1000000 = ₹10,000).' },
  { name: 'PAYMENT_RECONCILE_AFTER_MINUTES', default: '15', description: 'The gateway is asked about top-ups still unconfirmed this long after they were started.' },
  { name: 'GSTIN', description: 'GST registration number printed on top-up receipts.' },
  { name: 'TOPUP_GST_RATE_BPS', default: '0', description: 'GST included in a top-up, in basis points (1800 = 18 %); above 0 the receipt shows a GST line (needs `GSTIN`).' },
  // kyc + files
  { name: 'MASTER_KEY_PREVIOUS', description: 'Earlier master keys (comma-separated base64), still accepted for reading after a rotation; `seva rotate-keys` re-wraps everything under `MASTER_KEY` so they can be removed.' },
  { name: 'STORAGE_DRIVER', default: 'local', description: 'Where uploaded files are kept (encrypted): `local` = `FILES_DIR`. `s3` (S3-compatible, with `S3_ENDPOINT`, `S3_REGION`, `S3_BUCKET`, `S3_ACCESS_KEY_ID`, `S3_SECRET_ACCESS_KEY`) is designed but not built in yet: see server/src/platform/storage/README.md.' },
  { name: 'FILES_DIR', default: '$DATA_DIR/files', description: 'Folder of the local file store.' },
  { name: 'UPLOAD_MAX_BYTES', default: '5242880', description: 'Largest accepted upload in bytes (5 MB); upload kinds may set less.' },
  { name: 'UPLOAD_MAX_PIXELS', default: '40000000', description: 'Largest image area (width × height) accepted; bigger declared sizes are refused as decompression bombs.' },
  { name: 'UPLOAD_MAX_DIMENSION', default: '12000', description: 'Largest image width or height in pixels.' },
  { name: 'CLAMAV_HOST', description: 'Host of a ClamAV `clamd` daemon; when set every upload is scanned (INSTREAM) and infected files are refused. Unset = no virus scan.' },
  { name: 'CLAMAV_PORT', default: '3310', description: 'TCP port of `clamd`.' },
  { name: 'CLAMAV_TIMEOUT_MS', default: '30000', description: 'An upload is refused (503) when `clamd` has not answered within this time.' },
  { name: 'KYC_REQUIRED_DOCUMENTS', default: 'pan_card,aadhaar_masked,photo', description: 'Documents a KYC submission must include, from `pan_card`, `aadhaar_masked`, `photo`, `address_proof`.' },
  { name: 'KYC_REQUIRED_FOR', default: 'whatsapp_api,topup_above_limit', description: 'Features that need approved KYC: `whatsapp_api`, `topup_above_limit` (top-ups above `TOPUP_KYC_LIMIT_PAISE`), `service:<kind>` (service applications of that kind); empty = none.' },
  { name: 'KYC_RETENTION_DAYS', default: '1825', description: 'KYC records and documents of a closed account are kept this long after it closed (PMLA: 5 years after the relationship ends), then purged.' },
  { name: 'RECORDS_RETENTION_DAYS', default: '2920', description: 'Application documents (uploads and results) and support ticket attachments of a closed account are kept this long after it closed, then purged; the application and ticket records stay. GST law keeps accounts and records 72 months from the due date of the annual return, up to about 8 years after a transaction.' },
  // whatsapp
  { name: 'META_APP_ID', description: 'The platform\'s Meta app id. With `META_APP_SECRET` (both or none) the platform talks to Meta; unset = the built-in Cloud API simulator under `/sandbox/graph` (outside production).' },
  { name: 'META_APP_SECRET', description: 'The Meta app secret: verifies `X-Hub-Signature-256` on webhooks. The simulator signs with a secret derived from `MASTER_KEY` instead.' },
  { name: 'META_VERIFY_TOKEN', description: 'The token Meta echoes in the webhook verification handshake (`GET /webhooks/whatsapp`).' },
  { name: 'META_GRAPH_URL', default: 'https://graph.facebook.com', description: 'Base URL of the Graph API. Unset without a Meta app = the built-in simulator (`PUBLIC_URL/sandbox/graph`, called in-process).' },
  { name: 'META_GRAPH_VERSION', default: 'v23.0', description: 'Graph API version in every call; below v24.0 the simulator\'s status webhooks also carry `conversation`.' },
  { name: 'META_GRAPH_TIMEOUT_MS', default: '15000', description: 'Time allowed for one Graph API call (uploads and downloads get 120 s).' },
  { name: 'META_SANDBOX_WEBHOOK_URL', default: '$PUBLIC_URL/webhooks/whatsapp', description: 'Where the simulator POSTs its signed webhooks (in-process when on `PUBLIC_URL`).' },
  // support
  { name: 'SUPPORT_REOPEN_DAYS', default: '7', description: 'A resolved support ticket can be reopened for this many days; after that it is closed automatically.' },
  { name: 'GRIEVANCE_OFFICER_NAME', default: 'Grievance Officer', description: 'Name of the grievance officer shown on the support pages and at `GET /api/support/grievance-officer` (DPDP Act, 2023). Set the real person in production.' },
  { name: 'GRIEVANCE_OFFICER_EMAIL', default: 'grievance@seva.local', description: 'Email address of the grievance officer (set a real, monitored address in production; a warning is logged while the default is used).' },
  { name: 'GRIEVANCE_OFFICER_PHONE', description: 'Phone number of the grievance officer; unset = not shown.' },
  // webhooks-out
  { name: 'WEBHOOK_ALLOWED_HOSTS', description: 'Comma-separated host names, IP addresses or CIDR ranges that customer webhooks may reach although they are private, loopback or link-local (on-premise receivers, tests). Unset = public addresses only.' },
  { name: 'WEBHOOK_TIMEOUT_MS', default: '15000', description: 'Time allowed for one webhook delivery attempt (connect, send, answer); longer counts as a failed attempt.' },
  { name: 'WEBHOOK_CONCURRENCY', default: '50', description: 'Webhook delivery attempts in flight per worker process (at most 10 per endpoint).' },
  { name: 'WEBHOOK_RETENTION_DAYS', default: '30', description: 'Webhook events, deliveries and attempt logs are kept this long (at least 5, longer than the 3.6-day retry schedule); replays reach back as far.' },
  // whatsapp send
  { name: 'WA_LEASE_BLOCK_PAISE', default: '20000', description: 'Credit each server process reserves at a time from a wallet that sends WhatsApp messages (₹200), so a busy wallet is not locked per message; at most this much per process shows as held until the lease is settled (within 5 minutes).' },
  { name: 'WA_API_KEY_RATE_PER_SECOND', default: '200', description: 'Requests a second one API key may make to the send and media endpoints (all instances together, over 10-second windows); more answer 429 with `Retry-After`.' },
  { name: 'WA_SEND_MAX_WAIT_MS', default: '2000', description: 'How long a send may wait for its number\'s throughput (Meta\'s messages per second) before it is refused with 429.' },
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

/** An address, a CIDR range or a named range, as the HTTP server's proxy check accepts them. */
function isProxyAddress(p: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(p)) return true;
  const [address = '', bits, ...rest] = p.split('/');
  const version = isIP(address);
  if (!version || rest.length) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
}

function parseTrustProxy(raw: string | undefined, problems: string[]): boolean | number | string[] {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  const parts = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (!parts.length || parts.some((p) => !isProxyAddress(p))) {
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
    // Written whole under another name, then linked into place: two processes starting on a new
    // folder at once (the server and `seva worker`) both end up with the one key that won, and
    // neither can read a file that is still being written.
    const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(draft, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    try {
      linkSync(draft, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      unlinkSync(draft);
    }
  }
  chmodSync(file, 0o600);
  return decodeKey(readFileSync(file, 'utf8'), file, problems);
}

// payments: gateway keys, top-up limits and receipt settings.
function paymentsConfig(env: Env, problems: string[]) {
  const keys = [env.RAZORPAY_KEY_ID, env.RAZORPAY_KEY_SECRET, env.RAZORPAY_WEBHOOK_SECRET];
  const set = keys.filter(Boolean).length;
  if (set > 0 && set < 3) problems.push('RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET and RAZORPAY_WEBHOOK_SECRET must be set together (or none, for the sandbox gateway)');
  if (env.RAZORPAY_KEY_ID && !/^rzp_(live|test)_[A-Za-z0-9]+$/.test(env.RAZORPAY_KEY_ID)) problems.push('RAZORPAY_KEY_ID must look like rzp_live_… or rzp_test_…');
  const razorpayApiUrl = (env.RAZORPAY_API_URL || 'https://api.razorpay.com').replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s]+$/.test(razorpayApiUrl)) problems.push(`RAZORPAY_API_URL must be an http(s) URL (got "${razorpayApiUrl}")`);
  const topupMinPaise = int(env, 'TOPUP_MIN_PAISE', 1000, 100, 1e11, problems);
  const topupMaxPaise = int(env, 'TOPUP_MAX_PAISE', 5_000_000, 100, 1e11, problems);
  if (topupMaxPaise < topupMinPaise) problems.push('TOPUP_MAX_PAISE must not be below TOPUP_MIN_PAISE');
  const gstin = env.GSTIN ? env.GSTIN.trim().toUpperCase() : undefined;
  if (gstin && !/^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$/.test(gstin)) problems.push(`GSTIN must be a 15-character GST number such as 27AAPFU0939F1ZV (got "${gstin}")`);
  const topupGstRateBps = int(env, 'TOPUP_GST_RATE_BPS', 0, 0, 10_000, problems);
  if (topupGstRateBps > 0 && !gstin) problems.push('TOPUP_GST_RATE_BPS above 0 needs GSTIN');
  return {
    razorpay: set === 3 ? { keyId: env.RAZORPAY_KEY_ID!, keySecret: env.RAZORPAY_KEY_SECRET!, webhookSecret: env.RAZORPAY_WEBHOOK_SECRET! } : undefined,
    razorpayApiUrl,
    topupMinPaise,
    topupMaxPaise,
    topupKycLimitPaise: int(env, 'TOPUP_KYC_LIMIT_PAISE', 1_000_000, 0, 1e11, problems),
    paymentReconcileAfterMinutes: int(env, 'PAYMENT_RECONCILE_AFTER_MINUTES', 15, 1, 24 * 60, problems),
    gstin,
    topupGstRateBps,
  };
}

// kyc + files: previous master keys, file store, upload limits, virus scan, KYC rules.
export const KYC_DOCUMENT_KINDS = ['pan_card', 'aadhaar_masked', 'photo', 'address_proof'] as const;
function filesConfig(env: Env, dataDir: string, problems: string[]) {
  const masterKeyPrevious = (env.MASTER_KEY_PREVIOUS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k, i) => decodeKey(k, `MASTER_KEY_PREVIOUS (key ${i + 1})`, problems));
  const driver = env.STORAGE_DRIVER || 'local';
  if (driver === 's3') problems.push('STORAGE_DRIVER=s3 is not built in yet (see server/src/platform/storage/README.md); use local');
  else if (driver !== 'local') problems.push(`STORAGE_DRIVER must be local (got "${driver}")`);
  const list = (name: string, def: string) =>
    (env[name] ?? def)
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  const kycRequiredDocuments = list('KYC_REQUIRED_DOCUMENTS', 'pan_card,aadhaar_masked,photo');
  for (const d of kycRequiredDocuments) {
    if (!(KYC_DOCUMENT_KINDS as readonly string[]).includes(d)) problems.push(`KYC_REQUIRED_DOCUMENTS: unknown document "${d}" (known: ${KYC_DOCUMENT_KINDS.join(', ')})`);
  }
  const kycRequiredFor = list('KYC_REQUIRED_FOR', 'whatsapp_api,topup_above_limit');
  for (const f of kycRequiredFor) {
    if (!/^(whatsapp_api|topup_above_limit|service:[a-z0-9_-]{1,40})$/.test(f)) problems.push(`KYC_REQUIRED_FOR: unknown feature "${f}" (known: whatsapp_api, topup_above_limit, service:<kind>)`);
  }
  const clamHost = env.CLAMAV_HOST?.trim() || undefined;
  return {
    masterKeyPrevious,
    storageDriver: 'local' as const,
    filesDir: path.resolve(env.FILES_DIR || path.join(dataDir, 'files')),
    uploadMaxBytes: int(env, 'UPLOAD_MAX_BYTES', 5 * 1024 * 1024, 1024, 100 * 1024 * 1024, problems),
    uploadMaxPixels: int(env, 'UPLOAD_MAX_PIXELS', 40_000_000, 1, 500_000_000, problems),
    uploadMaxDimension: int(env, 'UPLOAD_MAX_DIMENSION', 12_000, 1, 65_535, problems),
    clamav: clamHost
      ? { host: clamHost, port: int(env, 'CLAMAV_PORT', 3310, 1, 65535, problems), timeoutMs: int(env, 'CLAMAV_TIMEOUT_MS', 30_000, 100, 600_000, problems) }
      : undefined,
    kycRequiredDocuments,
    kycRequiredFor,
    kycRetentionDays: int(env, 'KYC_RETENTION_DAYS', 1825, 0, 36_500, problems),
    recordsRetentionDays: int(env, 'RECORDS_RETENTION_DAYS', 2920, 0, 36_500, problems),
  };
}

// whatsapp: the platform's Meta app and Graph API settings.
function whatsappConfig(env: Env, publicUrl: string, problems: string[]) {
  const appId = env.META_APP_ID?.trim() || undefined;
  const appSecret = env.META_APP_SECRET?.trim() || undefined;
  if (Boolean(appId) !== Boolean(appSecret)) problems.push('META_APP_ID and META_APP_SECRET must be set together (or neither, for the built-in simulator)');
  if (appId && !/^[0-9]{5,20}$/.test(appId)) problems.push(`META_APP_ID must be the numeric app id (got "${appId}")`);
  const url = (name: string, raw: string | undefined) => {
    if (!raw) return undefined;
    const v = raw.trim().replace(/\/+$/, '');
    if (!/^https?:\/\/[^\s]+$/.test(v)) problems.push(`${name} must be an http(s) URL (got "${v}")`);
    return v;
  };
  const metaGraphVersion = env.META_GRAPH_VERSION?.trim() || 'v23.0';
  if (!/^v[0-9]{1,3}\.[0-9]{1,2}$/.test(metaGraphVersion)) problems.push(`META_GRAPH_VERSION must look like v23.0 (got "${metaGraphVersion}")`);
  return {
    metaApp: appId && appSecret ? { appId, appSecret } : undefined,
    metaVerifyToken: env.META_VERIFY_TOKEN || undefined,
    metaGraphUrl: url('META_GRAPH_URL', env.META_GRAPH_URL),
    metaGraphVersion,
    metaGraphTimeoutMs: int(env, 'META_GRAPH_TIMEOUT_MS', 15_000, 100, 600_000, problems),
    metaSandboxWebhookUrl: url('META_SANDBOX_WEBHOOK_URL', env.META_SANDBOX_WEBHOOK_URL) ?? `${publicUrl}/webhooks/whatsapp`,
  };
}

// support: reopen period and the grievance officer's published contact.
function supportConfig(env: Env, problems: string[]) {
  const name = env.GRIEVANCE_OFFICER_NAME?.trim() || 'Grievance Officer';
  const email = (env.GRIEVANCE_OFFICER_EMAIL?.trim() || 'grievance@seva.local').toLowerCase();
  const phone = env.GRIEVANCE_OFFICER_PHONE?.trim() || null;
  if (name.length > 100) problems.push('GRIEVANCE_OFFICER_NAME must be at most 100 characters');
  if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254) problems.push(`GRIEVANCE_OFFICER_EMAIL must be an email address (got "${email}")`);
  if (phone && !/^\+?[0-9][0-9 -]{5,19}$/.test(phone)) problems.push(`GRIEVANCE_OFFICER_PHONE must be a phone number such as +91 11 2345 6789 (got "${phone}")`);
  return {
    supportReopenDays: int(env, 'SUPPORT_REOPEN_DAYS', 7, 1, 365, problems),
    grievanceOfficer: { name, email, phone, configured: Boolean(env.GRIEVANCE_OFFICER_EMAIL?.trim()) },
  };
}

// webhooks-out: where customer webhooks may go, attempt limits and log retention.
function webhooksOutConfig(env: Env, problems: string[]) {
  const [webhookAllowedHosts, unreadable] = parseAllowList((env.WEBHOOK_ALLOWED_HOSTS ?? '').split(','));
  if (unreadable.length) problems.push(`WEBHOOK_ALLOWED_HOSTS: not a host name, IP address or CIDR range: ${unreadable.join(', ')}`);
  return {
    webhookAllowedHosts,
    webhookTimeoutMs: int(env, 'WEBHOOK_TIMEOUT_MS', 15_000, 500, 60_000, problems),
    webhookConcurrency: int(env, 'WEBHOOK_CONCURRENCY', 50, 1, 1000, problems),
    webhookRetentionDays: int(env, 'WEBHOOK_RETENTION_DAYS', 30, 5, 3650, problems),
  };
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
    ...paymentsConfig(env, problems), // payments
    ...filesConfig(env, dataDir, problems), // kyc + files
    ...whatsappConfig(env, publicUrl, problems), // whatsapp
    ...supportConfig(env, problems), // support
    ...webhooksOutConfig(env, problems), // webhooks-out
    // whatsapp send
    waLeaseBlockPaise: int(env, 'WA_LEASE_BLOCK_PAISE', 20_000, 100, 100_000_000, problems),
    waApiKeyRatePerSecond: int(env, 'WA_API_KEY_RATE_PER_SECOND', 200, 1, 1_000_000, problems),
    waSendMaxWaitMs: int(env, 'WA_SEND_MAX_WAIT_MS', 2_000, 0, 60_000, problems),
  };
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(config);
}
