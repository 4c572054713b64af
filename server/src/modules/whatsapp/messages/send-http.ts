import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db, Queryable } from '../../../db/index.js';
import { requestMeta } from '../../../platform/http.js';
import { notFound } from '../../../platform/errors.js';
import { sha256 } from '../../../platform/crypto.js';
import { apiKeyActor, authenticateApiKey, requireNumberAccess, requireScope, type ApiPrincipal, type Scope } from '../api-keys/api-key-auth.js';
import { findLiveNumberByPhoneNumberId, findTenantNumber, type NumberRow } from '../numbers/numbers.repo.js';
import { claimIdempotencyKey, completeIdempotencyKey, releaseIdempotencyKey } from './idempotency.js';
import type { KeyRateLimiter } from './pacing.js';
import { TtlCache } from '../../../platform/ttl-cache.js';
import type { Sender, SendSource } from './send.service.js';

/** What the /v1 and /graph send routes share: the key, the number, the sender, idempotent answers. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PHONE_NUMBER_ID = /^[0-9]{5,20}$/;

/**
 * How long a checked API key and a resolved number are trusted in this process (README "Hot path").
 * A change that must stop sending — a key revoked, re-scoped or expired, a number disconnected or its
 * token rotated, an account suspended — empties the caches of every process at once through the
 * `wa_send_gate` notification (migration 0020); this bound is for a notification lost with a
 * dropped listening connection.
 */
const TRUST_MS = 30_000;
export const SEND_GATE_CHANNEL = 'wa_send_gate';

/**
 * The caller and the sending number, with the database asked once per TRUST_MS per key and number
 * while nothing about them changes.
 */
export function createSendGate(db: Db, limiter: KeyRateLimiter) {
  const principals = new TtlCache<ApiPrincipal>(TRUST_MS);
  const numbers = new TtlCache<NumberRow>(TRUST_MS);
  // Bumped by every change notice: a row read before a notice is not cached after it.
  let generation = 0;
  const forget = () => {
    generation++;
    principals.clear();
    numbers.clear();
  };
  // Nothing is cached until the process listens: a change made before would go unnoticed.
  let listening: Promise<() => Promise<void>> | null = null;
  const cacheable = async (): Promise<boolean> => {
    listening ??= db.listen(SEND_GATE_CHANNEL, forget, forget);
    return listening.then(
      () => true,
      () => {
        listening = null;
        return false;
      },
    );
  };

  async function principalFor(request: FastifyRequest): Promise<ApiPrincipal> {
    const header = request.headers.authorization;
    const cacheKey = typeof header === 'string' ? sha256(header).toString('hex') : null;
    const cached = cacheKey ? principals.get(cacheKey) : undefined;
    if (cached && (cached.expiresAt === null || cached.expiresAt > Date.now())) return cached;
    const canCache = await cacheable();
    const seen = generation;
    const principal = await authenticateApiKey(db, header, request.ip ?? null);
    if (cacheKey && canCache && seen === generation) principals.set(cacheKey, principal);
    return principal;
  }

  return {
    /**
     * An onRequest hook: the API key (before the body is even read, so an unauthenticated caller
     * learns nothing about its body), the scope, and the key's request rate.
     */
    gate(scope: Scope) {
      return async (request: FastifyRequest, _reply: FastifyReply) => {
        const principal = await principalFor(request);
        requireScope(principal, scope);
        limiter.take(principal.keyId);
        request.apiKey = principal;
      };
    },

    /**
     * The tenant's live number named by its wa_numbers id or Meta's phone_number_id. Another tenant's
     * number (or a disconnected one) is not found; one the key may not use is 403.
     */
    async resolveNumber(principal: ApiPrincipal, ref: string): Promise<NumberRow> {
      const cacheKey = `${principal.tenantId}:${ref.toLowerCase()}`;
      let row: NumberRow | null = numbers.get(cacheKey) ?? null;
      if (!row) {
        const canCache = await cacheable();
        const seen = generation;
        if (UUID.test(ref)) row = await findTenantNumber(db, principal.tenantId, ref.toLowerCase());
        else if (PHONE_NUMBER_ID.test(ref)) {
          row = await findLiveNumberByPhoneNumberId(db, ref);
          if (row && row.tenant_id !== principal.tenantId) row = null;
        }
        if (!row || row.status === 'disconnected') throw notFound('Phone number');
        if (canCache && seen === generation) numbers.set(cacheKey, row);
      }
      requireNumberAccess(principal, row.id);
      return row;
    },

    /** Stops listening for changes (the server closes). */
    async close(): Promise<void> {
      const l = listening;
      listening = null;
      forget();
      if (l) await (await l.catch(() => null))?.();
    },
  };
}

export type SendGate = ReturnType<typeof createSendGate>;

export function principalOf(request: FastifyRequest): ApiPrincipal {
  if (!request.apiKey) throw new Error('the send gate must run before this handler');
  return request.apiKey;
}

export function keySender(principal: ApiPrincipal, request: FastifyRequest, source: SendSource): Sender {
  return { tenantId: principal.tenantId, source, apiKeyId: principal.keyId, userId: null, actor: apiKeyActor(principal), meta: requestMeta(request) };
}

export interface Rendered {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Whether a retry with the same Idempotency-Key gets this answer (false: nothing happened, run again). */
  store: boolean;
}

/**
 * Runs `run` at most once per Idempotency-Key (idempotency.ts): a replay answers the stored response
 * with `Idempotent-Replayed: true`. Without a key it just runs.
 */
export async function answerIdempotently(
  db: Queryable,
  reply: FastifyReply,
  idem: { tenantId: string; key: string | null; fingerprint: () => string },
  run: () => Promise<Rendered>,
): Promise<FastifyReply> {
  if (!idem.key) {
    const r = await run();
    return reply.status(r.status).headers(r.headers ?? {}).send(r.body);
  }
  const claim = await claimIdempotencyKey(db, idem.tenantId, idem.key, idem.fingerprint());
  if (claim.kind === 'replay') return reply.status(claim.response.status).header('idempotent-replayed', 'true').send(claim.response.body);
  let r: Rendered;
  try {
    r = await run();
  } catch (err) {
    await releaseIdempotencyKey(db, idem.tenantId, idem.key);
    throw err;
  }
  if (r.store) await completeIdempotencyKey(db, idem.tenantId, idem.key, { status: r.status, body: r.body });
  else await releaseIdempotencyKey(db, idem.tenantId, idem.key);
  return reply.status(r.status).headers(r.headers ?? {}).send(r.body);
}
