/** Service applications: types and requests (server: server/src/modules/applications). */
import { api, uploadWithProgress } from './client';
import type { Bilingual, Fees, ServiceForm } from './services';

export const APPLICATION_STATES = ['draft', 'submitted', 'in_progress', 'needs_info', 'completed', 'rejected', 'cancelled'] as const;
export type ApplicationState = (typeof APPLICATION_STATES)[number];

export type ApplicationAction =
  | 'edit'
  | 'submit'
  | 'cancel'
  | 'comment'
  | 'receipt'
  | 'assign'
  | 'start'
  | 'request_info'
  | 'complete'
  | 'reject'
  | 'comment_internal'
  | 'upload_output';

export type AnswerValue = string | number | boolean;

export interface ApplicationSummary {
  id: string;
  ackNumber: string | null;
  state: ApplicationState;
  service: { id: string; slug: string; name: Bilingual };
  /** Paise held or charged; null until submitted. */
  total: number | null;
  amountPaise: number | null;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  lastSubmittedAt: string | null;
  slaDueAt: string | null;
  overdue: boolean;
}

export interface Person {
  id: string;
  name: string;
}

export interface QueueItem extends ApplicationSummary {
  customer: { id: string; name: string; email: string; mobile: string | null };
  filedBy: Person | null;
  assignedTo: Person | null;
  ageSeconds: number;
}

export interface ApplicationDocument {
  id: string;
  purpose: 'input' | 'output';
  key: string | null;
  contentType: string;
  sizeBytes: number;
  uploadedAt: string;
  /** A link valid for five minutes, only for the person it was made for. */
  url: string;
  urlExpiresAt: string;
}

export interface TimelineEvent {
  id: number;
  at: string;
  kind: string;
  fromState: ApplicationState | null;
  toState: ApplicationState | null;
  actor: { id: string | null; name: string | null; role: string } | null;
  visibility: 'customer' | 'internal';
  message: string | null;
}

export interface ApplicationDetail extends ApplicationSummary {
  formVersion: number;
  form: ServiceForm;
  answers: Record<string, AnswerValue>;
  fees: Fees & { cgst: number; sgst: number };
  /** false: an estimate from today's fees (a draft). */
  feesFinal: boolean;
  variableAmount: { minPaise: number; maxPaise: number } | null;
  kycRequired: boolean;
  turnaroundDays: number;
  documents: ApplicationDocument[];
  outputs: ApplicationDocument[];
  customer: { id: string; name: string; email: string; mobile: string | null };
  filedBy: Person | null;
  assignedTo: Person | null;
  infoRequest: string | null;
  rejectionReason: string | null;
  startedAt: string | null;
  infoRequestedAt: string | null;
  completedAt: string | null;
  rejectedAt: string | null;
  cancelledAt: string | null;
  timeline: TimelineEvent[];
  allowedActions: ApplicationAction[];
}

export interface QueueFilters {
  state?: ApplicationState | 'open' | 'closed' | 'all';
  service?: string;
  assigned?: string;
  overdue?: boolean;
  q?: string;
  sort?: 'oldest' | 'newest' | 'due';
  limit: number;
  offset: number;
}

type One = { application: ApplicationDetail };
const path = (id: string, rest = '') => `/api/applications/${encodeURIComponent(id)}${rest}`;
const staffPath = (id: string, rest: string) => `/api/staff/applications/${encodeURIComponent(id)}${rest}`;

export const applicationsApi = {
  list: (filters: { state?: ApplicationState; limit: number; offset: number }, signal?: AbortSignal) =>
    api.get<{ items: ApplicationSummary[]; total: number }>('/api/applications', { ...filters }, signal),
  get: (id: string, signal?: AbortSignal) => api.get<One>(path(id), {}, signal),
  create: (service: string) => api.post<One>('/api/applications', { service }),
  save: (id: string, answers: Record<string, AnswerValue>, amountPaise?: number | null) =>
    api.put<One>(path(id), { answers, ...(amountPaise !== undefined ? { amountPaise } : {}) }),
  submit: (id: string, answers: Record<string, AnswerValue>, amountPaise?: number | null) =>
    api.post<One>(path(id, '/submit'), { answers, ...(amountPaise !== undefined && amountPaise !== null ? { amountPaise } : {}) }),
  cancel: (id: string, reason?: string) => api.post<One>(path(id, '/cancel'), reason ? { reason } : {}),
  comment: (id: string, message: string) => api.post<One>(path(id, '/comments'), { message }),
  removeDocument: (id: string, key: string) => api.del(path(id, `/documents/${encodeURIComponent(key)}`)),
  receiptUrl: (id: string) => path(id, '/receipt.pdf'),
};

export const staffApplicationsApi = {
  queue: (filters: QueueFilters, signal?: AbortSignal) =>
    api.get<{ items: QueueItem[]; total: number }>('/api/staff/applications', { ...filters, overdue: filters.overdue ? 'true' : undefined }, signal),
  fileFor: (customerId: string, service: string) => api.post<One>('/api/staff/applications', { customerId, service }),
  assign: (id: string, operatorId: string | null) => api.post<One>(staffPath(id, '/assign'), { operatorId }),
  start: (id: string) => api.post<One>(staffPath(id, '/start')),
  requestInfo: (id: string, message: string) => api.post<One>(staffPath(id, '/request-info'), { message }),
  complete: (id: string, message: string) => api.post<One>(staffPath(id, '/complete'), message.trim() ? { message } : {}),
  reject: (id: string, reason: string) => api.post<One>(staffPath(id, '/reject'), { reason }),
  comment: (id: string, message: string, visibility: 'customer' | 'internal') => api.post<One>(staffPath(id, '/comments'), { message, visibility }),
  removeOutput: (id: string, documentId: string) => api.del(staffPath(id, `/outputs/${encodeURIComponent(documentId)}`)),
};

const uploadFile = (url: string, file: File, onProgress: (fraction: number) => void) => uploadWithProgress<ApplicationDocument>(url, file, 'document', onProgress);

export const uploadApplicationDocument = (id: string, key: string, file: File, onProgress: (fraction: number) => void) =>
  uploadFile(path(id, `/documents/${encodeURIComponent(key)}`), file, onProgress);

export const uploadApplicationOutput = (id: string, file: File, onProgress: (fraction: number) => void) => uploadFile(staffPath(id, '/outputs'), file, onProgress);
