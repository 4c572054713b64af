import type { Queryable } from '../../../db/index.js';
import { escapeLike } from '../../../platform/sql.js';

/** SQL of the message log: wa_messages read per tenant, with the status history and settlement behind each. */

export interface LogRow {
  id: string;
  tenant_id: string;
  number_id: string;
  direction: 'outbound' | 'inbound';
  wamid: string | null;
  wa_id: string;
  type: string;
  content: Record<string, unknown>;
  template_name: string | null;
  template_language: string | null;
  category: string | null;
  media_ref: string | null;
  context_wamid: string | null;
  biz_opaque_callback_data: string | null;
  status: string;
  status_at: Date;
  error_code: number | null;
  error_title: string | null;
  error_details: string | null;
  pricing_type: string | null;
  pricing_category: string | null;
  reserved_paise: number;
  charged_paise: number | null;
  billing_state: string;
  source: string;
  api_key_id: string | null;
  created_at: Date;
  sent_at: Date | null;
  delivered_at: Date | null;
  read_at: Date | null;
  failed_at: Date | null;
  webhook_event_id: string | null;
  /** Joined: the number and the contact. */
  display_phone_number: string | null;
  number_label: string;
  contact_name: string | null;
  profile_name: string | null;
}

export interface LogFilter {
  numberId?: string | undefined;
  /** Only these numbers (an API key limited to some); null = all of the tenant's. */
  numberIds?: readonly string[] | null | undefined;
  direction?: 'outbound' | 'inbound' | undefined;
  status?: string | undefined;
  type?: string | undefined;
  template?: string | undefined;
  waId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  text?: string | undefined;
  before?: { at: Date; id: string } | undefined;
  limit: number;
}

/**
 * The readable text of a message, whatever its type and direction: what the text search looks in
 * and the log shows. Outbound rows hold the request sent to Meta, inbound rows the message received.
 */
export const MESSAGE_TEXT_SQL = `concat_ws(' ',
  m.content #>> '{text,body}', m.content #>> '{image,caption}', m.content #>> '{video,caption}', m.content #>> '{document,caption}',
  m.content #>> '{document,filename}', m.content #>> '{button,text}', m.content #>> '{interactive,button_reply,title}',
  m.content #>> '{interactive,list_reply,title}', m.content #>> '{interactive,body,text}', m.content #>> '{location,name}',
  m.content #>> '{location,address}', m.content #>> '{reaction,emoji}', m.template_name)`;

const SELECT = `SELECT m.*, n.display_phone_number, n.label AS number_label, c.name AS contact_name, c.profile_name
  FROM wa_messages m
  JOIN wa_numbers n ON n.id = m.number_id
  LEFT JOIN wa_contacts c ON c.tenant_id = m.tenant_id AND c.wa_id = m.wa_id`;

export async function listMessages(q: Queryable, tenantId: string, f: LogFilter): Promise<LogRow[]> {
  const where = ['m.tenant_id = $1'];
  const params: unknown[] = [tenantId];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replaceAll('?', `$${params.length}`));
  };
  if (f.numberId) add('m.number_id = ?', f.numberId);
  if (f.numberIds) add('m.number_id = ANY(?::uuid[])', f.numberIds);
  if (f.direction) add('m.direction = ?', f.direction);
  if (f.status) add('m.status = ?', f.status);
  if (f.type) add('m.type = ?', f.type);
  if (f.template) add('m.template_name = ?', f.template);
  if (f.waId) add('m.wa_id = ?', f.waId);
  if (f.from) add('m.created_at >= ?', f.from);
  if (f.to) add('m.created_at < ?', f.to);
  if (f.text) add(`${MESSAGE_TEXT_SQL} ILIKE ? ESCAPE '\\'`, `%${escapeLike(f.text)}%`);
  if (f.before) {
    params.push(f.before.at, f.before.id);
    where.push(`(m.created_at, m.id) < ($${params.length - 1}, $${params.length}::uuid)`);
  }
  params.push(f.limit);
  return q.query<LogRow>(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY m.created_at DESC, m.id DESC LIMIT $${params.length}`, params);
}

/** One message of the tenant by its id or its wamid. */
export async function findMessage(q: Queryable, tenantId: string, ref: { id?: string; wamid?: string }): Promise<LogRow | null> {
  const rows = ref.id
    ? await q.query<LogRow>(`${SELECT} WHERE m.tenant_id = $1 AND m.id = $2`, [tenantId, ref.id])
    : await q.query<LogRow>(`${SELECT} WHERE m.tenant_id = $1 AND m.wamid = $2 ORDER BY m.created_at LIMIT 1`, [tenantId, ref.wamid]);
  return rows[0] ?? null;
}

export interface StatusEventRow {
  id: number;
  status: string;
  occurred_at: Date;
  received_at: Date;
  applied_at: Date | null;
  recipient_id: string | null;
  pricing: Record<string, unknown> | null;
  conversation: Record<string, unknown> | null;
  errors: Record<string, unknown>[] | null;
  webhook_event_id: string | null;
}

export async function statusEventsOf(q: Queryable, wamid: string): Promise<StatusEventRow[]> {
  return q.query<StatusEventRow>(
    `SELECT id, status, occurred_at, received_at, applied_at, recipient_id, pricing, conversation, errors, webhook_event_id
       FROM wa_status_events WHERE wamid = $1
      -- Meta's times are whole seconds: reports of one second are shown in the order they happen in.
      ORDER BY occurred_at, CASE status WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 WHEN 'played' THEN 3 WHEN 'failed' THEN 4 ELSE 5 END, id`,
    [wamid],
  );
}

export interface WebhookBodyRow {
  id: string;
  received_at: Date;
  raw_body: string;
  verified_by: string;
}

export async function webhookBodies(q: Queryable, ids: readonly string[]): Promise<WebhookBodyRow[]> {
  if (!ids.length) return [];
  return q.query<WebhookBodyRow>('SELECT id, received_at, raw_body, verified_by FROM wa_webhook_events WHERE id = ANY($1::uuid[])', [ids]);
}

export interface SettlementRow {
  kind: string;
  description: string;
  amount: number;
  created_at: Date;
}

/** The ledger transfers that settled this message, as seen from the tenant's wallet. */
export async function settlementsOf(q: Queryable, tenantId: string, messageId: string): Promise<SettlementRow[]> {
  return q.query<SettlementRow>(
    `SELECT t.kind, t.description, e.amount, t.created_at
       FROM ledger_transfers t
       JOIN ledger_entries e ON e.transfer_id = t.id
       JOIN ledger_accounts a ON a.id = e.account_id AND a.kind = 'customer_wallet' AND a.owner_user_id = $1
      WHERE t.idempotency_key = ANY($2::text[])
      ORDER BY t.created_at`,
    [tenantId, [`wa-settle:${messageId}`, `wa-rebill:${messageId}`, `refund:wa-message:${messageId}`]],
  );
}

export async function windowOf(q: Queryable, numberId: string, waId: string): Promise<Date | null> {
  const rows = await q.query<{ last_inbound_at: Date }>('SELECT last_inbound_at FROM wa_service_windows WHERE number_id = $1 AND wa_id = $2', [numberId, waId]);
  return rows[0]?.last_inbound_at ?? null;
}
