import type { Queryable } from '../../../db/index.js';
import type { AppError} from '../../../platform/errors.js';
import { tooManyRequests } from '../../../platform/errors.js';
import { GroupCommit } from '../../../platform/group-commit.js';

/**
 * Rate limits of the send path, fast enough for 1,000 sends a second and right across instances
 * (README.md beside this file, "Rate limits and pacing"). A counter in the database per request would
 * put a row lock on every send; instead each process decides locally and settles with the others
 * through the shared fixed-window counters (platform/rate-limit.ts) once per batch:
 *
 *  - ThroughputPacer: a number may send `mps` messages a second (Meta's throughput; over it Meta
 *    answers 130429). Each process claims the number's slots of the current second from one shared
 *    counter in batches of ~1/10 of mps, and spaces its own sends with a token bucket (rate mps,
 *    burst 100 ms worth) so a batch does not leave as one burst. A send without a slot waits in a
 *    FIFO queue of at most `maxWaitMs` worth of sends; past that it is refused with 429.
 *  - KeyRateLimiter: requests per API key. A local token bucket answers at once; the process adds
 *    its count to a shared 10-second window every ~1/10 of the limit or 250 ms, and when the window
 *    is over the limit every process refuses the key until it ends.
 */

interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

export const throughputRefusal = (retryAfterSeconds: number) =>
  tooManyRequests(
    "This phone number is sending as fast as its WhatsApp throughput allows and too many messages are waiting. Slow down and send again shortly.",
    retryAfterSeconds,
    'throughput_exceeded',
  );

// ---- per number ---------------------------------------------------------------------------------

/** Claims up to `want` send slots of the number for the current second; answers how many it got. */
export type SlotClaim = (numberId: string, mps: number, want: number) => Promise<number>;

/** Slots counted in the database, shared by every instance (a row per number in rate_limit_buckets). */
export function databaseSlotClaim(windows: SharedWindows): SlotClaim {
  return async (numberId, mps, want) => {
    const { hits } = await windows.hit(`wa:mps:${numberId}`, 1, want);
    return Math.max(0, Math.min(want, mps - (hits - want)));
  };
}

/**
 * The shared fixed windows (platform/rate-limit.ts, table rate_limit_buckets) with the hits of
 * concurrent callers — slot claims of many numbers, counts of many keys — added in one statement.
 */
export function createSharedWindows(q: Queryable) {
  interface Hit {
    key: string;
    windowSeconds: number;
    by: number;
  }
  const group = new GroupCommit<Hit, { hits: number; resetInSeconds: number }>(async (items) => {
    // One statement may change a row once: a key that comes again goes to the next statement.
    const parts: { hits: Hit[]; keys: Set<string> }[] = [];
    for (const h of items) {
      let part = parts.find((p) => !p.keys.has(h.key));
      if (!part) parts.push((part = { hits: [], keys: new Set() }));
      part.hits.push(h);
      part.keys.add(h.key);
    }
    const nowMs = Date.now();
    const starts = new Map<Hit, Date>(items.map((h) => [h, new Date(Math.floor(nowMs / (h.windowSeconds * 1000)) * h.windowSeconds * 1000)]));
    const totals = new Map<Hit, number>();
    for (const { hits: part } of parts) {
      const rows = await q.query<{ key: string; hits: number }>(
        `INSERT INTO rate_limit_buckets (key, window_start, hits)
         SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::int[])
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN rate_limit_buckets.window_start = EXCLUDED.window_start
                       THEN rate_limit_buckets.hits + EXCLUDED.hits ELSE EXCLUDED.hits END,
           window_start = EXCLUDED.window_start
         RETURNING key, hits`,
        [part.map((h) => h.key), part.map((h) => starts.get(h)!), part.map((h) => h.by)],
      );
      const byKey = new Map(rows.map((r) => [r.key, r.hits]));
      for (const h of part) totals.set(h, byKey.get(h.key) ?? h.by);
    }
    return items.map((h) => ({ hits: totals.get(h)!, resetInSeconds: (starts.get(h)!.getTime() + h.windowSeconds * 1000 - nowMs) / 1000 }));
  });
  return {
    hit: (key: string, windowSeconds: number, by: number) => group.submit({ key, windowSeconds, by }),
  };
}

export type SharedWindows = ReturnType<typeof createSharedWindows>;

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

interface Lane {
  id: string;
  mps: number;
  tokens: number;
  refilledAt: number;
  /** The second (epoch seconds) `slots` belong to. */
  second: number;
  slots: number;
  /** A second in which the shared count was already full: nothing more until it ends. */
  fullSecond: number;
  /** Meta answered 130429: no sends before this time. */
  pausedUntil: number;
  queue: Waiter[];
  pumping: boolean;
  usedAt: number;
}

export interface PacerOptions {
  claim: SlotClaim;
  /** The longest a send waits for a slot; the queue holds this much of the number's throughput. */
  maxWaitMs: number;
  clock?: Clock;
}

export class ThroughputPacer {
  private readonly lanes = new Map<string, Lane>();
  private readonly clock: Clock;

  constructor(private readonly opts: PacerOptions) {
    this.clock = opts.clock ?? realClock;
  }

  /**
   * Resolves when the number may send one message. Throws 429 throughput_exceeded at once when the
   * queue already holds `maxWaitMs` worth of the number's sends.
   */
  acquire(numberId: string, mps: number): Promise<void> {
    const lane = this.lane(numberId, mps);
    if (lane.queue.length === 0 && this.takeNow(lane)) return Promise.resolve();
    // Sends whose token is at hand only wait for a slot to be claimed; beyond them, maxWaitMs worth.
    const now = this.clock.now();
    this.refill(lane, now);
    const ready = lane.pausedUntil > now ? 0 : Math.floor(lane.tokens);
    const capacity = ready + Math.floor((mps * this.opts.maxWaitMs) / 1000);
    if (lane.queue.length >= capacity) return Promise.reject(throughputRefusal(Math.ceil((lane.queue.length + 1) / mps)));
    return new Promise<void>((resolve, reject) => {
      lane.queue.push({ resolve, reject });
      if (!lane.pumping) void this.pump(lane);
    });
  }

  /** Meta said the number is over its throughput (130429): hold its sends for `seconds`. */
  pause(numberId: string, seconds: number): void {
    const lane = this.lanes.get(numberId);
    if (lane) lane.pausedUntil = Math.max(lane.pausedUntil, this.clock.now() + seconds * 1000);
  }

  /** Sends waiting for a slot, per number (for tests and diagnostics). */
  waiting(numberId: string): number {
    return this.lanes.get(numberId)?.queue.length ?? 0;
  }

  private lane(id: string, mps: number): Lane {
    const now = this.clock.now();
    let lane = this.lanes.get(id);
    if (!lane) {
      if (this.lanes.size >= 10_000) this.sweep(now);
      lane = { id, mps, tokens: burstOf(mps), refilledAt: now, second: 0, slots: 0, fullSecond: -1, pausedUntil: 0, queue: [], pumping: false, usedAt: now };
      this.lanes.set(id, lane);
    }
    lane.mps = mps;
    lane.usedAt = now;
    return lane;
  }

  private sweep(now: number): void {
    for (const [id, lane] of this.lanes) if (!lane.pumping && lane.queue.length === 0 && now - lane.usedAt > 60_000) this.lanes.delete(id);
  }

  private refill(lane: Lane, now: number): void {
    lane.tokens = Math.min(burstOf(lane.mps), lane.tokens + ((now - lane.refilledAt) * lane.mps) / 1000);
    lane.refilledAt = now;
  }

  /** Takes a token and a slot without waiting, when both are at hand (no database call). */
  private takeNow(lane: Lane): boolean {
    const now = this.clock.now();
    if (lane.pausedUntil > now) return false;
    this.refill(lane, now);
    const second = Math.floor(now / 1000);
    if (lane.second !== second) {
      lane.second = second;
      lane.slots = 0;
    }
    if (lane.tokens < 1 || lane.slots < 1) return false;
    lane.tokens -= 1;
    lane.slots -= 1;
    return true;
  }

  /** Milliseconds until the next send of this lane may go; 0 = one was taken now. */
  private async readyIn(lane: Lane): Promise<number> {
    const now = this.clock.now();
    if (lane.pausedUntil > now) return lane.pausedUntil - now;
    if (this.takeNow(lane)) return 0;
    if (lane.tokens < 1) return Math.max(1, Math.ceil(((1 - lane.tokens) * 1000) / lane.mps));
    const second = Math.floor(now / 1000);
    const endOfSecond = (second + 1) * 1000 - now;
    if (lane.fullSecond === second) return endOfSecond;
    const granted = await this.opts.claim(lane.id, lane.mps, batchOf(lane.mps));
    if (granted <= 0) {
      lane.fullSecond = second;
      return Math.max(1, (second + 1) * 1000 - this.clock.now());
    }
    // The claim counted in the window of its own moment; if the second rolled over meanwhile, the
    // slots are used in the new one (Meta's window rolled too).
    const current = Math.floor(this.clock.now() / 1000);
    if (lane.second !== current) {
      lane.second = current;
      lane.slots = 0;
    }
    lane.slots += granted;
    return this.takeNow(lane) ? 0 : 1;
  }

  private async pump(lane: Lane): Promise<void> {
    lane.pumping = true;
    try {
      while (lane.queue.length) {
        let wait: number;
        try {
          wait = await this.readyIn(lane);
        } catch (err) {
          // The shared counter is unreachable: refuse what waits rather than send unpaced.
          for (const w of lane.queue.splice(0)) w.reject(err);
          return;
        }
        if (wait === 0) lane.queue.shift()!.resolve();
        else await this.clock.sleep(wait);
      }
    } finally {
      lane.pumping = false;
    }
  }
}

/** A tenth of a second of the number's throughput: the local burst and the shared claim size. */
const burstOf = (mps: number) => Math.max(1, Math.ceil(mps / 10));
const batchOf = (mps: number) => Math.min(100, burstOf(mps));

// ---- per API key ----------------------------------------------------------------------------------

/** Adds `count` hits to the key's shared window of `windowSeconds`; answers the window's total. */
export type WindowFlush = (key: string, count: number, windowSeconds: number) => Promise<{ hits: number; resetInSeconds: number }>;

export function databaseWindowFlush(windows: SharedWindows): WindowFlush {
  return (key, count, windowSeconds) => windows.hit(`wa:key:${key}`, windowSeconds, count);
}

interface KeyState {
  tokens: number;
  refilledAt: number;
  pending: number;
  flushing: boolean;
  blockedUntil: number;
}

export interface KeyLimiterOptions {
  flush: WindowFlush;
  /** Requests a second per key. */
  ratePerSecond: number;
  windowSeconds?: number;
  clock?: Clock;
  onError?: (err: unknown) => void;
}

export class KeyRateLimiter {
  private readonly keys = new Map<string, KeyState>();
  private readonly clock: Clock;
  private readonly windowSeconds: number;
  private sweeping = false;

  constructor(private readonly opts: KeyLimiterOptions) {
    this.clock = opts.clock ?? realClock;
    this.windowSeconds = opts.windowSeconds ?? 10;
  }

  /** Counts one request of `keyId`; throws 429 rate_limited (with Retry-After) over the limit. */
  take(keyId: string): void {
    const rate = this.opts.ratePerSecond;
    const now = this.clock.now();
    let s = this.keys.get(keyId);
    if (!s) {
      if (this.keys.size >= 10_000) this.sweep(now);
      s = { tokens: rate, refilledAt: now, pending: 0, flushing: false, blockedUntil: 0 };
      this.keys.set(keyId, s);
    }
    if (s.blockedUntil > now) throw this.refusal((s.blockedUntil - now) / 1000);
    s.tokens = Math.min(rate, s.tokens + ((now - s.refilledAt) * rate) / 1000);
    s.refilledAt = now;
    if (s.tokens < 1) throw this.refusal((1 - s.tokens) / rate);
    s.tokens -= 1;
    s.pending += 1;
    if (!s.flushing && s.pending >= this.flushAt()) void this.flush(keyId, s);
    else this.flushSoon();
  }

  /**
   * Within 250 ms, the counts of every key not flushed meanwhile go to the shared window together
   * (one statement for all of them, SharedWindows): a quiet key costs no statement per request.
   */
  private flushSoon(): void {
    if (this.sweeping) return;
    this.sweeping = true;
    // A real timer whatever the clock: this is when to write, not what the counts mean.
    setTimeout(() => {
      this.sweeping = false;
      for (const [keyId, s] of this.keys) if (s.pending > 0 && !s.flushing && s.blockedUntil <= this.clock.now()) void this.flush(keyId, s);
    }, 250).unref();
  }

  /** Hits counted locally before they are added to the shared window: a tenth of a second's worth. */
  private flushAt(): number {
    return Math.max(1, this.opts.ratePerSecond / 10);
  }

  private refusal(seconds: number): AppError {
    return tooManyRequests(`Too many requests with this API key (the limit is ${this.opts.ratePerSecond} a second). Wait a moment and try again.`, seconds);
  }

  private async flush(keyId: string, s: KeyState): Promise<void> {
    s.flushing = true;
    const count = s.pending;
    s.pending = 0;
    try {
      const { hits, resetInSeconds } = await this.opts.flush(keyId, count, this.windowSeconds);
      if (hits > this.opts.ratePerSecond * this.windowSeconds) s.blockedUntil = this.clock.now() + resetInSeconds * 1000;
    } catch (err) {
      // The local bucket still limits this process; the shared count catches up on the next flush.
      s.pending += count;
      this.opts.onError?.(err);
    } finally {
      s.flushing = false;
    }
    // Hits that came in meanwhile go on at once when there are enough of them to matter.
    if (s.pending >= this.flushAt() && s.blockedUntil <= this.clock.now()) void this.flush(keyId, s);
  }

  private sweep(now: number): void {
    for (const [id, s] of this.keys) if (!s.flushing && now - s.refilledAt > 60_000) this.keys.delete(id);
  }
}
