import type { Queryable } from '../../../db/index.js';

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

/**
 * A new outbound message as send-writes.ts sends it to wa_send_write (migration 0025), which writes
 * it `queued` with its reserve: the keys are that function's column names.
 */
export function outboundRow(m: NewOutbound): Record<string, unknown> {
  return {
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
  };
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
