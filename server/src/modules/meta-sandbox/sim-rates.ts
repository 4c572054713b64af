/**
 * The simulator's two send rates, counted in this process's memory rather than in database rows: a
 * row per number updated by every send is a lock hot spot on PostgreSQL and a round trip on every
 * call, and Meta's own counters are not transactional either. The simulator serves its Graph API from
 * one process (the web server), so these counts are its whole truth.
 */
export class SimRates {
  /** numberId → calls in the current whole second (Meta counts every call, accepted or not). */
  private readonly calls = new Map<string, { second: number; hits: number }>();
  /** `${numberId}:${waId}` → times (ms) of messages accepted in the last PAIR_WINDOW_MS. */
  private readonly pairs = new Map<string, number[]>();

  /** Meta: 1 message per 6 s to one user, in bursts (the number's pair_limit within the window). */
  static readonly PAIR_WINDOW_MS = 6_000;

  /** Counts a call of `numberId`; true while the second's calls stay within `mps`. */
  takeCall(numberId: string, mps: number, now = Date.now()): boolean {
    const second = Math.floor(now / 1000);
    let c = this.calls.get(numberId);
    if (!c || c.second !== second) {
      if (this.calls.size > 10_000) this.calls.clear();
      c = { second, hits: 0 };
      this.calls.set(numberId, c);
    }
    c.hits++;
    return c.hits <= mps;
  }

  /** Messages accepted to `waId` from `numberId` within the window. */
  pairCount(numberId: string, waId: string, now = Date.now()): number {
    const times = this.pairs.get(`${numberId}:${waId}`);
    if (!times) return 0;
    const since = now - SimRates.PAIR_WINDOW_MS;
    while (times.length && times[0]! <= since) times.shift();
    return times.length;
  }

  /** Records an accepted message to `waId`. */
  notePair(numberId: string, waId: string, now = Date.now()): void {
    const key = `${numberId}:${waId}`;
    const times = this.pairs.get(key);
    if (times) times.push(now);
    else {
      if (this.pairs.size > 100_000) this.prune(now);
      this.pairs.set(key, [now]);
    }
  }

  private prune(now: number): void {
    for (const [key, times] of this.pairs) if (!times.length || times[times.length - 1]! <= now - SimRates.PAIR_WINDOW_MS) this.pairs.delete(key);
  }
}
