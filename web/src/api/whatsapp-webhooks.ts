/** Customer webhook endpoints and their delivery log (server: server/src/modules/whatsapp/webhooks-out). */
import { api } from './client';

// The server's own list (a file without imports); the endpoint list also carries it as `eventTypes`.
export { ALL_EVENTS, type EventType } from '../../../server/src/modules/whatsapp/webhooks-out/event-types';

export type EndpointFormat = 'standard' | 'meta';
export type DeliveryState = 'pending' | 'succeeded' | 'failed';

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  /** Event types, or ['*'] for every type. */
  eventTypes: string[];
  /** null = every number. */
  numberIds: string[] | null;
  format: EndpointFormat;
  status: 'enabled' | 'disabled';
  disabledReason: 'manual' | 'gone' | 'failing' | null;
  disabledAt: string | null;
  failingSince: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  secretRotatedAt: string | null;
  previousSecretExpiresAt: string | null;
  pendingDeliveries: number;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookNumber {
  id: string;
  label: string;
  displayPhoneNumber: string | null;
  phoneNumberId: string;
  status: string;
}

export interface EndpointList {
  items: WebhookEndpoint[];
  eventTypes: string[];
  numbers: WebhookNumber[];
}

export interface EndpointInput {
  url: string;
  description: string;
  eventTypes: string[];
  numberIds: string[] | null;
  format: EndpointFormat;
}

export interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  origin: 'event' | 'replay' | 'test';
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  completedAt: string | null;
}

export interface Attempt {
  attempt: number;
  startedAt: string;
  durationMs: number;
  statusCode: number | null;
  responseBody: string | null;
  error: string | null;
  success: boolean;
  nextAttemptAt: string | null;
}

export interface DeliveryDetail {
  delivery: Delivery;
  attempts: Attempt[];
  payload: string;
}

export interface DeliveryFilters {
  state?: DeliveryState | undefined;
  eventType?: string | undefined;
  limit: number;
  offset: number;
}

const base = '/api/whatsapp/webhooks';

export const webhooksApi = {
  list: (signal?: AbortSignal) => api.get<EndpointList>(base, {}, signal),
  get: (id: string, signal?: AbortSignal) => api.get<{ endpoint: WebhookEndpoint }>(`${base}/${id}`, {}, signal),
  create: (input: EndpointInput) => api.post<{ endpoint: WebhookEndpoint; secret: string }>(base, input),
  update: (id: string, input: Partial<EndpointInput>) => api.patch<{ endpoint: WebhookEndpoint }>(`${base}/${id}`, input),
  remove: (id: string) => api.del(`${base}/${id}`),
  setEnabled: (id: string, enabled: boolean) => api.post<{ endpoint: WebhookEndpoint }>(`${base}/${id}/${enabled ? 'enable' : 'disable'}`),
  rotateSecret: (id: string) => api.post<{ endpoint: WebhookEndpoint; secret: string }>(`${base}/${id}/rotate-secret`),
  secret: (id: string) => api.get<{ secret: string; previousSecretExpiresAt: string | null }>(`${base}/${id}/secret`),
  test: (id: string) => api.post<{ deliveryId: string; eventId: string }>(`${base}/${id}/test`),
  deliveries: (id: string, f: DeliveryFilters, signal?: AbortSignal) =>
    api.get<{ items: Delivery[]; total: number }>(`${base}/${id}/deliveries`, { state: f.state, eventType: f.eventType, limit: f.limit, offset: f.offset }, signal),
  delivery: (id: string, deliveryId: string, signal?: AbortSignal) => api.get<DeliveryDetail>(`${base}/${id}/deliveries/${deliveryId}`, {}, signal),
  replayDelivery: (id: string, deliveryId: string) => api.post<{ deliveryId: string }>(`${base}/${id}/deliveries/${deliveryId}/replay`),
  replaySince: (id: string, input: { since: string; onlyUndelivered: boolean }) => api.post<{ queued: number }>(`${base}/${id}/replay`, input),
};
