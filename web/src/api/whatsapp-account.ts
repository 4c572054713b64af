/** WhatsApp numbers, API keys, prices and usage (server: server/src/modules/whatsapp/{numbers,api-keys,billing}). */
import { api } from './client';

export type NumberStatus = 'connected' | 'error' | 'disconnected';

export interface WaNumber {
  id: string;
  label: string;
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string | null;
  verifiedName: string | null;
  qualityRating: string | null;
  messagingLimitTier: string | null;
  throughputLevel: string | null;
  mps: number;
  status: NumberStatus;
  lastCheckedAt: string | null;
  lastError: { code: string; message: string } | null;
  tokenRotatedAt: string | null;
  hasAppSecret: boolean;
  hasVerifyToken: boolean;
  createdAt: string;
  updatedAt: string;
  disconnectedAt: string | null;
}

export interface NumberList {
  items: WaNumber[];
  whatsappAvailable: boolean;
  simulatorAvailable: boolean;
  webhookUrl: string;
}

export interface ConnectInput {
  label?: string;
  wabaId: string;
  phoneNumberId: string;
  accessToken: string;
  appSecret?: string;
  verifyToken?: string;
}

export interface NumberSettings {
  label?: string;
  appSecret?: string | null;
  verifyToken?: string | null;
}

export const SCOPES = [
  'messages:send',
  'messages:read',
  'media:write',
  'media:read',
  'contacts:read',
  'contacts:write',
  'templates:read',
  'templates:write',
  'webhooks:read',
  'webhooks:write',
] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  numberIds: string[] | null;
  state: 'active' | 'expired' | 'revoked';
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  revokedAt: string | null;
}

export interface CreateKeyInput {
  name: string;
  scopes: Scope[];
  numberIds: string[] | null;
  expiresAt: string | null;
}

export interface KeyUsage {
  key: ApiKey;
  from: string;
  to: string;
  total: { messages: number; failed: number; chargedPaise: number };
  days: { day: string; messages: number; failed: number; chargedPaise: number }[];
}

export const PRICE_CATEGORIES = ['marketing', 'utility', 'authentication', 'authentication_international', 'service'] as const;
export type PriceCategory = (typeof PRICE_CATEGORIES)[number];

export interface CustomerPrice {
  category: PriceCategory;
  countryCode: string;
  pricePaise: number;
  effectiveFrom: string;
  state: 'current' | 'scheduled';
}

export interface AdminPrice {
  id: string;
  category: PriceCategory;
  countryCode: string;
  metaRateMillipaise: number;
  markupBps: number;
  pricePaise: number;
  effectiveFrom: string;
  state: 'current' | 'scheduled' | 'superseded';
  createdAt: string;
  createdBy: { id: string; name: string } | null;
}

export interface AddPriceInput {
  category: PriceCategory;
  countryCode: string;
  metaRatePaise: string;
  markupBps: number;
  effectiveFrom?: string;
}

export const MESSAGE_STATUSES = ['queued', 'accepted', 'sent', 'delivered', 'read', 'failed', 'received'] as const;

export interface UsageSummary {
  outbound: number;
  inbound: number;
  chargedPaise: number;
  pendingPaise: number;
  byStatus: Record<(typeof MESSAGE_STATUSES)[number], number>;
  byCategory: { category: string; messages: number; chargedPaise: number }[];
}

export interface TenantUsage {
  from: string;
  to: string;
  totals: UsageSummary;
  numbers: (UsageSummary & { numberId: string; label: string; phoneNumberId: string; displayPhoneNumber: string | null; status: string })[];
  days: { day: string; outbound: number; inbound: number; failed: number; chargedPaise: number }[];
}

export interface TenantTotals {
  liveNumbers: number;
  outbound: number;
  inbound: number;
  failed: number;
  chargedPaise: number;
  pendingPaise: number;
}

export interface AllTenantsUsage {
  from: string;
  to: string;
  totals: TenantTotals;
  tenants: (TenantTotals & { tenantId: string; name: string; email: string })[];
}

export interface Period {
  from?: string;
  to?: string;
}

export const numbersApi = {
  list: (signal?: AbortSignal) => api.get<NumberList>('/api/whatsapp/numbers', undefined, signal),
  connect: (input: ConnectInput) => api.post<{ number: WaNumber }>('/api/whatsapp/numbers', input),
  connectSimulator: () => api.post<{ number: WaNumber }>('/api/whatsapp/numbers/simulator', {}),
  update: (id: string, input: NumberSettings) => api.patch<{ number: WaNumber }>(`/api/whatsapp/numbers/${id}`, input),
  check: (id: string) => api.post<{ number: WaNumber }>(`/api/whatsapp/numbers/${id}/check`),
  rotateToken: (id: string, accessToken: string) => api.post<{ number: WaNumber }>(`/api/whatsapp/numbers/${id}/token`, { accessToken }),
  disconnect: (id: string) => api.post<{ number: WaNumber }>(`/api/whatsapp/numbers/${id}/disconnect`),
};

export const keysApi = {
  list: (signal?: AbortSignal) => api.get<{ items: ApiKey[]; limit: number }>('/api/whatsapp/keys', undefined, signal),
  create: (input: CreateKeyInput) => api.post<{ key: ApiKey; secret: string }>('/api/whatsapp/keys', input),
  revoke: (id: string) => api.post<{ key: ApiKey }>(`/api/whatsapp/keys/${id}/revoke`),
  usage: (id: string, period: Period, signal?: AbortSignal) => api.get<KeyUsage>(`/api/whatsapp/keys/${id}/usage`, { ...period }, signal),
};

export const billingApi = {
  prices: (signal?: AbortSignal) => api.get<{ items: CustomerPrice[] }>('/api/whatsapp/prices', undefined, signal),
  usage: (period: Period & { numberId?: string }, signal?: AbortSignal) => api.get<TenantUsage>('/api/whatsapp/usage', { ...period }, signal),
  adminPrices: (history: boolean, signal?: AbortSignal) =>
    api.get<{ items: AdminPrice[] }>('/api/admin/whatsapp/prices', history ? { history: 'true' } : undefined, signal),
  addPrice: (input: AddPriceInput) => api.post<{ price: AdminPrice }>('/api/admin/whatsapp/prices', input),
  cancelPrice: (id: string) => api.del(`/api/admin/whatsapp/prices/${id}`),
  adminUsage: (period: Period, signal?: AbortSignal) => api.get<AllTenantsUsage>('/api/admin/whatsapp/usage', { ...period }, signal),
  adminTenantUsage: (tenantId: string, period: Period, signal?: AbortSignal) =>
    api.get<{ tenant: { id: string; name: string; email: string }; usage: TenantUsage }>(`/api/admin/whatsapp/usage/${tenantId}`, { ...period }, signal),
};
