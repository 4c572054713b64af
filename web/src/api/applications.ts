/** Service applications: types and requests (server: server/src/modules/applications). */
import { ApiError, NETWORK_ERROR, api, getCsrfToken } from './client';
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

/**
 * Uploads one file as multipart/form-data with upload progress (fetch cannot report it), sending the
 * CSRF token like every other change. Refusals come back as ApiError with the server's code.
 */
function uploadFile(url: string, file: File, onProgress: (fraction: number) => void): Promise<ApplicationDocument> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('Accept', 'application/json');
    const csrf = getCsrfToken();
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, NETWORK_ERROR, 'Could not reach the server. Check your connection and try again.'));
    xhr.onload = () => {
      let body: { document?: ApplicationDocument; error?: { code?: string; message?: string; requestId?: string } } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        // not JSON (a proxy error page)
      }
      if (xhr.status === 201 && body.document) resolve(body.document);
      else
        reject(
          new ApiError(xhr.status, body.error?.code ?? `http_${xhr.status}`, body.error?.message ?? xhr.statusText, {
            ...(body.error?.requestId ? { requestId: body.error.requestId } : {}),
          }),
        );
    };
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}

export const uploadApplicationDocument = (id: string, key: string, file: File, onProgress: (fraction: number) => void) =>
  uploadFile(path(id, `/documents/${encodeURIComponent(key)}`), file, onProgress);

export const uploadApplicationOutput = (id: string, file: File, onProgress: (fraction: number) => void) => uploadFile(staffPath(id, '/outputs'), file, onProgress);
