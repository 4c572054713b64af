import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Queryable } from '../../../db/index.js';
import type { Actor } from '../../../platform/actor.js';
import { safeEqual, sha256 } from '../../../platform/crypto.js';
import { AppError, forbidden, unauthorized } from '../../../platform/errors.js';

/** What a key may do. A key holds one or more; routes name the one they need. */
export const SCOPES = ['messages:send', 'messages:read', 'media:write', 'media:read', 'contacts:read', 'contacts:write', 'templates:read', 'templates:write', 'webhooks:read', 'webhooks:write'] as const;
export type Scope = (typeof SCOPES)[number];

/** The caller of a /v1 or /graph request, once its key checked out. */
export interface ApiPrincipal {
  keyId: string;
  tenantId: string;
  scopes: readonly Scope[];
  /** wa_numbers ids the key may use; null = every number of the tenant. */
  numberIds: readonly string[] | null;
  /** When the key stops working (ms since the epoch); null = never. */
  expiresAt: number | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    apiKey?: ApiPrincipal;
  }
}

const KEY_FORMAT = /^sk_([0-9a-z]{12})_([A-Za-z0-9_-]{43})$/;

/** A new key: shown once as `plaintext`; only `prefix` and `secretHash` are stored. */
export function mintApiKey(): { plaintext: string; prefix: string; secretHash: string } {
  // 12 characters of [0-9a-z] from 8 random bytes: unique enough to find a row, not a secret.
  const prefix = BigInt(`0x${randomBytes(8).toString('hex')}`).toString(36).padStart(12, '0').slice(-12);
  const secret = randomBytes(32).toString('base64url');
  return { plaintext: `sk_${prefix}_${secret}`, prefix, secretHash: sha256(secret).toString('hex') };
}

export function apiKeyActor(principal: ApiPrincipal): Extract<Actor, { type: 'api_key' }> {
  return { type: 'api_key', keyId: principal.keyId, userId: principal.tenantId };
}

interface KeyRow {
  id: string;
  tenant_id: string;
  secret_hash: string;
  scopes: Scope[];
  number_ids: string[] | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  tenant_status: string;
}

const invalidKey = () => unauthorized('The API key is missing, malformed, revoked or expired.', 'invalid_api_key');

/**
 * Checks `Authorization: Bearer sk_…` and returns who is calling. Every failure looks the same to the
 * caller (401 invalid_api_key), so keys cannot be probed. Records the last use at most once a minute
 * per key, so a busy key does not rewrite its row on every request.
 */
export async function authenticateApiKey(q: Queryable, authorization: string | undefined, ip: string | null): Promise<ApiPrincipal> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  const parts = match ? KEY_FORMAT.exec(match[1]!) : null;
  if (!parts) throw invalidKey();
  const [, prefix, secret] = parts as unknown as [string, string, string];
  const rows = await q.query<KeyRow>(
    `SELECT k.id, k.tenant_id, k.secret_hash, k.scopes, k.number_ids, k.expires_at, k.revoked_at, k.last_used_at, u.status AS tenant_status
       FROM api_keys k JOIN users u ON u.id = k.tenant_id WHERE k.prefix = $1`,
    [prefix],
  );
  const row = rows[0];
  const hash = sha256(secret).toString('hex');
  // Compare even when no row matched, so a missing prefix costs the same time as a wrong secret.
  const secretOk = safeEqual(hash, row?.secret_hash ?? '0'.repeat(64));
  if (!row || !secretOk || row.revoked_at || (row.expires_at && row.expires_at.getTime() <= Date.now()) || row.tenant_status !== 'active') {
    throw invalidKey();
  }
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
    await q.query(`UPDATE api_keys SET last_used_at = now(), last_used_ip = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, [row.id, ip]);
  }
  return { keyId: row.id, tenantId: row.tenant_id, scopes: row.scopes, numberIds: row.number_ids, expiresAt: row.expires_at?.getTime() ?? null };
}

/** 403 unless the key holds `scope`. */
export function requireScope(principal: ApiPrincipal, scope: Scope): void {
  if (!principal.scopes.includes(scope)) throw forbidden(`This API key does not have the ${scope} permission.`, 'insufficient_scope');
}

/** 403 unless the key may use the tenant's number `numberId` (wa_numbers.id). */
export function requireNumberAccess(principal: ApiPrincipal, numberId: string): void {
  if (principal.numberIds && !principal.numberIds.includes(numberId)) {
    throw new AppError(403, 'number_not_allowed', 'This API key may not use this phone number.');
  }
}

/** A preHandler for /v1 routes: authenticates the key (and the scope, when given) into request.apiKey. */
export function apiKeyAuth(db: Queryable, scope?: Scope) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const principal = await authenticateApiKey(db, request.headers.authorization, request.ip ?? null);
    if (scope) requireScope(principal, scope);
    request.apiKey = principal;
  };
}
