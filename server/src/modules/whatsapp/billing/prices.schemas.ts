import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Strict, Timestamp, Uuid } from '../../../platform/schemas.js';
import { PRICE_CATEGORIES } from './pricing.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Category = Type.Union(PRICE_CATEGORIES.map((c) => Type.Literal(c)));
const Paise = Type.Integer({ description: 'Amount in paise (₹1 = 100 paise)' });

export const AddPriceBody = Strict({
  category: Category,
  countryCode: Type.String({ pattern: '^([0-9]{1,4}|\\*)$', description: 'Calling code of the recipient’s country without "+" (91 = India), or * for every country without its own row' }),
  metaRatePaise: Type.String({
    pattern: '^[0-9]{1,9}(\\.[0-9]{1,3})?$',
    description: 'Meta’s rate per message in paise, up to 3 decimals (₹0.8631 = "86.31")',
  }),
  markupBps: Type.Integer({ minimum: 0, maximum: 100_000, description: 'The platform’s markup in basis points (20 % = 2000)' }),
  effectiveFrom: Type.Optional(Type.String({ format: 'date-time', description: 'When the price applies; now or later (default: now)' })),
});
export type AddPriceInput = Static<typeof AddPriceBody>;

export const PriceIdParams = Strict({ id: Uuid });

export const AdminPricesQuery = Strict({
  history: Type.Optional(Type.Boolean({ description: 'Also rows that a later one replaced' })),
});

export const PriceState = Type.Union([Type.Literal('current'), Type.Literal('scheduled'), Type.Literal('superseded')]);

/** A price as admins see it: Meta's rate, the markup and who added it. */
export const AdminPrice = Type.Object({
  id: Uuid,
  category: Type.String(),
  countryCode: Type.String(),
  metaRateMillipaise: Type.Integer({ description: 'Meta’s rate in thousandths of a paisa' }),
  markupBps: Type.Integer(),
  pricePaise: Paise,
  effectiveFrom: Timestamp,
  state: PriceState,
  createdAt: Timestamp,
  createdBy: Nullable(Type.Object({ id: Uuid, name: Type.String() })),
});

/** A price as customers see it: what a message costs them. */
export const CustomerPrice = Type.Object({
  category: Type.String(),
  countryCode: Type.String(),
  pricePaise: Paise,
  effectiveFrom: Timestamp,
  state: Type.Union([Type.Literal('current'), Type.Literal('scheduled')]),
});
