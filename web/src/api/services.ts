/** The service catalogue: types and requests (server: server/src/modules/services). */
import { api } from './client';

export interface Bilingual {
  en: string;
  hi: string;
}

export type FieldType = 'text' | 'number' | 'date' | 'select' | 'checkbox' | 'file';
export const FIELD_TYPES: readonly FieldType[] = ['text', 'number', 'date', 'select', 'checkbox', 'file'];
export type DocumentType = 'pdf' | 'jpeg' | 'png' | 'webp';
export const DOCUMENT_TYPES: readonly DocumentType[] = ['pdf', 'jpeg', 'png', 'webp'];

export interface FieldRules {
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  patternMessage?: Bilingual;
  multiline?: boolean;
  min?: number;
  max?: number;
  integer?: boolean;
  /** YYYY-MM-DD, or relative to the day of applying: "today", "-18y", "+30d", "-6m", "+2w". */
  minDate?: string;
  maxDate?: string;
}

export interface FormField {
  key: string;
  type: FieldType;
  label: Bilingual;
  help?: Bilingual;
  required: boolean;
  rules?: FieldRules;
  options?: { value: string; label: Bilingual }[];
  /** File fields: the key of the required document they upload. */
  document?: string;
}

export interface RequiredDocument {
  key: string;
  label: Bilingual;
  types: DocumentType[];
  maxSizeBytes: number;
  required: boolean;
}

export interface FormDefinition {
  fields: FormField[];
  documents: RequiredDocument[];
}

export interface ServiceForm extends FormDefinition {
  version: number;
  publishedAt: string;
}

/** Paise. GST applies to the platform fee only. */
export interface Fees {
  platformFee: number;
  governmentFee: number;
  /** 1800 = 18 % */
  gstRateBps: number;
  gst: number;
  total: number;
}

export interface Category {
  id: string;
  slug: string;
  name: Bilingual;
}

export interface ServiceSummary {
  id: string;
  slug: string;
  name: Bilingual;
  description: Bilingual;
  category: Category;
  fees: Fees;
  /** Working days. */
  turnaroundDays: number;
  kycRequired: boolean;
  /** The customer enters the government amount (a bill, a recharge) within these limits; fees.governmentFee is then 0. */
  variableAmount: { minPaise: number; maxPaise: number } | null;
}

export interface ServiceDetail extends ServiceSummary {
  form: ServiceForm;
}

export interface AdminService extends ServiceSummary {
  active: boolean;
  categoryActive: boolean;
  sortOrder: number;
  currentFormVersion: number;
  createdAt: string;
  updatedAt: string;
}

export interface AdminServiceDetail extends AdminService {
  form: ServiceForm;
}

export interface AdminCategory extends Category {
  sortOrder: number;
  active: boolean;
  serviceCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface FormVersionSummary {
  version: number;
  publishedAt: string;
  publishedBy: { id: string; name: string } | null;
  fieldCount: number;
  documentCount: number;
}

export interface ServiceDetailsInput {
  slug: string;
  categoryId: string;
  name: Bilingual;
  description: Bilingual;
  platformFeePaise: number;
  governmentFeePaise: number;
  gstRateBps: number;
  turnaroundDays: number;
  kycRequired: boolean;
  sortOrder: number;
  variableAmount: { minPaise: number; maxPaise: number } | null;
}

export type ServiceStatusFilter = 'all' | 'active' | 'inactive';

export const servicesApi = {
  list: (filters: { q?: string; category?: string }, signal?: AbortSignal) =>
    api.get<{ items: ServiceSummary[]; total: number }>('/api/services', { ...filters, limit: 200 }, signal),
  get: (ref: string, signal?: AbortSignal) =>
    api.get<{ service: ServiceDetail }>(`/api/services/${encodeURIComponent(ref)}`, {}, signal),
  categories: (signal?: AbortSignal) =>
    api.get<{ items: (Category & { serviceCount: number })[] }>('/api/service-categories', {}, signal),
};

export const adminServicesApi = {
  list: (filters: { q?: string; category?: string; status?: ServiceStatusFilter }, signal?: AbortSignal) =>
    api.get<{ items: AdminService[]; total: number }>('/api/admin/services', { ...filters, limit: 200 }, signal),
  get: (id: string, signal?: AbortSignal) =>
    api.get<{ service: AdminServiceDetail; versions: FormVersionSummary[] }>(
      `/api/admin/services/${encodeURIComponent(id)}`,
      {},
      signal,
    ),
  create: (input: ServiceDetailsInput & { active: boolean; form: FormDefinition }) =>
    api.post<{ service: AdminServiceDetail }>('/api/admin/services', input),
  update: (id: string, changes: Partial<ServiceDetailsInput>) =>
    api.patch<{ service: AdminServiceDetail }>(`/api/admin/services/${encodeURIComponent(id)}`, changes),
  setActive: (id: string, active: boolean) =>
    api.post<{ service: AdminServiceDetail }>(
      `/api/admin/services/${encodeURIComponent(id)}/${active ? 'activate' : 'deactivate'}`,
    ),
  publishForm: (id: string, baseVersion: number, form: FormDefinition) =>
    api.post<{ service: AdminServiceDetail; created: boolean }>(
      `/api/admin/services/${encodeURIComponent(id)}/form-versions`,
      { baseVersion, form },
    ),
  categories: (signal?: AbortSignal) =>
    api.get<{ items: AdminCategory[] }>('/api/admin/service-categories', {}, signal),
  createCategory: (input: { slug: string; name: Bilingual; sortOrder: number }) =>
    api.post<{ category: AdminCategory }>('/api/admin/service-categories', input),
  updateCategory: (id: string, changes: Partial<{ slug: string; name: Bilingual; sortOrder: number; active: boolean }>) =>
    api.patch<{ category: AdminCategory }>(`/api/admin/service-categories/${encodeURIComponent(id)}`, changes),
};
