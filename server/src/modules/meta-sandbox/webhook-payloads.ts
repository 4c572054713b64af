import { GRAPH_ERROR_CATALOG } from '../whatsapp/graph/graph-errors.js';

/**
 * Webhook bodies in Meta's shapes (examples/webhook-*.json; CONTRACT.md §6): the envelope
 * `{object, entry:[{id: <WABA id>, changes:[{value, field}]}]}`, status and inbound-message values,
 * template status updates and user preferences. Keys are written in the order of Meta's examples.
 */

export interface NumberMeta {
  wabaId: string;
  phoneNumberId: string;
  /** Digits only, as webhooks carry it. */
  displayPhoneNumber: string;
}

export interface Change {
  value: Record<string, unknown>;
  field: string;
}

export interface WebhookBody {
  object: 'whatsapp_business_account';
  entry: { id: string; time?: number; changes: Change[] }[];
}

/** One POST: changes grouped into one entry per business account. */
export function envelope(items: { wabaId: string; change: Change }[], opts: { time?: number } = {}): WebhookBody {
  const entries = new Map<string, Change[]>();
  for (const { wabaId, change } of items) entries.set(wabaId, [...(entries.get(wabaId) ?? []), change]);
  return {
    object: 'whatsapp_business_account',
    entry: [...entries].map(([id, changes]) => ({ id, ...(opts.time !== undefined ? { time: opts.time } : {}), changes })),
  };
}

function metadata(n: NumberMeta) {
  return { display_phone_number: n.displayPhoneNumber, phone_number_id: n.phoneNumberId };
}

export const unix = (d: Date = new Date()) => String(Math.floor(d.getTime() / 1000));

export type StatusName = 'sent' | 'delivered' | 'read' | 'failed';

export interface Pricing {
  billable: boolean;
  pricing_model: 'PMP';
  type: 'regular' | 'free_customer_service' | 'free_entry_point';
  category: string;
}

export interface WebhookError {
  code: number;
  title: string;
  message: string;
  error_data: { details: string };
  href: string;
}

/** An error as it appears in statuses[].errors and messages[].errors. */
export function webhookError(code: number, details: string, opts: { href?: boolean; title?: string } = {}): WebhookError {
  const title = opts.title ?? GRAPH_ERROR_CATALOG[code]?.title ?? 'Error';
  return {
    code,
    title,
    message: title,
    error_data: { details },
    ...(opts.href === false ? {} : { href: '/documentation/business-messaging/whatsapp/support/error-codes' }),
  } as WebhookError;
}

export function statusObject(s: {
  id: string;
  status: StatusName;
  timestamp: string;
  recipientId: string;
  bizOpaque?: string | null;
  conversation?: { id: string; expiration_timestamp?: string; origin: { type: string } };
  pricing?: Pricing;
  errors?: WebhookError[];
}): Record<string, unknown> {
  return {
    id: s.id,
    status: s.status,
    timestamp: s.timestamp,
    recipient_id: s.recipientId,
    ...(s.bizOpaque ? { biz_opaque_callback_data: s.bizOpaque } : {}),
    ...(s.conversation ? { conversation: s.conversation } : {}),
    ...(s.pricing ? { pricing: s.pricing } : {}),
    ...(s.errors ? { errors: s.errors } : {}),
  };
}

export function statusesChange(n: NumberMeta, statuses: Record<string, unknown>[]): Change {
  return { value: { messaging_product: 'whatsapp', metadata: metadata(n), statuses }, field: 'messages' };
}

/** Inbound messages of one sender; `contact` is left out for system messages, as Meta does. */
export function messagesChange(n: NumberMeta, contact: { name: string; waId: string } | null, messages: Record<string, unknown>[]): Change {
  return {
    value: {
      messaging_product: 'whatsapp',
      metadata: metadata(n),
      ...(contact ? { contacts: [{ profile: { name: contact.name }, wa_id: contact.waId }] } : {}),
      messages,
    },
    field: 'messages',
  };
}

export function templateStatusChange(t: {
  event: string;
  id: string;
  name: string;
  language: string;
  reason: string | null;
  category: string;
  rejectionInfo?: { reason: string; recommendation: string } | undefined;
  otherInfo?: { title: string; description: string } | undefined;
  disableDate?: string | undefined;
}): Change {
  return {
    value: {
      event: t.event,
      // Meta sends the template id as a JSON number here; the simulator's ids are below 2^53.
      message_template_id: Number(t.id),
      message_template_name: t.name,
      message_template_language: t.language,
      reason: t.reason,
      message_template_category: t.category,
      ...(t.rejectionInfo ? { rejection_info: t.rejectionInfo } : {}),
      ...(t.otherInfo ? { other_info: t.otherInfo } : {}),
      ...(t.disableDate ? { disable_info: { disable_date: t.disableDate } } : {}),
    },
    field: 'message_template_status_update',
  };
}

/** A user stopped or resumed marketing messages (field `user_preferences`, CONTRACT §9). */
export function userPreferencesChange(n: NumberMeta, contact: { name: string; waId: string }, value: 'stop' | 'resume'): Change {
  return {
    value: {
      messaging_product: 'whatsapp',
      metadata: metadata(n),
      contacts: [{ profile: { name: contact.name }, wa_id: contact.waId }],
      user_preferences: [
        {
          wa_id: contact.waId,
          detail: value === 'stop' ? 'User requested to stop marketing messages' : 'User requested to resume marketing messages',
          category: 'marketing_messages',
          value,
          timestamp: Math.floor(Date.now() / 1000),
        },
      ],
    },
    field: 'user_preferences',
  };
}
