/**
 * The team inbox and the tenant's team (server: server/src/modules/whatsapp/inbox, README.md there).
 * Live updates come over server-sent events (`inboxStreamUrl`, read with EventSource).
 */
import { api, withQuery } from './client';

export type InboxRole = 'owner' | 'manager' | 'agent';
export type TeamRole = 'agent' | 'manager';
export type ConversationStatus = 'open' | 'closed';

export interface Person {
  id: string;
  name: string;
}

export interface TeamMember {
  id: string;
  userId: string;
  name: string;
  email: string;
  role: TeamRole;
  invitedBy: Person | null;
  createdAt: string;
}

export interface InboxTenant {
  tenantId: string;
  name: string;
  role: InboxRole;
  unreadConversations: number;
}

export interface InboxOverview {
  tenantId: string;
  role: InboxRole;
  people: (Person & { role: InboxRole })[];
  numbers: { id: string; label: string; displayPhoneNumber: string | null; status: string }[];
  counts: { open: number; closed: number; mine: number; unassigned: number; unread: number };
}

export interface ServiceWindow {
  open: boolean;
  lastInboundAt: string | null;
  openUntil: string | null;
}

export interface Conversation {
  id: string;
  tenantId: string;
  numberId: string;
  number: { label: string; displayPhoneNumber: string | null; status: string };
  waId: string;
  contact: { id: string | null; name: string | null; profileName: string | null; consent: 'opted_in' | 'opted_out' | 'none'; marketingStopped: boolean };
  status: ConversationStatus;
  statusAt: string;
  assignee: Person | null;
  assignedAt: string | null;
  lastMessage: { id: string; direction: string; type: string; text: string | null; status: string } | null;
  lastMessageAt: string;
  window: ServiceWindow;
  unread: number;
}

export interface InboxMessage {
  id: string;
  conversationId: string;
  direction: 'inbound' | 'outbound';
  type: string;
  text: string | null;
  templateName: string | null;
  status: string;
  statusAt: string;
  errorCode: number | null;
  errorTitle: string | null;
  source: string;
  sentBy: Person | null;
  createdAt: string;
}

export interface InboxNote {
  id: string;
  conversationId: string;
  author: Person;
  body: string;
  createdAt: string;
}

export type TimelineItem = { kind: 'message'; at: string; message: InboxMessage } | { kind: 'note'; at: string; note: InboxNote };

export interface TemplateOption {
  name: string;
  language: string;
  category: string;
  parameterFormat: string;
  headerText: string | null;
  body: string;
  footer: string | null;
  headerKeys: string[];
  bodyKeys: string[];
  sendable: boolean;
}

export interface QuickReply {
  id: string;
  shortcut: string;
  body: string;
  updatedAt: string;
}

export interface ConversationQuery {
  status?: ConversationStatus | 'all';
  assigned?: 'mine' | 'unassigned' | 'all';
  numberId?: string;
  q?: string;
  cursor?: string;
}

export interface TemplateReply {
  name: string;
  language: string;
  header?: { name?: string; value: string }[];
  body?: { name?: string; value: string }[];
}

const base = '/api/whatsapp/inbox';

export const teamApi = {
  list: (signal?: AbortSignal) => api.get<{ items: TeamMember[] }>('/api/whatsapp/team', undefined, signal),
  invite: (email: string, role: TeamRole) => api.post<{ member: TeamMember }>('/api/whatsapp/team', { email, role }),
  setRole: (id: string, role: TeamRole) => api.patch<{ member: TeamMember }>(`/api/whatsapp/team/${id}`, { role }),
  remove: (id: string) => api.del(`/api/whatsapp/team/${id}`),
};

export const inboxApi = {
  tenants: (signal?: AbortSignal) => api.get<{ items: InboxTenant[] }>(`${base}/tenants`, undefined, signal),
  overview: (tenantId: string, signal?: AbortSignal) => api.get<InboxOverview>(`${base}/overview`, { tenantId }, signal),
  conversations: (tenantId: string, query: ConversationQuery, signal?: AbortSignal) =>
    api.get<{ items: Conversation[]; nextCursor: string | null }>(`${base}/conversations`, { tenantId, ...query }, signal),
  conversation: (id: string, signal?: AbortSignal) => api.get<{ conversation: Conversation; role: InboxRole }>(`${base}/conversations/${id}`, undefined, signal),
  timeline: (id: string, cursor?: string, signal?: AbortSignal) =>
    api.get<{ items: TimelineItem[]; nextCursor: string | null }>(`${base}/conversations/${id}/timeline`, cursor ? { cursor } : undefined, signal),
  templates: (id: string, signal?: AbortSignal) => api.get<{ items: TemplateOption[] }>(`${base}/conversations/${id}/templates`, undefined, signal),
  read: (id: string) => api.post<{ conversation: Conversation }>(`${base}/conversations/${id}/read`),
  assign: (id: string, assigneeId: string | null) => api.post<{ conversation: Conversation }>(`${base}/conversations/${id}/assign`, { assigneeId }),
  close: (id: string) => api.post<{ conversation: Conversation }>(`${base}/conversations/${id}/close`),
  reopen: (id: string) => api.post<{ conversation: Conversation }>(`${base}/conversations/${id}/reopen`),
  note: (id: string, body: string) => api.post<{ note: InboxNote }>(`${base}/conversations/${id}/notes`, { body }),
  reply: (id: string, body: { text: string } | { template: TemplateReply }) =>
    api.post<{ message: InboxMessage; note?: string }>(`${base}/conversations/${id}/messages`, body),
  quickReplies: (tenantId: string, signal?: AbortSignal) => api.get<{ items: QuickReply[] }>(`${base}/quick-replies`, { tenantId }, signal),
  createQuickReply: (tenantId: string, shortcut: string, body: string) => api.post<{ quickReply: QuickReply }>(`${base}/quick-replies`, { tenantId, shortcut, body }),
  updateQuickReply: (id: string, change: { shortcut?: string; body?: string }) => api.patch<{ quickReply: QuickReply }>(`${base}/quick-replies/${id}`, change),
  deleteQuickReply: (id: string) => api.del(`${base}/quick-replies/${id}`),
};

export const inboxStreamUrl = (tenantId: string) => withQuery(`${base}/stream`, { tenantId });
