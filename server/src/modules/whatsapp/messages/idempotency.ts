import { createHash } from 'node:crypto';
import type { Queryable } from '../../../db/index.js';
import { AppError, badRequest, conflict } from '../../../platform/errors.js';

/**
 * `Idempotency-Key` on the public send endpoints (api_idempotency, 0011): the first request with a
 * key claims it (a row without a response), runs, and stores its answer; a retry with the same key
 * and the same request gets that answer again without running; the same key with another request is
 * refused (422 idempotency_key_reused); a retry while the first still runs gets 409
 * idempotency_request_in_progress. Keys live 24 hours (a job deletes older ones; an expired key is
 * claimed afresh). Answers given before anything happened (a rate limit, a balance too low, a consent
 * refusal) are not stored: the claim is dropped, so the retry after fixing the cause runs.
 */

export const IDEMPOTENCY_TTL_HOURS = 24;

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

export interface StoredResponse {
  status: number;
  body: unknown;
}

export type Claim = { kind: 'claimed' } | { kind: 'replay'; response: StoredResponse };

/** The Idempotency-Key header, checked: printable ASCII without spaces, 1–255 characters. */
export function idempotencyKeyOf(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !KEY_FORMAT.test(value)) {
    throw badRequest('invalid_idempotency_key', 'The Idempotency-Key header must be 1 to 255 printable characters without spaces.');
  }
  return value;
}

/** What a key stands for: the endpoint, the number and the exact request body. */
export function requestFingerprint(endpoint: string, numberRef: string, body: unknown): string {
  return createHash('sha256').update(endpoint).update('\n').update(numberRef).update('\n').update(JSON.stringify(body ?? null)).digest('hex');
}

export const keyReused = () =>
  new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was already used with a different request. Use a new key for a new message.');
export const requestInProgress = () =>
  conflict('idempotency_request_in_progress', 'A request with this Idempotency-Key is still being processed. Wait for it to finish, then retry to get its answer.');

/**
 * Claims `key` for this request, or finds what happened to it. One statement decides between
 * concurrent duplicates: the insert (or the take-over of an expired key) succeeds for exactly one.
 */
export async function claimIdempotencyKey(q: Queryable, tenantId: string, key: string, fingerprint: string): Promise<Claim> {
  const claimed = await q.query<{ key: string }>(
    `INSERT INTO api_idempotency (tenant_id, key, request_hash) VALUES ($1, $2, $3)
     ON CONFLICT (tenant_id, key) DO UPDATE
       SET request_hash = EXCLUDED.request_hash, response_status = NULL, response_body = NULL, created_at = now()
       WHERE api_idempotency.created_at < now() - make_interval(hours => $4)
     RETURNING key`,
    [tenantId, key, fingerprint, IDEMPOTENCY_TTL_HOURS],
  );
  if (claimed.length) return { kind: 'claimed' };
  const rows = await q.query<{ request_hash: string; response_status: number | null; response_body: unknown }>(
    'SELECT request_hash, response_status, response_body FROM api_idempotency WHERE tenant_id = $1 AND key = $2',
    [tenantId, key],
  );
  const row = rows[0];
  // Deleted between the two statements (a purge, or the first request dropped its claim): claim again.
  if (!row) return claimIdempotencyKey(q, tenantId, key, fingerprint);
  if (row.request_hash !== fingerprint) throw keyReused();
  if (row.response_status === null) throw requestInProgress();
  return { kind: 'replay', response: { status: row.response_status, body: row.response_body } };
}

/** Stores the answer of a claimed key, to be replayed to retries. */
export async function completeIdempotencyKey(q: Queryable, tenantId: string, key: string, response: StoredResponse): Promise<void> {
  await q.query('UPDATE api_idempotency SET response_status = $3, response_body = $4 WHERE tenant_id = $1 AND key = $2 AND response_status IS NULL', [
    tenantId,
    key,
    response.status,
    JSON.stringify(response.body),
  ]);
}

/** Gives a claimed key up: nothing happened, so a retry must run afresh. */
export async function releaseIdempotencyKey(q: Queryable, tenantId: string, key: string): Promise<void> {
  await q.query('DELETE FROM api_idempotency WHERE tenant_id = $1 AND key = $2 AND response_status IS NULL', [tenantId, key]);
}

/** Job: forgets keys older than 24 hours. */
export async function purgeIdempotencyKeys(q: Queryable): Promise<number> {
  return q.execute('DELETE FROM api_idempotency WHERE created_at < now() - make_interval(hours => $1)', [IDEMPOTENCY_TTL_HOURS]);
}
