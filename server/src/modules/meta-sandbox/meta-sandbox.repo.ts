import type { Params, Queryable } from '../../db/index.js';
import type { Recipient } from './recipient-cache.js';
import type { StoredTemplate } from './template-rules.js';

/** SQL of the simulator's tables (migration 0007). Every function takes the caller's transaction or the db. */

export interface WabaRow {
  id: string;
  name: string;
  mgmt_calls_per_hour: number;
  created_at: Date;
}

export interface NumberRow {
  id: string;
  waba_id: string;
  display_phone_number: string;
  verified_name: string;
  quality_rating: string;
  messaging_limit_tier: string;
  throughput_level: string;
  mps: number;
  pair_limit: number;
  restriction: 'policy_blocked' | 'spam_rate_limited' | null;
  webhook_batching: 'never' | 'sometimes' | 'always';
  duplicate_webhooks: boolean;
  /** A marketing template to a user who stopped marketing: a failed status (async) or refused at send (sync) — 131050. */
  marketing_stop_refusal: 'async' | 'sync';
  created_at: Date;
}

export interface TokenRow {
  token_hash: string;
  waba_id: string;
  expires_at: Date | null;
  revoked_at: Date | null;
}

export interface UserRow {
  wa_id: string;
  profile_name: string;
  undeliverable: 'async' | 'sync' | null;
  auto_read: boolean;
}

export interface ConversationRow {
  phone_number_id: string;
  wa_id: string;
  last_inbound_at: Date | null;
  entry_point_until: Date | null;
  marketing: 'subscribed' | 'stopped' | 'capped';
  last_message_at: Date;
}

export interface TemplateRow extends StoredTemplate {
  waba_id: string;
  rejected_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface MediaRow {
  id: string;
  phone_number_id: string;
  mime_type: string;
  sha256: string;
  file_size: number;
  filename: string | null;
  created_at: Date;
}

export interface MessageRow {
  id: string;
  phone_number_id: string;
  wa_id: string;
  direction: 'outbound' | 'inbound';
  type: string;
  content: Record<string, unknown>;
  template_id: string | null;
  category: string | null;
  status: 'accepted' | 'sent' | 'delivered' | 'read' | 'failed' | 'received';
  error_code: number | null;
  biz_opaque_callback_data: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface WebhookRow {
  id: string;
  waba_id: string;
  phone_number_id: string | null;
  field: string;
  body: string;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
}

export async function findWaba(q: Queryable, id: string): Promise<WabaRow | undefined> {
  return (await q.query<WabaRow>('SELECT * FROM meta_sandbox_wabas WHERE id = $1', [id]))[0];
}

export async function findNumber(q: Queryable, id: string, lock = false): Promise<NumberRow | undefined> {
  return (await q.query<NumberRow>(`SELECT * FROM meta_sandbox_numbers WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]))[0];
}

/** One page of a business account's numbers, oldest first (a stable order, so pages neither skip nor repeat). */
export async function numbersOfWaba(q: Queryable, wabaId: string, page: { limit: number; offset: number }): Promise<NumberRow[]> {
  return q.query<NumberRow>('SELECT * FROM meta_sandbox_numbers WHERE waba_id = $1 ORDER BY created_at, id LIMIT $2 OFFSET $3', [wabaId, page.limit, page.offset]);
}

export async function findToken(q: Queryable, hash: string): Promise<TokenRow | undefined> {
  return (await q.query<TokenRow>('SELECT token_hash, waba_id, expires_at, revoked_at FROM meta_sandbox_tokens WHERE token_hash = $1', [hash]))[0];
}

export async function insertToken(q: Queryable, hash: string, wabaId: string, expiresAt: Date | null): Promise<void> {
  await q.query('INSERT INTO meta_sandbox_tokens (token_hash, waba_id, expires_at) VALUES ($1, $2, $3)', [hash, wabaId, expiresAt]);
}

/**
 * The token of a call and the number it names, in one round trip (the send path's hot query).
 * `number` is absent when no number has that id.
 */
export async function findTokenAndNumber(q: Queryable, hash: string, numberId: string): Promise<{ token: TokenRow; number: NumberRow | undefined } | undefined> {
  const rows = await q.query<NumberRow & { t_waba_id: string; t_expires_at: Date | null; t_revoked_at: Date | null }>(
    `SELECT t.waba_id AS t_waba_id, t.expires_at AS t_expires_at, t.revoked_at AS t_revoked_at, n.*
       FROM meta_sandbox_tokens t LEFT JOIN meta_sandbox_numbers n ON n.id = $2
      WHERE t.token_hash = $1`,
    [hash, numberId],
  );
  const row = rows[0];
  if (!row) return undefined;
  const { t_waba_id, t_expires_at, t_revoked_at, ...number } = row;
  return { token: { token_hash: hash, waba_id: t_waba_id, expires_at: t_expires_at, revoked_at: t_revoked_at }, number: number.id ? number : undefined };
}

/** What a send reads of a recipient (recipient-cache.ts), from the user's row and its conversation with a number, in one round trip. */
export async function findRecipient(q: Queryable, phoneNumberId: string, waId: string): Promise<Recipient> {
  const [row] = await q.query<{ undeliverable: UserRow['undeliverable']; last_inbound_at: Date | null; marketing: ConversationRow['marketing'] | null }>(
    `SELECT u.undeliverable, c.last_inbound_at, c.marketing
       FROM (SELECT 1) one
       LEFT JOIN meta_sandbox_users u ON u.wa_id = $2
       LEFT JOIN meta_sandbox_conversations c ON c.phone_number_id = $1 AND c.wa_id = $2`,
    [phoneNumberId, waId],
  );
  // An absent user is the default one (deliverable), an absent conversation a closed window to a subscribed user.
  return { undeliverable: row!.undeliverable, lastInboundAt: row!.last_inbound_at, marketing: row!.marketing ?? 'subscribed' };
}

export async function findUser(q: Queryable, waId: string): Promise<UserRow | undefined> {
  return (await q.query<UserRow>('SELECT wa_id, profile_name, undeliverable, auto_read FROM meta_sandbox_users WHERE wa_id = $1', [waId]))[0];
}

/** A user never configured is a reachable person who reads what arrives. */
export function defaultUser(waId: string): UserRow {
  return { wa_id: waId, profile_name: `User ${waId.slice(-4)}`, undeliverable: null, auto_read: true };
}

export async function findConversation(q: Queryable, phoneNumberId: string, waId: string): Promise<ConversationRow | undefined> {
  return (await q.query<ConversationRow>('SELECT * FROM meta_sandbox_conversations WHERE phone_number_id = $1 AND wa_id = $2', [phoneNumberId, waId]))[0];
}

/** Records contact between a number and a user; `inbound` opens (or refreshes) the 24-hour window. */
export async function touchConversation(q: Queryable, phoneNumberId: string, waId: string, opts: { inbound?: boolean; entryPoint?: boolean } = {}): Promise<void> {
  await q.query(
    `INSERT INTO meta_sandbox_conversations (phone_number_id, wa_id, last_inbound_at, entry_point_until)
     VALUES ($1, $2, CASE WHEN $3 THEN now() END, CASE WHEN $4 THEN now() + interval '72 hours' END)
     ON CONFLICT (phone_number_id, wa_id) DO UPDATE SET
       last_message_at = now(),
       last_inbound_at = CASE WHEN $3 THEN now() ELSE meta_sandbox_conversations.last_inbound_at END,
       entry_point_until = CASE WHEN $4 THEN now() + interval '72 hours' ELSE meta_sandbox_conversations.entry_point_until END`,
    [phoneNumberId, waId, Boolean(opts.inbound), Boolean(opts.entryPoint)],
  );
}

export async function findTemplate(q: Queryable, wabaId: string, name: string, language: string): Promise<TemplateRow | undefined> {
  return (await q.query<TemplateRow>('SELECT * FROM meta_sandbox_templates WHERE waba_id = $1 AND name = $2 AND language = $3', [wabaId, name, language]))[0];
}

export async function findTemplateById(q: Queryable, id: string, lock = false): Promise<TemplateRow | undefined> {
  return (await q.query<TemplateRow>(`SELECT * FROM meta_sandbox_templates WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]))[0];
}

export async function findMedia(q: Queryable, id: string): Promise<(MediaRow & { waba_id: string }) | undefined> {
  return (
    await q.query<MediaRow & { waba_id: string }>(
      `SELECT m.id, m.phone_number_id, m.mime_type, m.sha256, m.file_size, m.filename, m.created_at, n.waba_id
         FROM meta_sandbox_media m JOIN meta_sandbox_numbers n ON n.id = m.phone_number_id WHERE m.id = $1`,
      [id],
    )
  )[0];
}

export async function mediaContent(q: Queryable, id: string): Promise<Buffer | undefined> {
  const row = (await q.query<{ content: Uint8Array }>('SELECT content FROM meta_sandbox_media WHERE id = $1', [id]))[0];
  return row ? Buffer.from(row.content) : undefined;
}

export async function insertMedia(q: Queryable, m: { id: string; phoneNumberId: string; mimeType: string; sha256: string; filename: string | null; content: Buffer }): Promise<void> {
  await q.query(
    'INSERT INTO meta_sandbox_media (id, phone_number_id, mime_type, sha256, file_size, filename, content) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [m.id, m.phoneNumberId, m.mimeType, m.sha256, m.content.length, m.filename, m.content],
  );
}

export async function findMessage(q: Queryable, id: string, lock = false): Promise<MessageRow | undefined> {
  return (await q.query<MessageRow>(`SELECT * FROM meta_sandbox_messages WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]))[0];
}

export async function insertMessage(
  q: Queryable,
  m: { id: string; phoneNumberId: string; waId: string; direction: 'outbound' | 'inbound'; type: string; content: unknown; templateId?: string | null; category?: string | null; status: MessageRow['status']; bizOpaque?: string | null },
): Promise<void> {
  await q.query(
    `INSERT INTO meta_sandbox_messages (id, phone_number_id, wa_id, direction, type, content, template_id, category, status, biz_opaque_callback_data)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [m.id, m.phoneNumberId, m.waId, m.direction, m.type, JSON.stringify(m.content), m.templateId ?? null, m.category ?? null, m.status, m.bizOpaque ?? null],
  );
}

/** An accepted outbound message, as the send writes it. */
export interface NewOutboundMessage {
  id: string;
  phoneNumberId: string;
  waId: string;
  type: string;
  content: unknown;
  templateId: string | null;
  category: string;
  bizOpaque: string | null;
}

/** The statements (db/statement.ts) that write accepted outbound messages and touch their conversations. */
export function outboundMessagesInsert(ps: Params, ms: readonly NewOutboundMessage[]): string[] {
  // One row per conversation: ON CONFLICT may not touch a row twice in one statement.
  const pairs = [...new Map(ms.map((m) => [`${m.phoneNumberId}:${m.waId}`, m])).values()];
  return [
    `INSERT INTO meta_sandbox_messages (id, phone_number_id, wa_id, direction, type, content, template_id, category, status, biz_opaque_callback_data)
     SELECT id, pn, wa, 'outbound', ty, c::jsonb, tpl, cat, 'accepted', bo
       FROM unnest(${ps.add(ms.map((m) => m.id))}::text[], ${ps.add(ms.map((m) => m.phoneNumberId))}::text[], ${ps.add(ms.map((m) => m.waId))}::text[],
                   ${ps.add(ms.map((m) => m.type))}::text[], ${ps.add(ms.map((m) => JSON.stringify(m.content)))}::text[], ${ps.add(ms.map((m) => m.templateId))}::text[],
                   ${ps.add(ms.map((m) => m.category))}::text[], ${ps.add(ms.map((m) => m.bizOpaque))}::text[]) AS m(id, pn, wa, ty, c, tpl, cat, bo)`,
    `INSERT INTO meta_sandbox_conversations (phone_number_id, wa_id)
     SELECT * FROM unnest(${ps.add(pairs.map((m) => m.phoneNumberId))}::text[], ${ps.add(pairs.map((m) => m.waId))}::text[])
     ON CONFLICT (phone_number_id, wa_id) DO UPDATE SET last_message_at = now()`,
  ];
}

export async function setMessageStatus(q: Queryable, id: string, status: MessageRow['status'], errorCode: number | null = null): Promise<void> {
  await q.query('UPDATE meta_sandbox_messages SET status = $2, error_code = $3, updated_at = now() WHERE id = $1', [id, status, errorCode]);
}

export async function insertWebhook(q: Queryable, w: { wabaId: string; phoneNumberId: string | null; field: string; body: string }): Promise<string> {
  const rows = await q.query<{ id: string }>('INSERT INTO meta_sandbox_webhooks (waba_id, phone_number_id, field, body) VALUES ($1, $2, $3, $4) RETURNING id', [
    w.wabaId,
    w.phoneNumberId,
    w.field,
    w.body,
  ]);
  return rows[0]!.id;
}
