import { DEFAULT_SCHEDULE } from './retry-schedule.js';

/** Where time comes from: the dispatcher and the services take it as a dependency so tests can move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface DeliverySettings {
  /** Seconds to wait after each failed attempt (retry-schedule.ts). */
  schedule: readonly number[];
  /** Attempts in flight per process, over all endpoints. */
  concurrency: number;
  /** Attempts in flight per endpoint and process, so one slow receiver cannot take every slot. */
  perEndpoint: number;
  /** How often an idle worker looks for due deliveries. */
  pollMs: number;
  /** A claimed delivery is retried by another worker when its worker has not finished within this time. */
  leaseMs: number;
  /** Time allowed for one attempt (connect, send, answer). */
  timeoutMs: number;
  connectTimeoutMs: number;
  /** An endpoint whose every attempt failed for this long is disabled. */
  disableAfterFailingMs: number;
  /** A receiver's Retry-After is honoured up to this many seconds. */
  maxRetryAfterSeconds: number;
}

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = {
  schedule: DEFAULT_SCHEDULE,
  concurrency: 50,
  perEndpoint: 10,
  pollMs: 500,
  // Well past the longest attempt (timeout plus recording it), so a live worker never loses its row.
  leaseMs: 120_000,
  timeoutMs: 15_000,
  connectTimeoutMs: 5_000,
  disableAfterFailingMs: 5 * 24 * 3600 * 1000,
  maxRetryAfterSeconds: 24 * 3600,
};

/** Endpoints one customer may register. */
export const MAX_ENDPOINTS_PER_TENANT = 20;
/** How long a rotated-out secret keeps signing alongside the new one. */
export const PREVIOUS_SECRET_VALID_MS = 24 * 3600 * 1000;
