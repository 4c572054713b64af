/** WhatsApp message templates (server: server/src/modules/whatsapp/templates). */
import { api } from './client';

export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
export const TEMPLATE_CATEGORIES: readonly TemplateCategory[] = ['MARKETING', 'UTILITY', 'AUTHENTICATION'];
export type ParameterFormat = 'POSITIONAL' | 'NAMED';
/** The statuses people filter by; Meta may report others, which are shown as they come. */
export const TEMPLATE_STATUSES = ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED', 'IN_APPEAL', 'DELETED'] as const;

/** One of Meta's component objects (HEADER, BODY, FOOTER, BUTTONS). */
export type TemplateComponent = Record<string, unknown> & { type: string };

export interface Template {
  id: string;
  wabaId: string;
  numberId: string | null;
  metaTemplateId: string | null;
  name: string;
  language: string;
  category: string;
  requestedCategory: string | null;
  parameterFormat: ParameterFormat;
  components: TemplateComponent[];
  status: string;
  reason: string | null;
  rejectionInfo: { reason?: string; recommendation?: string } | null;
  otherInfo: { title?: string; description?: string } | null;
  disableInfo: { disable_date?: string } | null;
  statusAt: string;
  qualityScore: string | null;
  source: 'platform' | 'meta';
  notice: { code: string; message: string } | null;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  deletedAt: string | null;
}

export interface RenderedTemplate {
  header: { format: string; text?: string; media?: Record<string, unknown> } | null;
  body: string;
  footer: string | null;
  buttons: { type: string; text: string; url?: string; phoneNumber?: string; code?: string }[];
  text: string;
}

export interface TemplateEvent {
  event: string;
  status: string;
  reason: string | null;
  details: Record<string, unknown>;
  source: 'platform' | 'webhook' | 'sync';
  occurredAt: string;
  recordedAt: string;
  applied: boolean;
}

export interface TemplateIssue {
  field: string;
  message: string;
}

export interface TemplateAccount {
  wabaId: string;
  numbers: { id: string; label: string; displayPhoneNumber: string | null; verifiedName: string | null; status: string }[];
  sync: { lastSyncedAt: string | null; lastError: string | null; backoffUntil: string | null; running: boolean };
}

export interface SyncResult {
  wabaId: string;
  state: 'synced' | 'busy' | 'rate_limited' | 'no_number' | 'unavailable' | 'failed';
  counts?: { seen: number; added: number; changed: number; removed: number };
  retryAt?: string;
  error?: string;
}

export interface TemplateFilters {
  numberId?: string;
  status?: string;
  category?: string;
  language?: string;
  q?: string;
  limit: number;
  offset: number;
}

export interface TemplateDraft {
  name?: string;
  language?: string;
  category?: TemplateCategory;
  parameterFormat?: ParameterFormat;
  components: TemplateComponent[];
}

export const templatesApi = {
  list: (filters: TemplateFilters, signal?: AbortSignal) =>
    api.get<{ items: Template[]; total: number }>('/api/whatsapp/templates', { ...filters }, signal),
  accounts: (signal?: AbortSignal) => api.get<{ items: TemplateAccount[] }>('/api/whatsapp/templates/accounts', {}, signal),
  languages: (signal?: AbortSignal) =>
    api.get<{ items: { code: string; name: string }[] }>('/api/whatsapp/templates/languages', {}, signal),
  get: (id: string, signal?: AbortSignal) =>
    api.get<{ template: Template; events: TemplateEvent[]; preview: RenderedTemplate }>(
      `/api/whatsapp/templates/${encodeURIComponent(id)}`,
      {},
      signal,
    ),
  create: (input: TemplateDraft & { numberId: string; name: string; language: string; category: TemplateCategory }) =>
    api.post<{ template: Template }>('/api/whatsapp/templates', input),
  previewDraft: (draft: TemplateDraft) =>
    api.post<{ preview: RenderedTemplate; issues: TemplateIssue[] }>('/api/whatsapp/templates/preview', draft),
  remove: (id: string) => api.del<{ template: Template }>(`/api/whatsapp/templates/${encodeURIComponent(id)}`),
  sync: (numberId?: string) =>
    api.post<{ results: SyncResult[] }>('/api/whatsapp/templates/sync', numberId ? { numberId } : {}),
};
