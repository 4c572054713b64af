import { createHmac, randomBytes } from 'node:crypto';

/**
 * Signatures of outbound webhooks (https://www.standardwebhooks.com): the secret is `whsec_` plus
 * the base64 of 32 random bytes; the HMAC-SHA256 key is those bytes; what is signed is
 * `<webhook-id>.<webhook-timestamp>.<body>`; the header lists `v1,<base64 signature>` entries
 * separated by spaces, one per valid secret (two during a rotation).
 */
export const SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 32;

export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

export function secretKey(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error('not a whsec_ secret');
  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
}

export function standardSignature(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** The `webhook-signature` header: one signature per secret, newest first. */
export function signatureHeader(secrets: readonly string[], id: string, timestamp: number, body: string): string {
  return secrets.map((s) => standardSignature(s, id, timestamp, body)).join(' ');
}

/**
 * Meta's `X-Hub-Signature-256`: `sha256=` and the hex HMAC-SHA256 of the body. Code written for Meta
 * keys it with the app secret as a string, so the endpoint secret is used the same way: the whole
 * `whsec_…` text as shown to the customer.
 */
export function metaSignature(secret: string, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}
