import type { Queryable } from '../../../db/index.js';

/** The categories of the price table (wa_prices.category). */
export const PRICE_CATEGORIES = ['marketing', 'utility', 'authentication', 'authentication_international', 'service'] as const;
export type PriceCategory = (typeof PRICE_CATEGORIES)[number];

/** What the wallet is charged for one message at Meta's rate (milli-paise) plus the markup: rounded up to the paisa. */
export function priceFromRate(metaRateMillipaise: number, markupBps: number): number {
  if (!Number.isSafeInteger(metaRateMillipaise) || metaRateMillipaise < 0) throw new RangeError('rate must be a non-negative integer');
  if (!Number.isSafeInteger(markupBps) || markupBps < 0) throw new RangeError('markup must be a non-negative integer');
  const scaled = BigInt(metaRateMillipaise) * BigInt(10_000 + markupBps);
  return Number((scaled + 9_999_999n) / 10_000_000n);
}

/**
 * Meta's `pricing.category` on a status webhook, in the price table's terms. Group and "lite"
 * variants are priced as their base category; unknown future categories return null (charged at the
 * reserved price, and logged, rather than guessed).
 */
export function categoryFromMeta(metaCategory: string | null | undefined): PriceCategory | null {
  switch (metaCategory) {
    case 'marketing':
    case 'marketing_lite':
    case 'group_marketing':
    case 'referral_conversion':
      return 'marketing';
    case 'utility':
    case 'group_utility':
      return 'utility';
    case 'authentication':
      return 'authentication';
    case 'authentication-international':
    case 'authentication_international':
      return 'authentication_international';
    case 'service':
    case 'group_service':
      return 'service';
    default:
      return null;
  }
}

export interface Price {
  priceId: string;
  category: PriceCategory;
  countryCode: string;
  pricePaise: number;
}

/**
 * The price in force at `at` for a message of `category` to `waId` (digits, country code first): the
 * row of the longest calling code that prefixes the number, else the `*` row; the latest
 * effective_from not after `at`. Null when the table has no row for the category (the send is refused).
 */
export async function priceFor(q: Queryable, category: PriceCategory, waId: string, at: Date = new Date()): Promise<Price | null> {
  const rows = await q.query<{ id: string; category: PriceCategory; country_code: string; price_paise: number }>(
    `SELECT id, category, country_code, price_paise FROM wa_prices
      WHERE category = $1 AND effective_from <= $3 AND (country_code = '*' OR $2 LIKE country_code || '%')
      ORDER BY country_code = '*', length(country_code) DESC, effective_from DESC
      LIMIT 1`,
    [category, waId, at],
  );
  const row = rows[0];
  return row ? { priceId: row.id, category: row.category, countryCode: row.country_code, pricePaise: row.price_paise } : null;
}
