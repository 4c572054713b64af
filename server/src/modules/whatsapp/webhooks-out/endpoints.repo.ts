import type { Queryable } from '../../../db/index.js';

/** SQL of webhook endpoints. Every read and write names the tenant: another tenant's id finds nothing. */

export type EndpointFormat = 'standard' | 'meta';
export type DisabledReason = 'manual' | 'gone' | 'failing';

export interface EndpointRow {
  id: string;
  tenant_id: string;
  url: string;
  description: string;
  event_types: string[];
  number_ids: string[] | null;
  format: EndpointFormat;
  secret_enc: string;
  previous_secret_enc: string | null;
  previous_secret_expires_at: Date | null;
  secret_rotated_at: Date | null;
  status: 'enabled' | 'disabled';
  disabled_reason: DisabledReason | null;
  disabled_at: Date | null;
  failing_since: Date | null;
  last_success_at: Date | null;
  last_failure_at: Date | null;
  created_at: Date;
  updated_at: Date;
  /** Deliveries still to be made (listing queries only). */
  pending?: number;
}

export interface NewEndpoint {
  id: string;
  tenantId: string;
  url: string;
  description: string;
  eventTypes: string[];
  numberIds: string[] | null;
  format: EndpointFormat;
  secretEnc: string;
  createdBy: string | null;
}

const PENDING = `(SELECT count(*)::int FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.state = 'pending') AS pending`;

export async function insertEndpoint(q: Queryable, e: NewEndpoint): Promise<EndpointRow> {
  const rows = await q.query<EndpointRow>(
    `INSERT INTO webhook_endpoints (id, tenant_id, url, description, event_types, number_ids, format, secret_enc, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *, 0 AS pending`,
    [e.id, e.tenantId, e.url, e.description, e.eventTypes, e.numberIds, e.format, e.secretEnc, e.createdBy],
  );
  return rows[0]!;
}

export async function countEndpoints(q: Queryable, tenantId: string): Promise<number> {
  const rows = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_endpoints WHERE tenant_id = $1', [tenantId]);
  return rows[0]!.n;
}

export async function listEndpoints(q: Queryable, tenantId: string): Promise<EndpointRow[]> {
  return q.query<EndpointRow>(`SELECT e.*, ${PENDING} FROM webhook_endpoints e WHERE e.tenant_id = $1 ORDER BY e.created_at, e.id`, [tenantId]);
}

/** `forUpdate` locks the row for the rest of the caller's transaction (secret rotation, status changes). */
export async function findEndpoint(q: Queryable, tenantId: string, id: string, forUpdate = false): Promise<EndpointRow | undefined> {
  const rows = await q.query<EndpointRow>(
    forUpdate
      ? 'SELECT e.*, 0 AS pending FROM webhook_endpoints e WHERE e.tenant_id = $1 AND e.id = $2 FOR UPDATE'
      : `SELECT e.*, ${PENDING} FROM webhook_endpoints e WHERE e.tenant_id = $1 AND e.id = $2`,
    [tenantId, id],
  );
  return rows[0];
}

export interface EndpointChanges {
  url?: string;
  description?: string;
  eventTypes?: string[];
  numberIds?: string[] | null;
  format?: EndpointFormat;
}

export async function updateEndpoint(q: Queryable, tenantId: string, id: string, c: EndpointChanges): Promise<void> {
  await q.execute(
    `UPDATE webhook_endpoints SET
       url = CASE WHEN $3 THEN $4 ELSE url END,
       description = CASE WHEN $5 THEN $6 ELSE description END,
       event_types = CASE WHEN $7 THEN $8::text[] ELSE event_types END,
       number_ids = CASE WHEN $9 THEN $10::uuid[] ELSE number_ids END,
       format = CASE WHEN $11 THEN $12 ELSE format END,
       updated_at = now()
     WHERE tenant_id = $1 AND id = $2`,
    [
      tenantId,
      id,
      c.url !== undefined,
      c.url ?? null,
      c.description !== undefined,
      c.description ?? null,
      c.eventTypes !== undefined,
      c.eventTypes ?? null,
      c.numberIds !== undefined,
      c.numberIds ?? null,
      c.format !== undefined,
      c.format ?? null,
    ],
  );
}

export async function setSecrets(q: Queryable, id: string, s: { secretEnc: string; previousEnc: string | null; previousExpiresAt: Date | null; rotatedAt: Date }): Promise<void> {
  await q.execute(
    `UPDATE webhook_endpoints SET secret_enc = $2, previous_secret_enc = $3, previous_secret_expires_at = $4, secret_rotated_at = $5, updated_at = now()
     WHERE id = $1`,
    [id, s.secretEnc, s.previousEnc, s.previousExpiresAt, s.rotatedAt],
  );
}

/**
 * Enables (with `reason` null) or disables an endpoint. Enabling starts a fresh failure record and
 * makes its waiting deliveries due at once; disabling leaves them waiting, untried.
 */
export async function setStatus(q: Queryable, id: string, reason: DisabledReason | null, now: Date): Promise<void> {
  if (reason) {
    await q.execute(
      `UPDATE webhook_endpoints SET status = 'disabled', disabled_reason = $2, disabled_at = $3, updated_at = now() WHERE id = $1`,
      [id, reason, now],
    );
    return;
  }
  await q.execute(
    `UPDATE webhook_endpoints SET status = 'enabled', disabled_reason = NULL, disabled_at = NULL, failing_since = NULL, updated_at = now() WHERE id = $1`,
    [id],
  );
  await q.execute(
    `UPDATE webhook_deliveries SET next_attempt_at = $2 WHERE endpoint_id = $1 AND state = 'pending' AND claim_token IS NULL AND next_attempt_at > $2`,
    [id, now],
  );
}

export async function deleteEndpoint(q: Queryable, tenantId: string, id: string): Promise<boolean> {
  return (await q.execute('DELETE FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2', [tenantId, id])) > 0;
}

export interface TenantNumber {
  id: string;
  label: string;
  display_phone_number: string | null;
  phone_number_id: string;
  status: string;
}

/** The tenant's WhatsApp numbers, to pick from and to check chosen ids against. */
export async function tenantNumbers(q: Queryable, tenantId: string): Promise<TenantNumber[]> {
  return q.query<TenantNumber>(
    `SELECT id, label, display_phone_number, phone_number_id, status FROM wa_numbers WHERE tenant_id = $1 ORDER BY created_at, id`,
    [tenantId],
  );
}
