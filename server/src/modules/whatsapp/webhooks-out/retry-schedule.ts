/**
 * When a failed delivery is tried again. After attempt n fails, the next waits DEFAULT_SCHEDULE[n-1]
 * (±10 % jitter, so endpoints that failed together do not all retry in the same second). Eleven
 * attempts spread over 85 h 35 min (77 h at the least jitter): a receiver that is down for three
 * days still gets every event once it is back. Seconds.
 */
export const DEFAULT_SCHEDULE: readonly number[] = [
  5, // 5 s
  5 * 60, // 5 min
  30 * 60, // 30 min
  2 * 3600, // 2 h
  5 * 3600, // 5 h
  10 * 3600, // 10 h
  10 * 3600, // 10 h
  14 * 3600, // 14 h
  20 * 3600, // 20 h
  24 * 3600, // 24 h
];

export const JITTER = 0.1;
/** A Retry-After longer than this is cut to it: one day. */
export const MAX_RETRY_AFTER_SECONDS = 24 * 3600;

/** Attempts a delivery gets in all: the first and one per scheduled delay. */
export const maxAttempts = (schedule: readonly number[]) => schedule.length + 1;

/**
 * Milliseconds to wait after failed attempt `attempt` (1-based), or null when it was the last.
 * A Retry-After from the receiver is honoured (never retried sooner), bounded to a day, and never
 * makes the wait shorter than the schedule's, so the attempts still cover the whole period.
 */
export function retryDelayMs(
  schedule: readonly number[],
  attempt: number,
  opts: { retryAfterSeconds?: number | null; random?: () => number; maxRetryAfterSeconds?: number } = {},
): number | null {
  const base = schedule[attempt - 1];
  if (base === undefined) return null;
  const random = opts.random ?? Math.random;
  const jittered = base * 1000 * (1 - JITTER + 2 * JITTER * random());
  const asked = opts.retryAfterSeconds === null || opts.retryAfterSeconds === undefined ? 0 : Math.min(opts.retryAfterSeconds, opts.maxRetryAfterSeconds ?? MAX_RETRY_AFTER_SECONDS) * 1000;
  return Math.round(Math.max(jittered, asked));
}

/** `Retry-After` as seconds from `now`: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: Date): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return null;
  const text = raw.trim();
  if (/^\d+$/.test(text)) return Number(text);
  // An HTTP date names its day and month in letters; Date.parse alone would also take "-5" as a year.
  if (!/^[A-Za-z]{3}, /.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}
