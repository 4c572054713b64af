import type { Queryable } from '../../../db/index.js';
import type { Price, PriceCategory } from '../billing/pricing.js';

/**
 * What the send path reads on every request but what rarely changes, kept briefly in the process
 * (README.md beside this file, "Hot path"): at 1,000 sends a second a read per request for the same
 * key, number and price rows is most of the database's work. Each cache says how stale it may be.
 */

interface PriceRow {
  id: string;
  category: PriceCategory;
  country_code: string;
  price_paise: number;
  effective_from: Date;
}

/**
 * The price table (wa_prices, a few dozen rows that never change — a new price is a new row with a
 * start date) held in memory and reloaded every `refreshMs`. The choice is billing/pricing.ts
 * priceFor's rule, made at send time: the longest calling code that prefixes the number, else `*`,
 * the latest row already in force — so a price scheduled for midnight applies at midnight; a row an
 * admin adds or cancels is seen within `refreshMs`.
 */
export function createPriceBook(db: Queryable, opts: { refreshMs?: number; now?: () => number } = {}) {
  const refreshMs = opts.refreshMs ?? 30_000;
  const now = opts.now ?? Date.now;
  let rows: PriceRow[] = [];
  let loadedAt = -Infinity;
  let loading: Promise<void> | null = null;

  async function load(): Promise<void> {
    rows = await db.query<PriceRow>('SELECT id, category, country_code, price_paise, effective_from FROM wa_prices');
    loadedAt = now();
  }

  return {
    async priceFor(category: PriceCategory, waId: string, at: Date = new Date()): Promise<Price | null> {
      if (now() - loadedAt > refreshMs) {
        loading ??= load().finally(() => (loading = null));
        await loading;
      }
      let best: PriceRow | null = null;
      for (const r of rows) {
        if (r.category !== category || r.effective_from > at) continue;
        if (r.country_code !== '*' && !waId.startsWith(r.country_code)) continue;
        if (!best) {
          best = r;
          continue;
        }
        const rank = (x: PriceRow) => (x.country_code === '*' ? 0 : x.country_code.length);
        if (rank(r) > rank(best) || (rank(r) === rank(best) && r.effective_from > best.effective_from)) best = r;
      }
      return best ? { priceId: best.id, category: best.category, countryCode: best.country_code, pricePaise: best.price_paise } : null;
    },

    /** Forgets the table, so the next send reads it again (tests, and after an admin's change in this process). */
    invalidate(): void {
      loadedAt = -Infinity;
    },
  };
}

export type PriceBook = ReturnType<typeof createPriceBook>;
