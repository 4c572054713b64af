import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Envelope encryption at rest (see platform/storage/README.md for the formats).
 *
 * Every object (a stored file, a secret string) gets its own random 256-bit data key; the content is
 * sealed with AES-256-GCM under that key, and the data key is "wrapped" (itself sealed with
 * AES-256-GCM) under the master key. Beside the wrapped key sits the master key's id: 4 bytes of an
 * HMAC of the key, so it identifies the key without revealing it and does not depend on the order
 * in which keys are configured. Rotating the master key therefore means re-wrapping 60-odd bytes per
 * object, never re-encrypting content: put the new key in MASTER_KEY, the old one in
 * MASTER_KEY_PREVIOUS, and run the re-wrap (`rewrapString`, `FileStore.rewrapAll`).
 */

export const KEY_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
export const KEY_ID_BYTES = 4;
/** kid | iv | wrapped data key | tag */
export const WRAPPED_KEY_BYTES = KEY_ID_BYTES + IV_BYTES + KEY_BYTES + TAG_BYTES;

export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptionError';
  }
}

export interface MasterKey {
  /** Hex of the 4-byte key id stored beside every data key it wraps. */
  readonly id: string;
  readonly key: Buffer;
}

export interface Keyring {
  /** The key new data keys are wrapped with (MASTER_KEY). */
  readonly current: MasterKey;
  /** Current and previous keys by id: anything wrapped by one of them can be opened. */
  readonly byId: ReadonlyMap<string, MasterKey>;
  /** Derives a purpose-bound secret from the current master key (HKDF-SHA256), e.g. for link signing. */
  derive(purpose: string, bytes?: number): Buffer;
}

export function masterKeyId(key: Buffer): string {
  return createHmac('sha256', key).update('seva master key id v1').digest().subarray(0, KEY_ID_BYTES).toString('hex');
}

export function createKeyring(current: Buffer, previous: readonly Buffer[] = []): Keyring {
  for (const k of [current, ...previous]) {
    if (k.length !== KEY_BYTES) throw new Error('master keys must be 32 bytes');
  }
  const make = (key: Buffer): MasterKey => ({ id: masterKeyId(key), key: Buffer.from(key) });
  const cur = make(current);
  const byId = new Map<string, MasterKey>();
  for (const k of previous.map(make)) byId.set(k.id, k);
  byId.set(cur.id, cur);
  return {
    current: cur,
    byId,
    derive: (purpose, bytes = 32) => Buffer.from(hkdfSync('sha256', cur.key, Buffer.alloc(0), `seva:${purpose}`, bytes)),
  };
}

function seal(key: Buffer, plaintext: Buffer, aad: Buffer, iv: Buffer = randomBytes(IV_BYTES)): { iv: Buffer; ciphertext: Buffer; tag: Buffer } {
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
}

function open(key: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer, aad: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new DecryptionError('The data failed its integrity check (wrong key, tampered or damaged).');
  }
}

/** Seals `dataKey` under the current master key: kid(4) | iv(12) | ct(32) | tag(16). `context` binds it to its object. */
export function wrapDataKey(ring: Keyring, dataKey: Buffer, context: string): Buffer {
  const kid = Buffer.from(ring.current.id, 'hex');
  const { iv, ciphertext, tag } = seal(ring.current.key, dataKey, wrapAad(kid, context));
  return Buffer.concat([kid, iv, ciphertext, tag]);
}

function wrapAad(kid: Buffer, context: string): Buffer {
  return Buffer.concat([Buffer.from('seva-dek-v1\0'), kid, Buffer.from(`\0${context}`)]);
}

/** The id (hex) of the master key a wrapped data key was sealed with. */
export function wrappedKeyId(wrapped: Buffer): string {
  return wrapped.subarray(0, KEY_ID_BYTES).toString('hex');
}

export function unwrapDataKey(ring: Keyring, wrapped: Buffer, context: string): Buffer {
  if (wrapped.length !== WRAPPED_KEY_BYTES) throw new DecryptionError('Malformed wrapped key.');
  const kid = wrapped.subarray(0, KEY_ID_BYTES);
  const master = ring.byId.get(kid.toString('hex'));
  if (!master) {
    throw new DecryptionError(`The data key was wrapped by master key ${kid.toString('hex')}, which is not configured (add it to MASTER_KEY_PREVIOUS).`);
  }
  let o = KEY_ID_BYTES;
  const iv = wrapped.subarray(o, (o += IV_BYTES));
  const ct = wrapped.subarray(o, (o += KEY_BYTES));
  const tag = wrapped.subarray(o, (o += TAG_BYTES));
  return open(master.key, iv, ct, tag, wrapAad(kid, context));
}

/** Re-wraps a wrapped data key under the current master key; returns null when it already is. */
export function rewrapDataKey(ring: Keyring, wrapped: Buffer, context: string): Buffer | null {
  if (wrappedKeyId(wrapped) === ring.current.id) return null;
  return wrapDataKey(ring, unwrapDataKey(ring, wrapped, context), context);
}

export function newDataKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

// ---- strings (secrets such as WhatsApp access tokens, PAN numbers) ----

const STRING_PREFIX = 'sk1.';

/**
 * Encrypts a short secret for a database column: `sk1.` + base64url(wrapped key | iv | ct | tag).
 * `context` (e.g. "kyc.pan:<user id>") is authenticated: a value copied to another row fails to open.
 */
export function encryptString(ring: Keyring, plaintext: string, context = ''): string {
  const dataKey = newDataKey();
  const wrapped = wrapDataKey(ring, dataKey, `str:${context}`);
  const { iv, ciphertext, tag } = seal(dataKey, Buffer.from(plaintext, 'utf8'), Buffer.concat([Buffer.from('seva-str-v1\0'), wrapped, Buffer.from(`\0${context}`)]));
  return STRING_PREFIX + Buffer.concat([wrapped, iv, ciphertext, tag]).toString('base64url');
}

function parseString(value: string): { wrapped: Buffer; iv: Buffer; ciphertext: Buffer; tag: Buffer } {
  if (!value.startsWith(STRING_PREFIX)) throw new DecryptionError('Not an encrypted value.');
  const raw = Buffer.from(value.slice(STRING_PREFIX.length), 'base64url');
  if (raw.length < WRAPPED_KEY_BYTES + IV_BYTES + TAG_BYTES) throw new DecryptionError('Malformed encrypted value.');
  const wrapped = raw.subarray(0, WRAPPED_KEY_BYTES);
  const iv = raw.subarray(WRAPPED_KEY_BYTES, WRAPPED_KEY_BYTES + IV_BYTES);
  const ciphertext = raw.subarray(WRAPPED_KEY_BYTES + IV_BYTES, raw.length - TAG_BYTES);
  const tag = raw.subarray(raw.length - TAG_BYTES);
  return { wrapped, iv, ciphertext, tag };
}

export function decryptString(ring: Keyring, value: string, context = ''): string {
  const { wrapped, iv, ciphertext, tag } = parseString(value);
  const dataKey = unwrapDataKey(ring, wrapped, `str:${context}`);
  return open(dataKey, iv, ciphertext, tag, Buffer.concat([Buffer.from('seva-str-v1\0'), wrapped, Buffer.from(`\0${context}`)])).toString('utf8');
}

/**
 * Moves an encrypted string to the current master key. Strings are short, so it is simply sealed
 * again under a fresh data key. Returns null when it already uses the current key.
 */
export function rewrapString(ring: Keyring, value: string, context = ''): string | null {
  const { wrapped } = parseString(value);
  if (wrappedKeyId(wrapped) === ring.current.id) return null;
  return encryptString(ring, decryptString(ring, value, context), context);
}

export function stringKeyId(value: string): string {
  return wrappedKeyId(parseString(value).wrapped);
}
