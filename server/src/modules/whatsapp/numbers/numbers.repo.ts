import type { Queryable } from '../../../db/index.js';
import { decryptString, encryptString, rewrapString, type Keyring } from '../../../platform/encryption.js';

export interface NumberRow {
  id: string;
  tenant_id: string;
  label: string;
  waba_id: string;
  phone_number_id: string;
  access_token_enc: string;
  app_secret_enc: string | null;
  verify_token_hash: string | null;
  display_phone_number: string | null;
  verified_name: string | null;
  quality_rating: string | null;
  messaging_limit_tier: string | null;
  throughput_level: string | null;
  mps: number;
  status: 'connected' | 'error' | 'disconnected';
  last_checked_at: Date | null;
  last_error: string | null;
  token_rotated_at: Date | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  disconnected_at: Date | null;
}

type SecretField = 'access_token' | 'app_secret';

/** Binds each ciphertext to its number and field, so one cannot be swapped for another. */
const secretContext = (numberId: string, field: SecretField) => `wa_number:${numberId}:${field}`;

export function sealNumberSecret(ring: Keyring, numberId: string, field: SecretField, plaintext: string): string {
  return encryptString(ring, plaintext, secretContext(numberId, field));
}

/** Tokens already opened, per keyring and row object: the send path holds a number's row for seconds and sends many messages with it. */
const openedTokens = new WeakMap<Keyring, WeakMap<object, string>>();

export function accessTokenOf(ring: Keyring, row: Pick<NumberRow, 'id' | 'access_token_enc'>): string {
  let opened = openedTokens.get(ring);
  if (!opened) openedTokens.set(ring, (opened = new WeakMap()));
  let token = opened.get(row);
  if (token === undefined) {
    token = decryptString(ring, row.access_token_enc, secretContext(row.id, 'access_token'));
    opened.set(row, token);
  }
  return token;
}

export function appSecretOf(ring: Keyring, row: Pick<NumberRow, 'id' | 'app_secret_enc'>): string | null {
  return row.app_secret_enc ? decryptString(ring, row.app_secret_enc, secretContext(row.id, 'app_secret')) : null;
}

/** The live (not disconnected) number Meta knows as `phoneNumberId`: routes webhooks and /graph calls. */
export async function findLiveNumberByPhoneNumberId(q: Queryable, phoneNumberId: string): Promise<NumberRow | null> {
  const rows = await q.query<NumberRow>(`SELECT * FROM wa_numbers WHERE phone_number_id = $1 AND status <> 'disconnected'`, [phoneNumberId]);
  return rows[0] ?? null;
}

/** One of the tenant's numbers by id; another tenant's number is simply not found. */
export async function findTenantNumber(q: Queryable, tenantId: string, id: string): Promise<NumberRow | null> {
  const rows = await q.query<NumberRow>('SELECT * FROM wa_numbers WHERE id = $1 AND tenant_id = $2', [id, tenantId]);
  return rows[0] ?? null;
}

/** What a send needs to talk to Meta for one number: ids, the decrypted token and the pace. */
export interface NumberCredentials {
  numberId: string;
  tenantId: string;
  wabaId: string;
  phoneNumberId: string;
  accessToken: string;
  /** The customer's own Meta app secret (verifies this number's webhooks), when they gave one. */
  appSecret: string | null;
  mps: number;
}

/**
 * The ready-to-use credentials of a live number, for the send path and template sync. A disconnected
 * number has no token any more (disconnecting erases it) and is refused.
 */
export function numberCredentials(ring: Keyring, row: NumberRow): NumberCredentials {
  if (row.status === 'disconnected') throw new Error(`WhatsApp number ${row.id} is disconnected`);
  return {
    numberId: row.id,
    tenantId: row.tenant_id,
    wabaId: row.waba_id,
    phoneNumberId: row.phone_number_id,
    accessToken: accessTokenOf(ring, row),
    appSecret: appSecretOf(ring, row),
    mps: row.mps,
  };
}

/** What the Graph API said about a number at the last successful check. */
export interface NumberFacts {
  display_phone_number: string | null;
  verified_name: string | null;
  quality_rating: string | null;
  messaging_limit_tier: string | null;
  throughput_level: string | null;
  mps: number;
}

export async function insertNumber(
  q: Queryable,
  n: {
    id: string;
    tenantId: string;
    label: string;
    wabaId: string;
    phoneNumberId: string;
    accessTokenEnc: string;
    appSecretEnc: string | null;
    verifyTokenHash: string | null;
    createdBy: string;
    facts: NumberFacts;
  },
): Promise<NumberRow> {
  const f = n.facts;
  const rows = await q.query<NumberRow>(
    `INSERT INTO wa_numbers (id, tenant_id, label, waba_id, phone_number_id, access_token_enc, app_secret_enc, verify_token_hash,
       display_phone_number, verified_name, quality_rating, messaging_limit_tier, throughput_level, mps, status, last_checked_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'connected', now(), $15)
     RETURNING *`,
    [n.id, n.tenantId, n.label, n.wabaId, n.phoneNumberId, n.accessTokenEnc, n.appSecretEnc, n.verifyTokenHash, f.display_phone_number, f.verified_name, f.quality_rating, f.messaging_limit_tier, f.throughput_level, f.mps, n.createdBy],
  );
  return rows[0]!;
}

/** The tenant's numbers: live ones first, then the disconnected history, newest first within each. */
export async function listTenantNumbers(q: Queryable, tenantId: string): Promise<NumberRow[]> {
  return q.query<NumberRow>(
    `SELECT * FROM wa_numbers WHERE tenant_id = $1 ORDER BY status = 'disconnected', created_at DESC, id LIMIT 500`,
    [tenantId],
  );
}

/** The tenant's live numbers among `ids` (for API keys restricted to some numbers). */
export async function liveTenantNumbersAmong(q: Queryable, tenantId: string, ids: readonly string[]): Promise<NumberRow[]> {
  return q.query<NumberRow>(`SELECT * FROM wa_numbers WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND status <> 'disconnected'`, [tenantId, ids]);
}

/**
 * Records a successful check (and, with `accessTokenEnc`, the new token that passed it). Only a live
 * number changes: a check racing a disconnect must not bring the number back.
 */
export async function recordCheckSuccess(q: Queryable, id: string, facts: NumberFacts, accessTokenEnc?: string): Promise<NumberRow | null> {
  const rows = await q.query<NumberRow>(
    `UPDATE wa_numbers SET display_phone_number = $2, verified_name = $3, quality_rating = $4, messaging_limit_tier = $5,
       throughput_level = $6, mps = $7, status = 'connected', last_checked_at = now(), last_error = NULL, updated_at = now(),
       access_token_enc = COALESCE($8, access_token_enc), token_rotated_at = CASE WHEN $8::text IS NULL THEN token_rotated_at ELSE now() END
     WHERE id = $1 AND status <> 'disconnected' RETURNING *`,
    [id, facts.display_phone_number, facts.verified_name, facts.quality_rating, facts.messaging_limit_tier, facts.throughput_level, facts.mps, accessTokenEnc ?? null],
  );
  return rows[0] ?? null;
}

/**
 * Puts a live number in the `error` state with the reason (`code` or `code: Meta's detail`), e.g.
 * when a check or a send learns that Meta no longer accepts its token. A later successful check
 * clears it.
 */
export async function markNumberError(q: Queryable, id: string, lastError: string): Promise<NumberRow | null> {
  const rows = await q.query<NumberRow>(
    `UPDATE wa_numbers SET status = 'error', last_error = $2, last_checked_at = now(), updated_at = now()
     WHERE id = $1 AND status <> 'disconnected' RETURNING *`,
    [id, lastError.slice(0, 500)],
  );
  return rows[0] ?? null;
}

/** Changes the label and the customer's own app secret / verify token hash (undefined = unchanged). */
export async function updateNumberSettings(
  q: Queryable,
  id: string,
  s: { label?: string | undefined; appSecretEnc?: string | null | undefined; verifyTokenHash?: string | null | undefined },
): Promise<NumberRow | null> {
  const rows = await q.query<NumberRow>(
    `UPDATE wa_numbers SET
       label = CASE WHEN $2 THEN $3 ELSE label END,
       app_secret_enc = CASE WHEN $4 THEN $5 ELSE app_secret_enc END,
       verify_token_hash = CASE WHEN $6 THEN $7 ELSE verify_token_hash END,
       updated_at = now()
     WHERE id = $1 AND status <> 'disconnected' RETURNING *`,
    [id, s.label !== undefined, s.label ?? '', s.appSecretEnc !== undefined, s.appSecretEnc ?? null, s.verifyTokenHash !== undefined, s.verifyTokenHash ?? null],
  );
  return rows[0] ?? null;
}

/**
 * Disconnects a number and forgets its secrets: a disconnected number is never used again (a new
 * connection is a new row), so keeping its token would only be a risk. Messages keep pointing at
 * the row for the record.
 */
export async function disconnectNumber(q: Queryable, id: string): Promise<NumberRow | null> {
  const rows = await q.query<NumberRow>(
    `UPDATE wa_numbers SET status = 'disconnected', disconnected_at = now(), updated_at = now(),
       access_token_enc = '', app_secret_enc = NULL, verify_token_hash = NULL
     WHERE id = $1 AND status <> 'disconnected' RETURNING *`,
    [id],
  );
  return rows[0] ?? null;
}

/** Re-encrypts every number's token and app secret under the current master key (key rotation). */
export async function rewrapNumberSecrets(q: Queryable, ring: Keyring): Promise<number> {
  let changed = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await q.query<Pick<NumberRow, 'id' | 'access_token_enc' | 'app_secret_enc'>>(
      `SELECT id, access_token_enc, app_secret_enc FROM wa_numbers WHERE id > $1 AND access_token_enc <> '' ORDER BY id LIMIT 200`,
      [after],
    );
    if (!rows.length) return changed;
    for (const r of rows) {
      const token = rewrapString(ring, r.access_token_enc, secretContext(r.id, 'access_token'));
      const secret = r.app_secret_enc ? rewrapString(ring, r.app_secret_enc, secretContext(r.id, 'app_secret')) : null;
      if (token || secret) {
        // Compare-and-set: a token rotated meanwhile is already under the current key.
        changed += await q.execute(
          `UPDATE wa_numbers SET access_token_enc = COALESCE($2, access_token_enc), app_secret_enc = COALESCE($3, app_secret_enc)
           WHERE id = $1 AND access_token_enc = $4 AND app_secret_enc IS NOT DISTINCT FROM $5`,
          [r.id, token, secret, r.access_token_enc, r.app_secret_enc],
        );
      }
    }
    after = rows[rows.length - 1]!.id;
  }
}
