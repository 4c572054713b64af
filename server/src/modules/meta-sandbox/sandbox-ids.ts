import { createHash, createHmac, randomBytes, randomFillSync, randomInt } from 'node:crypto';

/**
 * Ids and secrets of the simulated Meta world, shaped like Meta's own: numeric object ids,
 * `wamid.` message ids, `EAA…` access tokens, 32-hex app secrets.
 */

export interface SandboxMetaApp {
  appId: string;
  /** Signs the simulator's webhooks (X-Hub-Signature-256); the platform verifies with it. */
  appSecret: string;
  verifyToken: string;
}

/**
 * Derived from the master key rather than generated per process, so every instance, and the
 * worker delivering webhooks queued before a restart, signs and verifies with the same secret.
 */
export function sandboxMetaApp(masterKey: Buffer): SandboxMetaApp {
  const derive = (label: string) => createHmac('sha256', masterKey).update(`seva-kendra/meta-sandbox/${label}`).digest();
  const digits = derive('app-id').readBigUInt64BE(0) % 900_000_000_000_000n;
  return {
    appId: String(100_000_000_000_000n + digits),
    appSecret: derive('app-secret').toString('hex').slice(0, 32),
    verifyToken: derive('verify-token').toString('base64url').slice(0, 24),
  };
}

/** A 15-digit Graph object id (numbers, WABAs, templates, media); below 2^53, so webhooks can carry it as a JSON number. */
export function graphId(): string {
  return String(randomInt(1, 10)) + String(randomInt(0, 10_000_000)).padStart(7, '0') + String(randomInt(0, 10_000_000)).padStart(7, '0');
}

// Every send mints a wamid: its random bytes come from a pool, as one call into the system's random
// source costs about as much for 4 KiB as for 9 bytes. (Wamids are ids, not secrets.)
const pool = Buffer.alloc(4096);
let pooled = 0;

function randomHex(bytes: number): string {
  if (pooled < bytes) {
    randomFillSync(pool);
    pooled = pool.length;
  }
  pooled -= bytes;
  return pool.toString('hex', pooled, pooled + bytes).toUpperCase();
}

/**
 * A wamid as Meta mints them: base64 of a small protobuf-like record holding the user's number,
 * a direction byte and a random hex id (e.g. wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJCOTY3NDc0NDFDRUI3NTA0Q0UA).
 */
export function wamid(waId: string, direction: 'outbound' | 'inbound'): string {
  const hex = randomHex(direction === 'outbound' ? 9 : 10);
  const num = Buffer.from(waId, 'ascii');
  const bytes = Buffer.concat([
    Buffer.from([0x1c, 0x18, num.length]),
    num,
    Buffer.from([0x15, 0x02, 0x00, direction === 'outbound' ? 0x11 : 0x12, 0x18, hex.length]),
    Buffer.from(hex, 'ascii'),
    Buffer.from([0x00]),
  ]);
  return 'wamid.' + bytes.toString('base64');
}

/** A long opaque token in the shape of Meta's system-user tokens. */
export function accessToken(): string {
  return 'EAAS' + randomBytes(90).toString('base64url').replace(/[-_]/g, 'Z');
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function fbtraceId(): string {
  return 'A' + randomBytes(17).toString('base64url').slice(0, 22);
}

/** A conversation id as Meta's (32 hex), stable for one user, number and category within a day. */
export function conversationId(phoneNumberId: string, waId: string, category: string, dayStart: number): string {
  return createHash('md5').update(`${phoneNumberId}|${waId}|${category}|${dayStart}`).digest('hex');
}
