/** Support tickets and the grievance officer (server: server/src/modules/support). */
import { api, uploadWithProgress } from './client';

import type { LinkType, Priority, TicketCategory, TicketState } from '../../../server/src/modules/support/support.rules';

// The server's own lists (support.rules.ts has no imports).
export { CATEGORIES, LINK_TYPES, PRIORITIES, TICKET_STATES } from '../../../server/src/modules/support/support.rules';
export type { LinkType, Priority, TicketCategory, TicketState };

export interface Attachment {
  id: string;
  contentType: string;
  sizeBytes: number;
  width: number | null;
  height: number | null;
  /** A link valid for five minutes, only for the person it was made for. */
  url: string;
  urlExpiresAt: string;
}

export interface TicketMessage {
  id: string;
  author: { name: string; role: 'customer' | 'staff' };
  internal: boolean;
  body: string;
  createdAt: string;
  attachments: Attachment[];
}

export interface TicketEvent {
  id: string;
  kind: 'state' | 'priority' | 'assignee';
  from: string | null;
  to: string | null;
  actorName: string | null;
  createdAt: string;
}

export interface TicketSummary {
  id: string;
  reference: string;
  subject: string;
  category: TicketCategory;
  state: TicketState;
  link: { type: LinkType; id: string } | null;
  createdAt: string;
  updatedAt: string;
  lastMessageAt: string;
  resolvedAt: string | null;
  closedAt: string | null;
  reopenUntil: string | null;
}

export interface CustomerTicket {
  ticket: TicketSummary & { canReply: boolean; canReopen: boolean; canResolve: boolean };
  messages: TicketMessage[];
  events: TicketEvent[];
}

export interface Sla {
  firstResponseDueAt: string;
  resolutionDueAt: string;
  firstRespondedAt: string | null;
  firstResponseOverdue: boolean;
  resolutionOverdue: boolean;
}

export interface StaffTicket {
  ticket: TicketSummary & {
    priority: Priority;
    assignee: { id: string; name: string } | null;
    customer: { id: string; name: string; email: string; mobile: string | null };
    sla: Sla;
    reopenCount: number;
    allowedStates: TicketState[];
    canReply: boolean;
  };
  messages: TicketMessage[];
  events: TicketEvent[];
}

export interface QueueItem extends TicketSummary {
  priority: Priority;
  customer: { id: string; name: string; email: string };
  assignee: { id: string; name: string } | null;
  sla: Sla;
  ageSeconds: number;
}

export interface QueueFilters {
  state?: TicketState | undefined;
  category?: TicketCategory | undefined;
  priority?: Priority | undefined;
  assignee?: string | undefined;
  minAgeHours?: number | undefined;
  overdue?: boolean | undefined;
  q?: string | undefined;
  limit: number;
  offset: number;
}

export interface GrievanceOfficer {
  name: string;
  email: string;
  phone: string | null;
}

export interface NewTicket {
  subject: string;
  category: TicketCategory;
  message: string;
  link?: { type: LinkType; id: string };
  attachmentIds?: string[];
}

const id = (ticketId: string) => encodeURIComponent(ticketId);

export const supportApi = {
  grievanceOfficer: (signal?: AbortSignal) => api.get<GrievanceOfficer>('/api/support/grievance-officer', {}, signal),
  list: (q: { state?: TicketState | undefined; limit: number; offset: number }, signal?: AbortSignal) =>
    api.get<{ items: TicketSummary[]; total: number }>('/api/support/tickets', { ...q }, signal),
  open: (body: NewTicket) => api.post<CustomerTicket>('/api/support/tickets', body),
  get: (ticketId: string, signal?: AbortSignal) => api.get<CustomerTicket>(`/api/support/tickets/${id(ticketId)}`, {}, signal),
  reply: (ticketId: string, body: string, attachmentIds: string[]) => api.post<CustomerTicket>(`/api/support/tickets/${id(ticketId)}/messages`, { body, attachmentIds }),
  reopen: (ticketId: string) => api.post<CustomerTicket>(`/api/support/tickets/${id(ticketId)}/reopen`),
  resolve: (ticketId: string) => api.post<CustomerTicket>(`/api/support/tickets/${id(ticketId)}/resolve`),
};

export const staffSupportApi = {
  queue: (f: QueueFilters, signal?: AbortSignal) =>
    api.get<{ items: QueueItem[]; total: number }>('/api/staff/support/tickets', { ...f, overdue: f.overdue === undefined ? undefined : String(f.overdue) }, signal),
  assignees: (signal?: AbortSignal) => api.get<{ items: { id: string; name: string; role: string }[] }>('/api/staff/support/assignees', {}, signal),
  get: (ticketId: string, signal?: AbortSignal) => api.get<StaffTicket>(`/api/staff/support/tickets/${id(ticketId)}`, {}, signal),
  reply: (ticketId: string, body: { body: string; internal?: boolean; state?: 'waiting_on_customer' | 'resolved'; attachmentIds?: string[] }) =>
    api.post<StaffTicket>(`/api/staff/support/tickets/${id(ticketId)}/messages`, body),
  move: (ticketId: string, state: TicketState) => api.post<StaffTicket>(`/api/staff/support/tickets/${id(ticketId)}/state`, { state }),
  update: (ticketId: string, changes: { priority?: Priority; assigneeId?: string | null }) => api.patch<StaffTicket>(`/api/staff/support/tickets/${id(ticketId)}`, changes),
};

/** Uploads one file for a ticket message; the returned id goes with the message. */
export const uploadSupportAttachment = (file: File, onProgress: (fraction: number) => void) =>
  uploadWithProgress<Attachment>('/api/support/attachments', file, 'attachment', onProgress);
