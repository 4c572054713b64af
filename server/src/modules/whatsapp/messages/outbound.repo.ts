import { Params, jsonRows, type Queryable } from '../../../db/index.js';

/**
 * The send path's writes to wa_messages (0011). An outbound message is written `queued` with its
 * reserve, then moves once: to `accepted` with Meta's wamid, to `failed` when Meta refused it, or it
 * stays `queued` with a note (waiting to retry after Meta's throughput limit, or an unknown outcome
 * that the status webhooks settle). Every move is conditional on `queued`, so a status webhook that
 * got there first is never overwritten.
 */

export interface NewOutbound {
  id: string;
  tenantId: string;
  numberId: string;
  waId: string;
  type: string;
  content: unknown;
  templateName: string | null;
  templateLanguage: string | null;
  category: string;
  mediaRef: string | null;
  contextWamid: string | null;
  bizOpaque: string | null;
  reservedPaise: number;
  holdId: string | null;
  /** Who sent it (send.service.ts SendSource): api, graph, ui, automation, inbox. */
  source: string;
  apiKeyId: string | null;
  sentBy: string | null;
}

export interface OutboundRow {
  id: string;
  tenant_id: string;
  number_id: string;
  wamid: string | null;
  wa_id: string;
  type: string;
  content: Record<string, unknown>;
  template_name: string | null;
  template_language: string | null;
  category: string | null;
  status: string;
  error_code: number | null;
  reserved_paise: number;
  billing_state: string;
  source: string;
  created_at: Date;
}

/** Writes new outbound messages, `queued`, with their reserves (one statement for any number). */
export async function insertOutbounds(q: Queryable, messages: readonly NewOutbound[]): Promise<void> {
  if (!messages.length) return;
  const ps = new Params();
  await q.query(outboundsInsert(ps, messages), ps.values);
}

const OUTBOUND_COLUMNS = {
  id: 'uuid',
  tenant_id: 'uuid',
  number_id: 'uuid',
  wa_id: 'text',
  type: 'text',
  content: 'jsonb',
  template_name: 'text',
  template_language: 'text',
  category: 'text',
  media_ref: 'text',
  context_wamid: 'text',
  biz_opaque_callback_data: 'text',
  reserved_paise: 'bigint',
  billing_state: 'text',
  hold_id: 'uuid',
  source: 'text',
  api_key_id: 'uuid',
  sent_by: 'uuid',
} as const;

/** The INSERT of `insertOutbounds` (at least one message), to run as part of a larger statement (db/statement.ts). */
export function outboundsInsert(ps: Params, messages: readonly NewOutbound[]): string {
  const rows = messages.map((m) => ({
    id: m.id,
    tenant_id: m.tenantId,
    number_id: m.numberId,
    wa_id: m.waId,
    type: m.type,
    content: m.content,
    template_name: m.templateName,
    template_language: m.templateLanguage,
    category: m.category,
    media_ref: m.mediaRef,
    context_wamid: m.contextWamid,
    biz_opaque_callback_data: m.bizOpaque,
    reserved_paise: m.reservedPaise,
    billing_state: m.reservedPaise > 0 ? 'reserved' : 'none',
    hold_id: m.holdId,
    source: m.source,
    api_key_id: m.apiKeyId,
    sent_by: m.sentBy,
  }));
  return `INSERT INTO wa_messages (${Object.keys(OUTBOUND_COLUMNS).join(', ')}, direction, status)
     SELECT *, 'outbound', 'queued' FROM (${jsonRows(ps, OUTBOUND_COLUMNS, rows)}) AS r`;
}

/**
 * Meta accepted them: records each wamid and answers which have status reports already waiting (a
 * webhook can overtake the send's answer). One round trip (function wa_mark_accepted, migration
 * 0020): it takes the per-wamid locks status-events.ts takes, then updates with a snapshot from after
 * them, so a report committed meanwhile is seen as pending here or sees this wamid. A status webhook
 * that already moved a message on (matched by its callback data) keeps its status.
 */
export async function markAccepted(q: Queryable, accepted: readonly { id: string; wamid: string }[]): Promise<{ id: string; wamid: string; pending: boolean }[]> {
  if (!accepted.length) return [];
  return q.query<{ id: string; wamid: string; pending: boolean }>('SELECT id, wamid, pending FROM wa_mark_accepted($1::uuid[], $2::text[])', [accepted.map((a) => a.id), accepted.map((a) => a.wamid)]);
}

/** Meta refused it (or could not be reached at all). The message when this call moved it to failed, else null. */
export async function markFailed(
  q: Queryable,
  id: string,
  e: { code: number | null; title: string; details: string | null },
): Promise<{ id: string; tenant_id: string; wa_id: string; wamid: string | null } | null> {
  const rows = await q.query<{ id: string; tenant_id: string; wa_id: string; wamid: string | null }>(
    `UPDATE wa_messages SET status = 'failed', status_at = now(), failed_at = now(), error_code = $2, error_title = $3, error_details = $4
      WHERE id = $1 AND status = 'queued' RETURNING id, tenant_id, wa_id, wamid`,
    [id, e.code, e.title.slice(0, 500), e.details?.slice(0, 2000) ?? null],
  );
  return rows[0] ?? null;
}

/** Leaves it queued with a note: why it waits, or that Meta's answer never came. */
export async function noteQueued(q: Queryable, id: string, e: { code: number | null; title: string | null; details: string }): Promise<void> {
  await q.query(`UPDATE wa_messages SET error_code = $2, error_title = $3, error_details = $4 WHERE id = $1 AND status = 'queued'`, [
    id,
    e.code,
    e.title?.slice(0, 500) ?? null,
    e.details.slice(0, 2000),
  ]);
}

/**
 * Takes a message waiting for a throughput retry, once: the error code it waits on is cleared in the
 * same statement, so a second run of the same job (pg-boss retries a crashed one) finds nothing to do
 * and the message is never sent twice.
 */
export async function claimRetry(q: Queryable, id: string, codes: readonly number[]): Promise<OutboundRow | null> {
  const rows = await q.query<OutboundRow>(
    `UPDATE wa_messages SET error_code = NULL, error_title = NULL, error_details = 'Sending again after WhatsApp''s rate limit.'
      WHERE id = $1 AND direction = 'outbound' AND status = 'queued' AND error_code = ANY($2::int[]) RETURNING *`,
    [id, codes],
  );
  return rows[0] ?? null;
}

/** Outbound messages still queued long after the send: no answer and no status ever came. */
export async function staleQueued(q: Queryable, olderThanHours: number, limit: number): Promise<{ id: string }[]> {
  return q.query<{ id: string }>(
    `SELECT id FROM wa_messages WHERE status = 'queued' AND direction = 'outbound'
      AND created_at < now() - make_interval(hours => $1) ORDER BY created_at LIMIT $2`,
    [olderThanHours, limit],
  );
}
