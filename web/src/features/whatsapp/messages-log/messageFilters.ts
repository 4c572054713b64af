import type { Direction, MessageFilters } from '../../../api/whatsapp-inbox';
import { dayAfterToIso, dayToIso } from '../../../lib/dates';

/** The message log filter form's values (dates as YYYY-MM-DD, local days; '' = any). */
export interface MessageFilterValues {
  numberId: string;
  direction: '' | Direction;
  status: string;
  type: string;
  template: string;
  waId: string;
  from: string;
  to: string;
  q: string;
}

export const EMPTY_MESSAGE_FILTERS: MessageFilterValues = { numberId: '', direction: '', status: '', type: '', template: '', waId: '', from: '', to: '', q: '' };

export const activeMessageFilterCount = (v: MessageFilterValues): number => Object.values(v).filter((x) => x.trim() !== '').length;

/** What the API is asked for: whole local days, `to` inclusive of its day (the API's bound is exclusive). */
export function toMessageQuery(v: MessageFilterValues): MessageFilters {
  const out: MessageFilters = {};
  if (v.numberId) out.numberId = v.numberId;
  if (v.direction) out.direction = v.direction;
  if (v.status) out.status = v.status;
  if (v.type) out.type = v.type;
  if (v.template.trim()) out.template = v.template.trim();
  if (v.waId.trim()) out.waId = v.waId.trim();
  if (v.q.trim()) out.q = v.q.trim();
  const from = dayToIso(v.from, false);
  const to = dayAfterToIso(v.to);
  if (from) out.from = from;
  if (to) out.to = to;
  return out;
}

export const MESSAGE_TYPES = ['text', 'template', 'image', 'video', 'audio', 'document', 'sticker', 'location', 'contacts', 'interactive', 'button', 'reaction', 'order', 'system', 'unsupported'] as const;
export const LOG_STATUSES = ['queued', 'accepted', 'sent', 'delivered', 'read', 'failed', 'received'] as const;
