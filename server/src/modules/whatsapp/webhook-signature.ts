import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Meta's webhook signatures (CONTRACT.md §6): `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the
 * raw POST body, keyed with the app secret>`, and the legacy `X-Hub-Signature: sha1=<hex>`. Always
 * over the exact bytes received, before any JSON parsing: re-serialised JSON would not match.
 * The simulator signs with these; the platform's webhook receiver verifies with them.
 */

export const SIGNATURE_HEADER = 'x-hub-signature-256';
export const LEGACY_SIGNATURE_HEADER = 'x-hub-signature';

export function signatureSha256(appSecret: string, rawBody: string | Buffer): string {
  return 'sha256=' + createHmac('sha256', appSecret).update(rawBody).digest('hex');
}

export function signatureSha1(appSecret: string, rawBody: string | Buffer): string {
  return 'sha1=' + createHmac('sha1', appSecret).update(rawBody).digest('hex');
}

/** Both headers, as Meta sends them. */
export function signWebhook(appSecret: string, rawBody: string | Buffer): Record<string, string> {
  return { [SIGNATURE_HEADER]: signatureSha256(appSecret, rawBody), [LEGACY_SIGNATURE_HEADER]: signatureSha1(appSecret, rawBody) };
}

/**
 * Checks an `X-Hub-Signature-256` value against one or more app secrets (the platform's app, or a
 * number's own), in constant time per secret. Anything that is not `sha256=` + 64 hex digits is false.
 */
export function verifyWebhookSignature(appSecrets: string | readonly string[], rawBody: Buffer | string, header: string | undefined): boolean {
  if (typeof header !== 'string') return false;
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!m) return false;
  const given = Buffer.from(m[1]!, 'hex');
  let ok = false;
  for (const secret of typeof appSecrets === 'string' ? [appSecrets] : appSecrets) {
    if (!secret) continue;
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    // No early exit: the time taken does not tell which secret matched.
    if (timingSafeEqual(expected, given)) ok = true;
  }
  return ok;
}
