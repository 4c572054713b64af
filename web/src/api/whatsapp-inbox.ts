/**
 * The receiving side of WhatsApp: message log, contacts and consent, and the simulator's "be the
 * phone" (server: server/src/modules/whatsapp/{messages/message-log.*,contacts,phone}).
 */
import { api, withQuery } from './client';

export type Direction = 'outbound' | 'inbound';

export interface MessageSummary {
  id: string;
  direction: Direction;
  numberId: string;
  number: string | null;
  numberLabel: string;
  waId: string;
  displayNumber: string;
  contactName: string | null;
  type: string;
  text: string | null;
  templateName: string | null;
  status: string;
  statusAt: string;
  errorCode: number | null;
  errorTitle: string | null;
  category: string | null;
  pricingType: string | null;
  pricingCategory: string | null;
  reservedPaise: number;
  chargedPaise: number | null;
  billingState: string;
  source: string;
  wamid: string | null;
  createdAt: string;
}

export interface TimelineItem {
  kind: 'created' | 'received' | 'status';
  status: string;
  at: string;
  receivedAt: string | null;
  applied: boolean | null;
  pricing: Record<string, unknown> | null;
  conversation: Record<string, unknown> | null;
  errors: Record<string, unknown>[] | null;
  webhook: { id: string; receivedAt: string; verifiedBy: string; excerpt: Record<string, unknown> | null } | null;
}

export interface MessageDetail {
  message: MessageSummary & {
    content: Record<string, unknown>;
    templateLanguage: string | null;
    mediaRef: string | null;
    contextWamid: string | null;
    errorDetails: string | null;
    sentAt: string | null;
    deliveredAt: string | null;
    readAt: string | null;
    failedAt: string | null;
  };
  timeline: TimelineItem[];
  settlements: { kind: string; description: string; amountPaise: number; at: string }[];
  window: { lastInboundAt: string; openUntil: string; open: boolean } | null;
}

export interface MessageFilters {
  numberId?: string;
  direction?: Direction;
  status?: string;
  type?: string;
  template?: string;
  waId?: string;
  from?: string;
  to?: string;
  q?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type ConsentState = 'opted_in' | 'opted_out' | 'no_opt_in';
export type ConsentAction = 'opt_in' | 'opt_out' | 'marketing_stop' | 'marketing_resume';
export type ConsentFilter = ConsentState | 'marketing_stopped';

export interface Contact {
  id: string;
  waId: string;
  displayNumber: string;
  name: string | null;
  profileName: string | null;
  tags: string[];
  consent: { state: ConsentState; optedInAt: string | null; optedOutAt: string | null; marketingStoppedAt: string | null };
  createdAt: string;
  updatedAt: string;
}

export interface ConsentEvent {
  id: string;
  action: ConsentAction;
  source: string;
  evidence: string | null;
  ip: string | null;
  documentRef: string | null;
  messageId: string | null;
  actorType: string;
  occurredAt: string;
}

export interface ContactDetail {
  contact: Contact;
  history: ConsentEvent[];
  windows: { numberId: string; number: string | null; label: string; lastInboundAt: string; openUntil: string; open: boolean }[];
}

export interface ConsentProof {
  method?: string;
  evidence?: string;
  ip?: string;
  documentRef?: string;
  occurredAt?: string;
}

export interface ImportReport {
  total: number;
  created: number;
  updated: number;
  failed: number;
  optIns: number;
  ignoredColumns: string[];
  problems: { line: number; phone: string; waId: string | null; status: 'created' | 'updated' | 'error'; errors: string[]; warnings: string[] }[];
  errorReportCsv: string | null;
}

export interface PhoneNumber {
  id: string;
  label: string;
  phoneNumberId: string;
  displayPhoneNumber: string | null;
  verifiedName: string | null;
}

export interface PhoneChat {
  waId: string;
  profileName: string;
  windowOpen: boolean;
  windowOpenUntil: string | null;
  marketing: string;
  lastMessageAt: string;
}

export interface PhoneMessage {
  id: string;
  direction: Direction;
  type: string;
  content: Record<string, unknown>;
  status: string;
  errorCode: number | null;
  category: string | null;
  createdAt: string;
}

export type PhoneReply =
  | { kind: 'text'; text: string; replyTo?: string }
  | { kind: 'button'; replyTo: string; payload: string; text: string }
  | { kind: 'button_reply'; replyTo: string; id: string; title: string }
  | { kind: 'list_reply'; replyTo: string; id: string; title: string; description?: string };

export const MESSAGES_CSV_PATH = '/api/whatsapp/messages.csv';

export const messageLogApi = {
  list: (filters: MessageFilters, cursor: string | null, signal?: AbortSignal) =>
    api.get<Page<MessageSummary>>('/api/whatsapp/messages', { ...filters, limit: 50, cursor }, signal),
  get: (id: string, signal?: AbortSignal) => api.get<MessageDetail>(`/api/whatsapp/messages/${id}`, undefined, signal),
  csvUrl: (filters: MessageFilters) => withQuery(MESSAGES_CSV_PATH, { ...filters }),
};

export const contactsApi = {
  list: (q: { q?: string; tag?: string; consent?: ConsentFilter | '' }, cursor: string | null, signal?: AbortSignal) =>
    api.get<Page<Contact>>('/api/whatsapp/contacts', { ...q, limit: 50, cursor }, signal),
  get: (id: string, signal?: AbortSignal) => api.get<ContactDetail>(`/api/whatsapp/contacts/${id}`, undefined, signal),
  create: (input: { phone: string; name?: string; tags?: string[]; optIn?: ConsentProof }) => api.post<{ contact: Contact }>('/api/whatsapp/contacts', input),
  update: (id: string, input: { name?: string | null; tags?: string[] }) => api.patch<{ contact: Contact }>(`/api/whatsapp/contacts/${id}`, input),
  remove: (id: string) => api.del(`/api/whatsapp/contacts/${id}`),
  consent: (id: string, input: ConsentProof & { action: ConsentAction }) => api.post<{ contact: Contact }>(`/api/whatsapp/contacts/${id}/consent`, input),
  importCsv: (csv: string) => api.post<ImportReport>('/api/whatsapp/contacts/import', { csv }),
};

export const phoneApi = {
  numbers: (signal?: AbortSignal) => api.get<{ available: boolean; items: PhoneNumber[] }>('/api/whatsapp/phone/numbers', undefined, signal),
  chats: (numberId: string, signal?: AbortSignal) => api.get<{ items: PhoneChat[] }>(`/api/whatsapp/phone/${numberId}/chats`, undefined, signal),
  chat: (numberId: string, waId: string, signal?: AbortSignal) => api.get<{ items: PhoneMessage[] }>(`/api/whatsapp/phone/${numberId}/chats/${waId}`, undefined, signal),
  reply: (numberId: string, waId: string, reply: PhoneReply & { profileName?: string }) => api.post<{ wamid: string }>(`/api/whatsapp/phone/${numberId}/chats/${waId}/messages`, reply),
  read: (numberId: string, waId: string) => api.post<{ read: number }>(`/api/whatsapp/phone/${numberId}/chats/${waId}/read`),
  marketing: (numberId: string, waId: string, marketing: 'stopped' | 'subscribed') => api.post<{ marketing: string }>(`/api/whatsapp/phone/${numberId}/chats/${waId}/marketing`, { marketing }),
};
