import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppError } from '../../../platform/errors.js';
import { KeyRateLimiter, ThroughputPacer, type SlotClaim } from './pacing.js';

/**
 * The pacer and the key limiter on a simulated clock: time moves only when the code sleeps, so
 * every assertion is about counts, never about how long something took.
 */

function fakeClock(start = 1_000_000_000_000) {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
      await Promise.resolve();
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** One shared per-second counter for any number of pacers: the database's role. */
function sharedCounter(clock: { now(): number }) {
  const windows = new Map<string, number>();
  const claim: SlotClaim = async (numberId, mps, want) => {
    const k = `${numberId}:${Math.floor(clock.now() / 1000)}`;
    const hits = (windows.get(k) ?? 0) + want;
    windows.set(k, hits);
    return Math.max(0, Math.min(want, mps - (hits - want)));
  };
  return { claim, windows };
}

test('sends of one number never exceed its mps in any second, across two processes sharing the counter', async () => {
  const clock = fakeClock();
  const { claim } = sharedCounter(clock);
  const a = new ThroughputPacer({ claim, maxWaitMs: 60_000, clock });
  const b = new ThroughputPacer({ claim, maxWaitMs: 60_000, clock });
  const sentAt: number[] = [];
  const mps = 20;
  await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      (i % 2 ? a : b).acquire('n1', mps).then(() => {
        sentAt.push(clock.now());
      }),
    ),
  );
  assert.equal(sentAt.length, 100);
  const perSecond = new Map<number, number>();
  for (const at of sentAt) perSecond.set(Math.floor(at / 1000), (perSecond.get(Math.floor(at / 1000)) ?? 0) + 1);
  for (const [second, count] of perSecond) assert.ok(count <= mps, `second ${second}: ${count} sends`);
  assert.ok(perSecond.size >= 5, 'a hundred sends at 20 a second take at least five seconds');
});

test('a send beyond the rate waits in the queue; past maxWait worth of sends the pacer refuses with 429 and Retry-After', async () => {
  const clock = fakeClock();
  const { claim } = sharedCounter(clock);
  const pacer = new ThroughputPacer({ claim, maxWaitMs: 2_000, clock });
  const mps = 2;
  const results = await Promise.allSettled(Array.from({ length: 10 }, () => pacer.acquire('n2', mps)));
  const refused = results.filter((r) => r.status === 'rejected');
  const passed = results.filter((r) => r.status === 'fulfilled');
  // Capacity is mps × 2 s = 4 waiting; whatever goes at once does not wait.
  assert.ok(passed.length >= 4 && passed.length <= 6, `passed ${passed.length}`);
  assert.equal(refused.length, 10 - passed.length);
  for (const r of refused) {
    const err = (r as PromiseRejectedResult).reason as AppError;
    assert.equal(err.status, 429);
    assert.equal(err.code, 'throughput_exceeded');
    assert.ok(Number(err.headers?.['retry-after']) >= 1);
  }
});

test('numbers are paced independently', async () => {
  const clock = fakeClock();
  const { claim } = sharedCounter(clock);
  const pacer = new ThroughputPacer({ claim, maxWaitMs: 0, clock });
  await pacer.acquire('busy', 1);
  await assert.rejects(pacer.acquire('busy', 1), (e: AppError) => e.status === 429);
  await pacer.acquire('quiet', 1);
});

test('after Meta’s 130429 the number pauses for Retry-After', async () => {
  const clock = fakeClock();
  const { claim } = sharedCounter(clock);
  const pacer = new ThroughputPacer({ claim, maxWaitMs: 10_000, clock });
  await pacer.acquire('n3', 100);
  const pausedAt = clock.now();
  pacer.pause('n3', 3);
  await pacer.acquire('n3', 100);
  assert.ok(clock.now() - pausedAt >= 3_000, 'the next send waited out the pause');
});

test('a shared counter that cannot be reached refuses what waits instead of sending unpaced', async () => {
  const clock = fakeClock();
  const pacer = new ThroughputPacer({ claim: async () => Promise.reject(new Error('database down')), maxWaitMs: 1_000, clock });
  await assert.rejects(pacer.acquire('n4', 10), /database down/);
});

test('the key limiter allows its rate, refuses the excess with 429, and refills with time', () => {
  const clock = fakeClock();
  const limiter = new KeyRateLimiter({ flush: async () => ({ hits: 0, resetInSeconds: 10 }), ratePerSecond: 5, clock });
  for (let i = 0; i < 5; i++) limiter.take('k');
  assert.throws(
    () => limiter.take('k'),
    (e: AppError) => e.status === 429 && e.code === 'rate_limited' && Number(e.headers?.['retry-after']) >= 1,
  );
  limiter.take('other');
  clock.advance(1_000);
  for (let i = 0; i < 5; i++) limiter.take('k');
});

test('the key limiter stops a key everywhere once the shared window is over the limit', async () => {
  const clock = fakeClock();
  let total = 0;
  const flush = async (_key: string, count: number) => {
    total += count;
    return { hits: total, resetInSeconds: 7 };
  };
  const one = new KeyRateLimiter({ flush, ratePerSecond: 10, windowSeconds: 1, clock });
  const two = new KeyRateLimiter({ flush, ratePerSecond: 10, windowSeconds: 1, clock });
  // Each process alone stays within its bucket; together they pass the shared limit of 10.
  for (let i = 0; i < 8; i++) one.take('k');
  for (let i = 0; i < 8; i++) two.take('k');
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  await tick();
  assert.ok(total > 10);
  // Each process learns it at its next flush: the one that flushed last already knows.
  assert.throws(() => two.take('k'), (e: AppError) => e.status === 429 && Number(e.headers?.['retry-after']) === 7);
  try {
    one.take('k');
  } catch {
    // It may have known already.
  }
  await tick();
  assert.throws(() => one.take('k'), (e: AppError) => e.status === 429);
  clock.advance(7_000);
  one.take('k');
});
