import type { Db, Queryable } from '../../../db/index.js';
import type { Actor, RequestMeta } from '../../../platform/actor.js';
import { badRequest, conflict, notFound } from '../../../platform/errors.js';
import { insertActivity } from '../../audit/activity.repo.js';
import type { AddPriceInput } from './prices.schemas.js';
import { priceFromRate, type PriceCategory } from './pricing.js';

type UserActor = Extract<Actor, { type: 'user' }>;

/** How far in the past an "effective from" may be (a clock a little behind); it is then stored as now. */
const PAST_TOLERANCE_MS = 5 * 60_000;

export interface PriceRow {
  id: string;
  category: PriceCategory;
  country_code: string;
  meta_rate_millipaise: number;
  markup_bps: number;
  price_paise: number;
  effective_from: Date;
  created_by: string | null;
  created_by_name: string | null;
  created_at: Date;
  state: 'current' | 'scheduled' | 'superseded';
}

/** "86.31" paise → 86310 milli-paise, exactly (no floating point). */
export function millipaiseOf(paise: string): number {
  const m = /^([0-9]{1,9})(?:\.([0-9]{1,3}))?$/.exec(paise);
  if (!m) throw badRequest('validation_failed', 'Meta’s rate must be paise with at most 3 decimals.', [{ field: 'metaRatePaise', message: 'must look like 86.31' }]);
  return Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0'));
}

/**
 * Every row with its state: `scheduled` (starts later), `current` (the latest started one of its
 * category and calling code), `superseded` (a later one replaced it).
 */
async function pricesWithState(q: Queryable, opts: { history: boolean }): Promise<PriceRow[]> {
  return q.query<PriceRow>(
    `SELECT * FROM (
       SELECT p.*, u.name AS created_by_name,
              CASE WHEN p.effective_from > now() THEN 'scheduled'
                   WHEN p.effective_from = max(p.effective_from) FILTER (WHERE p.effective_from <= now()) OVER (PARTITION BY p.category, p.country_code) THEN 'current'
                   ELSE 'superseded' END AS state
         FROM wa_prices p LEFT JOIN users u ON u.id = p.created_by
     ) s
     WHERE $1 OR state <> 'superseded'
     ORDER BY category, country_code = '*', country_code, effective_from DESC`,
    [opts.history],
  );
}

/**
 * The price table (wa_prices; README.md in ../): admins add rows — never edit them; a new row with
 * a later start replaces a price — and may cancel a row that has not started yet. Customers see
 * what their messages cost now and what is scheduled.
 */
export function createPricesService(deps: { db: Db }) {
  const { db } = deps;

  return {
    adminList: (history: boolean) => pricesWithState(db, { history }),

    customerList: async () => (await pricesWithState(db, { history: false })) as (PriceRow & { state: 'current' | 'scheduled' })[],

    async add(actor: UserActor, input: AddPriceInput, meta: RequestMeta): Promise<PriceRow> {
      const rate = millipaiseOf(input.metaRatePaise);
      const price = priceFromRate(rate, input.markupBps);
      let effectiveFrom: Date | null = null;
      if (input.effectiveFrom) {
        effectiveFrom = new Date(input.effectiveFrom);
        if (effectiveFrom.getTime() < Date.now() - PAST_TOLERANCE_MS) {
          throw badRequest('effective_from_past', 'A price cannot start in the past: messages already sent keep the price they were charged.', [{ field: 'effectiveFrom', message: 'must be now or later' }]);
        }
      }
      try {
        return await db.tx(async (tx) => {
          // A start a few moments in the past (a slow clock) is taken as now, never earlier.
          const [row] = await tx.query<{ id: string }>(
            `INSERT INTO wa_prices (category, country_code, meta_rate_millipaise, markup_bps, price_paise, effective_from, created_by)
             VALUES ($1, $2, $3, $4, $5, GREATEST(COALESCE($6::timestamptz, now()), now()), $7) RETURNING id`,
            [input.category, input.countryCode, rate, input.markupBps, price, effectiveFrom, actor.userId],
          );
          const added = (await pricesWithState(tx, { history: true })).find((p) => p.id === row!.id)!;
          await insertActivity(
            tx,
            actor,
            {
              action: 'whatsapp.price_added',
              object: { type: 'wa_price', id: added.id },
              details: { category: added.category, countryCode: added.country_code, metaRateMillipaise: rate, markupBps: input.markupBps, pricePaise: price, effectiveFrom: added.effective_from.toISOString() },
            },
            meta,
          );
          return added;
        });
      } catch (err) {
        if ((err as { code?: string })?.code === '23505') throw conflict('price_exists', 'A price for this category and country already starts at that moment.');
        throw err;
      }
    },

    /** Removes a row that has not started yet (a mistake in a scheduled change); a started one is history. */
    async cancelScheduled(actor: UserActor, id: string, meta: RequestMeta): Promise<void> {
      await db.tx(async (tx) => {
        const [row] = await tx.query<PriceRow>('DELETE FROM wa_prices WHERE id = $1 AND effective_from > now() RETURNING *', [id]);
        if (!row) {
          const exists = await tx.query('SELECT 1 FROM wa_prices WHERE id = $1', [id]);
          if (!exists.length) throw notFound('Price');
          throw conflict('price_in_effect', 'This price has started already; add a new price to replace it.');
        }
        await insertActivity(
          tx,
          actor,
          {
            action: 'whatsapp.price_cancelled',
            object: { type: 'wa_price', id },
            details: { category: row.category, countryCode: row.country_code, metaRateMillipaise: row.meta_rate_millipaise, markupBps: row.markup_bps, pricePaise: row.price_paise, effectiveFrom: row.effective_from.toISOString() },
          },
          meta,
        );
      });
    },
  };
}

export type PricesService = ReturnType<typeof createPricesService>;
