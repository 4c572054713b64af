import type { Queryable } from '../../../db/index.js';

/** SQL of wa_webhook_events: every POST to /webhooks/whatsapp, byte for byte, and what processing made of it. */

export interface WebhookEventRow {
  id: string;
  received_at: Date;
  raw_body: string;
  verified_by: 'platform' | 'number';
  verified_phone_number_ids: string[] | null;
  state: 'pending' | 'processed' | 'failed';
  attempts: number;
  processed_at: Date | null;
  last_error: string | null;
  fields: string[];
  waba_ids: string[];
  outcome: ChangeOutcome[] | null;
}

/** What happened to one change of a POST. */
export interface ChangeOutcome {
  path: string;
  field: string;
  wabaId: string | null;
  phoneNumberId: string | null;
  /** routed: handled for the tenant; unroutable: no live number; refused: outside what the signature may speak for; stored: kept, nothing to do. */
  result: 'routed' | 'unroutable' | 'refused' | 'stored' | 'error';
  tenantId?: string;
  counts?: Record<string, number>;
  note?: string;
}

export async function insertWebhookEvent(q: Queryable, e: { rawBody: string; verifiedBy: 'platform' | 'number'; verifiedPhoneNumberIds: string[] | null }): Promise<string> {
  const rows = await q.query<{ id: string }>(
    'INSERT INTO wa_webhook_events (raw_body, verified_by, verified_phone_number_ids) VALUES ($1, $2, $3) RETURNING id',
    [e.rawBody, e.verifiedBy, e.verifiedPhoneNumberIds],
  );
  return rows[0]!.id;
}

/** Claims an event for processing (counting the attempt); null when gone or already processed. */
export async function claimWebhookEvent(q: Queryable, id: string): Promise<WebhookEventRow | null> {
  const rows = await q.query<WebhookEventRow>(
    `UPDATE wa_webhook_events SET attempts = attempts + 1 WHERE id = $1 AND state <> 'processed' RETURNING *`,
    [id],
  );
  return rows[0] ?? null;
}

export async function finishWebhookEvent(
  q: Queryable,
  id: string,
  r: { state: 'processed' | 'failed'; fields: string[]; wabaIds: string[]; outcome: ChangeOutcome[]; error: string | null },
): Promise<void> {
  await q.query(
    `UPDATE wa_webhook_events SET state = $2, fields = $3, waba_ids = $4, outcome = $5, last_error = $6,
       processed_at = CASE WHEN $2 = 'processed' THEN now() ELSE processed_at END
     WHERE id = $1`,
    [id, r.state, r.fields, r.wabaIds, JSON.stringify(r.outcome), r.error?.slice(0, 2000) ?? null],
  );
}

export async function findWebhookEvents(q: Queryable, ids: readonly string[]): Promise<Pick<WebhookEventRow, 'id' | 'received_at' | 'raw_body' | 'verified_by'>[]> {
  if (!ids.length) return [];
  return q.query('SELECT id, received_at, raw_body, verified_by FROM wa_webhook_events WHERE id = ANY($1::uuid[])', [ids]);
}
