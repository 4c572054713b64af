import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SCHEDULE, JITTER, maxAttempts, parseRetryAfter, retryDelayMs } from './retry-schedule.js';

const HOUR = 3600 * 1000;

describe('retry schedule', () => {
  test('the documented waits: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, 14 h, 20 h, 24 h; eleven attempts in all', () => {
    const waits = DEFAULT_SCHEDULE.map((_, i) => retryDelayMs(DEFAULT_SCHEDULE, i + 1, { random: () => 0.5 }));
    assert.deepEqual(waits, [5_000, 300_000, 1_800_000, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR, 14 * HOUR, 20 * HOUR, 24 * HOUR]);
    assert.equal(maxAttempts(DEFAULT_SCHEDULE), 11);
    assert.equal(retryDelayMs(DEFAULT_SCHEDULE, 11), null, 'the eleventh failure is the last');
  });

  test('attempts cover more than three days even with the shortest jitter, and less than four with the longest', () => {
    const total = (r: number) => DEFAULT_SCHEDULE.reduce((sum, _, i) => sum + retryDelayMs(DEFAULT_SCHEDULE, i + 1, { random: () => r })!, 0);
    assert.ok(total(0) >= 72 * HOUR, `${total(0) / HOUR} h`);
    assert.ok(total(0.999999) < 96 * HOUR, `${total(1) / HOUR} h`);
    assert.equal(Math.round(total(0.5) / 60_000), 85 * 60 + 35);
  });

  test('jitter stays within ±10 %', () => {
    assert.equal(retryDelayMs([100], 1, { random: () => 0 }), 90_000);
    assert.equal(JITTER, 0.1);
    assert.equal(retryDelayMs([100], 1, { random: () => 1 }), 110_000);
  });

  test('Retry-After is honoured when longer than the schedule, bounded to a day, and never shortens a wait', () => {
    const r = { random: () => 0.5 };
    assert.equal(retryDelayMs(DEFAULT_SCHEDULE, 1, { ...r, retryAfterSeconds: 120 }), 120_000);
    assert.equal(retryDelayMs(DEFAULT_SCHEDULE, 2, { ...r, retryAfterSeconds: 1 }), 300_000);
    assert.equal(retryDelayMs(DEFAULT_SCHEDULE, 1, { ...r, retryAfterSeconds: 30 * 24 * 3600 }), 24 * HOUR);
    assert.equal(retryDelayMs(DEFAULT_SCHEDULE, 1, { ...r, retryAfterSeconds: 600, maxRetryAfterSeconds: 60 }), 60_000);
  });

  test('Retry-After reads delta-seconds and HTTP dates', () => {
    const now = new Date('2026-03-01T10:00:00Z');
    assert.equal(parseRetryAfter('120', now), 120);
    assert.equal(parseRetryAfter(['7'], now), 7);
    assert.equal(parseRetryAfter('Sun, 01 Mar 2026 10:05:00 GMT', now), 300);
    assert.equal(parseRetryAfter('Sun, 01 Mar 2026 09:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), null);
    assert.equal(parseRetryAfter(undefined, now), null);
    assert.equal(parseRetryAfter('-5', now), null);
  });
});
