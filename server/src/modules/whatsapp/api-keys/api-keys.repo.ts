import type { Queryable } from '../../../db/index.js';
import type { Scope } from './api-key-auth.js';

export interface ApiKeyRow {
  id: string;
  tenant_id: string;
  name: string;
  prefix: string;
  secret_hash: string;
  scopes: Scope[];
  number_ids: string[] | null;
  created_by: string | null;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  last_used_ip: string | null;
  revoked_at: Date | null;
  revoked_by: string | null;
}

/** Serialises key creation per tenant, so two concurrent creations cannot both pass the limit. */
export async function lockTenantKeys(q: Queryable, tenantId: string): Promise<void> {
  await q.query(`SELECT pg_advisory_xact_lock(hashtextextended('api_keys:' || $1::text, 0))`, [tenantId]);
}

/** Keys that still work: not revoked, not expired. */
export async function countUsableKeys(q: Queryable, tenantId: string): Promise<number> {
  const rows = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
    [tenantId],
  );
  return rows[0]!.n;
}

export async function insertKey(
  q: Queryable,
  k: { tenantId: string; name: string; prefix: string; secretHash: string; scopes: readonly Scope[]; numberIds: readonly string[] | null; createdBy: string; expiresAt: Date | null },
): Promise<ApiKeyRow> {
  const rows = await q.query<ApiKeyRow>(
    `INSERT INTO api_keys (tenant_id, name, prefix, secret_hash, scopes, number_ids, created_by, expires_at)
     VALUES ($1, $2, $3, $4, $5::text[], $6::uuid[], $7, $8) RETURNING *`,
    [k.tenantId, k.name, k.prefix, k.secretHash, k.scopes, k.numberIds, k.createdBy, k.expiresAt],
  );
  return rows[0]!;
}

/** The tenant's keys, newest first (revoked ones too, for the record). */
export async function listTenantKeys(q: Queryable, tenantId: string): Promise<ApiKeyRow[]> {
  return q.query<ApiKeyRow>('SELECT * FROM api_keys WHERE tenant_id = $1 ORDER BY created_at DESC, id LIMIT 500', [tenantId]);
}

export async function findTenantKey(q: Queryable, tenantId: string, id: string): Promise<ApiKeyRow | null> {
  const rows = await q.query<ApiKeyRow>('SELECT * FROM api_keys WHERE id = $1 AND tenant_id = $2', [id, tenantId]);
  return rows[0] ?? null;
}

/** Revokes a key at once (authenticateApiKey reads the row on every request); null when it was revoked already. */
export async function revokeKey(q: Queryable, tenantId: string, id: string, by: string): Promise<ApiKeyRow | null> {
  const rows = await q.query<ApiKeyRow>(
    `UPDATE api_keys SET revoked_at = now(), revoked_by = $3 WHERE id = $1 AND tenant_id = $2 AND revoked_at IS NULL RETURNING *`,
    [id, tenantId, by],
  );
  return rows[0] ?? null;
}
