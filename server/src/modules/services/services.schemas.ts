import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Strict, Timestamp, Uuid } from '../../platform/schemas.js';
import { DOCUMENT_TYPES, FIELD_TYPES, FORM_LIMITS, computeFees, type FormDefinition } from './form-engine.js';
import type { CategoryRow, FormVersionRow, ServiceRow } from './services.repo.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Paise = Type.Integer({ description: 'Amount in paise (₹1 = 100 paise)' });
export const SLUG_PATTERN = '^[a-z0-9]+(?:-[a-z0-9]+)*$';
const Slug = Type.String({ minLength: 1, maxLength: 60, pattern: SLUG_PATTERN, description: 'Lower-case words joined by hyphens' });
/** English and Hindi texts; trimmed and NFC-normalised by the service. */
const Bilingual = (max: number, min = 0) => Strict({ en: Type.String({ minLength: min, maxLength: max }), hi: Type.String({ minLength: min, maxLength: max }) });
const BilingualOut = Type.Object({ en: Type.String(), hi: Type.String() });

// Form definitions as the API takes them: the shape is checked here, the meaning (rules that fit the
// field type, unique keys, safe patterns, …) by form-engine.ts, whose issues carry a `rule` code.
const RuleInput = Strict({
  minLength: Type.Optional(Type.Integer()),
  maxLength: Type.Optional(Type.Integer()),
  pattern: Type.Optional(Type.String({ maxLength: 400 })),
  patternMessage: Type.Optional(Bilingual(FORM_LIMITS.helpLength)),
  multiline: Type.Optional(Type.Boolean()),
  min: Type.Optional(Type.Number()),
  max: Type.Optional(Type.Number()),
  integer: Type.Optional(Type.Boolean()),
  minDate: Type.Optional(Type.String({ maxLength: 10 })),
  maxDate: Type.Optional(Type.String({ maxLength: 10 })),
});
const FieldInput = Strict({
  key: Type.String({ maxLength: FORM_LIMITS.keyLength }),
  type: Type.Union(FIELD_TYPES.map((t) => Type.Literal(t))),
  label: Bilingual(FORM_LIMITS.labelLength),
  help: Type.Optional(Bilingual(FORM_LIMITS.helpLength)),
  required: Type.Optional(Type.Boolean()),
  rules: Type.Optional(RuleInput),
  options: Type.Optional(Type.Array(Strict({ value: Type.String({ maxLength: FORM_LIMITS.optionValueLength }), label: Bilingual(FORM_LIMITS.labelLength) }), { maxItems: FORM_LIMITS.options })),
  document: Type.Optional(Type.String({ maxLength: FORM_LIMITS.keyLength })),
});
const DocumentInput = Strict({
  key: Type.String({ maxLength: FORM_LIMITS.keyLength }),
  label: Bilingual(FORM_LIMITS.labelLength),
  types: Type.Array(Type.Union(DOCUMENT_TYPES.map((t) => Type.Literal(t))), { maxItems: DOCUMENT_TYPES.length }),
  maxSizeBytes: Type.Integer(),
  required: Type.Optional(Type.Boolean()),
});
export const FormInput = Strict({
  fields: Type.Array(FieldInput, { maxItems: FORM_LIMITS.fields }),
  documents: Type.Optional(Type.Array(DocumentInput, { maxItems: FORM_LIMITS.documents })),
});

// The same, as the API answers it (normalised: defaults filled in).
const FieldOut = Type.Object({
  key: Type.String(),
  type: Type.Union(FIELD_TYPES.map((t) => Type.Literal(t))),
  label: BilingualOut,
  help: Type.Optional(BilingualOut),
  required: Type.Boolean(),
  rules: Type.Optional(
    Type.Object({
      minLength: Type.Optional(Type.Integer()),
      maxLength: Type.Optional(Type.Integer()),
      pattern: Type.Optional(Type.String()),
      patternMessage: Type.Optional(BilingualOut),
      multiline: Type.Optional(Type.Boolean()),
      min: Type.Optional(Type.Number()),
      max: Type.Optional(Type.Number()),
      integer: Type.Optional(Type.Boolean()),
      minDate: Type.Optional(Type.String()),
      maxDate: Type.Optional(Type.String()),
    }),
  ),
  options: Type.Optional(Type.Array(Type.Object({ value: Type.String(), label: BilingualOut }))),
  document: Type.Optional(Type.String()),
});
const DocumentOut = Type.Object({
  key: Type.String(),
  label: BilingualOut,
  types: Type.Array(Type.String()),
  maxSizeBytes: Type.Integer(),
  required: Type.Boolean(),
});
export const Form = Type.Object({
  version: Type.Integer({ description: 'Applications pin the version they were filled against' }),
  publishedAt: Timestamp,
  fields: Type.Array(FieldOut),
  documents: Type.Array(DocumentOut),
});

export const Fees = Type.Object({
  platformFee: Paise,
  governmentFee: Paise,
  gstRateBps: Type.Integer({ description: 'GST rate on the platform fee in basis points (1800 = 18 %)' }),
  gst: Paise,
  total: Paise,
});

export const Category = Type.Object({ id: Uuid, slug: Type.String(), name: BilingualOut });
export const AdminCategory = Type.Object({
  ...Category.properties,
  sortOrder: Type.Integer(),
  active: Type.Boolean(),
  serviceCount: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const ServiceSummary = Type.Object({
  id: Uuid,
  slug: Type.String(),
  name: BilingualOut,
  description: BilingualOut,
  category: Category,
  fees: Fees,
  turnaroundDays: Type.Integer({ description: 'Expected working days from submission to completion' }),
  kycRequired: Type.Boolean(),
  variableAmount: Nullable(
    Type.Object(
      { minPaise: Paise, maxPaise: Paise },
      { description: 'The customer enters the government amount (a bill, a recharge) within these limits when applying; fees.governmentFee is then 0 and the entered amount takes its place' },
    ),
  ),
});
export const ServiceDetail = Type.Object({ ...ServiceSummary.properties, form: Form });

export const AdminService = Type.Object({
  ...ServiceSummary.properties,
  active: Type.Boolean(),
  categoryActive: Type.Boolean(),
  sortOrder: Type.Integer(),
  currentFormVersion: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export const FormVersionSummary = Type.Object({
  version: Type.Integer(),
  publishedAt: Timestamp,
  publishedBy: Nullable(Type.Object({ id: Uuid, name: Type.String() })),
  fieldCount: Type.Integer(),
  documentCount: Type.Integer(),
});

/** 400 bodies of routes that check form definitions: details also carry the engine's rule code and its values. */
export const FormErrorResponse = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(
      Type.Array(
        Type.Object({
          field: Type.String(),
          message: Type.String(),
          rule: Type.Optional(Type.String()),
          params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]))),
        }),
      ),
    ),
    requestId: Type.String(),
  }),
});

// Requests -------------------------------------------------------------------------------------------

const Fields = {
  categoryId: Uuid,
  name: Bilingual(120, 1),
  description: Bilingual(2000),
  platformFeePaise: Type.Integer({ minimum: 0, maximum: 10_000_000, description: 'Up to ₹1,00,000' }),
  governmentFeePaise: Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'Up to ₹10,00,000' }),
  gstRateBps: Type.Integer({ minimum: 0, maximum: 4_000, description: 'GST on the platform fee in basis points: 1800 = 18 %' }),
  turnaroundDays: Type.Integer({ minimum: 0, maximum: 365, description: 'Working days' }),
  kycRequired: Type.Boolean(),
  sortOrder: Type.Integer({ minimum: 0, maximum: 10_000 }),
  variableAmount: Nullable(
    Strict({
      minPaise: Type.Integer({ minimum: 100, maximum: 100_000_000, description: 'Smallest amount a customer may enter (at least ₹1)' }),
      maxPaise: Type.Integer({ minimum: 100, maximum: 100_000_000, description: 'Largest amount a customer may enter (up to ₹10,00,000)' }),
    }),
  ),
};

export const ServiceCreateBody = Strict({
  slug: Slug,
  categoryId: Fields.categoryId,
  name: Fields.name,
  description: Type.Optional(Fields.description),
  platformFeePaise: Fields.platformFeePaise,
  governmentFeePaise: Fields.governmentFeePaise,
  gstRateBps: Fields.gstRateBps,
  turnaroundDays: Fields.turnaroundDays,
  kycRequired: Fields.kycRequired,
  variableAmount: Type.Optional(Fields.variableAmount),
  active: Type.Optional(Type.Boolean({ description: 'Default true; false keeps the new service hidden from customers' })),
  sortOrder: Type.Optional(Fields.sortOrder),
  form: FormInput,
});
export type ServiceCreateInput = Static<typeof ServiceCreateBody>;

export const ServiceUpdateBody = Type.Object(
  {
    slug: Type.Optional(Slug),
    categoryId: Type.Optional(Fields.categoryId),
    name: Type.Optional(Fields.name),
    description: Type.Optional(Fields.description),
    platformFeePaise: Type.Optional(Fields.platformFeePaise),
    governmentFeePaise: Type.Optional(Fields.governmentFeePaise),
    gstRateBps: Type.Optional(Fields.gstRateBps),
    turnaroundDays: Type.Optional(Fields.turnaroundDays),
    kycRequired: Type.Optional(Fields.kycRequired),
    sortOrder: Type.Optional(Fields.sortOrder),
    variableAmount: Type.Optional(Fields.variableAmount),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ServiceUpdateInput = Static<typeof ServiceUpdateBody>;

export const PublishFormBody = Strict({
  baseVersion: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'The version the new form was edited from; 409 when another was published meanwhile' }),
  form: FormInput,
});

export const CategoryCreateBody = Strict({
  slug: Slug,
  name: Bilingual(80, 1),
  sortOrder: Type.Optional(Fields.sortOrder),
  active: Type.Optional(Type.Boolean()),
});
export const CategoryUpdateBody = Type.Object(
  { slug: Type.Optional(Slug), name: Type.Optional(Bilingual(80, 1)), sortOrder: Type.Optional(Fields.sortOrder), active: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);
export type CategoryUpdateInput = Static<typeof CategoryUpdateBody>;

const Search = Type.String({ maxLength: 100, description: 'Words to find in the name (English or Hindi), any case' });
const CategoryFilter = Type.String({ maxLength: 60, pattern: SLUG_PATTERN, description: 'Category slug' });
const paging = {
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 100 }),
  offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
};
export const BrowseQuery = Strict({ q: Type.Optional(Search), category: Type.Optional(CategoryFilter), ...paging });
export const AdminListQuery = Strict({
  q: Type.Optional(Search),
  category: Type.Optional(CategoryFilter),
  status: Type.Union([Type.Literal('all'), Type.Literal('active'), Type.Literal('inactive')], { default: 'all' }),
  ...paging,
});
/** A service by id or by slug (customers' links use the slug). */
export const ServiceRefParams = Strict({ ref: Type.String({ minLength: 1, maxLength: 60, pattern: `${SLUG_PATTERN}|^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$` }) });
export const IdParams = Strict({ id: Uuid });
export const VersionParams = Strict({ id: Uuid, version: Type.Integer({ minimum: 1, maximum: 1_000_000 }) });

// Mapping rows to answers ----------------------------------------------------------------------------

export function toCategoryDto(r: Pick<CategoryRow, 'id' | 'slug' | 'name_en' | 'name_hi'>): Static<typeof Category> {
  return { id: r.id, slug: r.slug, name: { en: r.name_en, hi: r.name_hi } };
}

export function toAdminCategoryDto(r: CategoryRow): Static<typeof AdminCategory> {
  return {
    ...toCategoryDto(r),
    sortOrder: r.sort_order,
    active: r.active,
    serviceCount: r.service_count,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export function feesOf(r: Pick<ServiceRow, 'platform_fee_paise' | 'government_fee_paise' | 'gst_rate_bps'>) {
  return computeFees({ platformFeePaise: r.platform_fee_paise, governmentFeePaise: r.government_fee_paise, gstRateBps: r.gst_rate_bps });
}

export function toServiceSummaryDto(r: ServiceRow): Static<typeof ServiceSummary> {
  return {
    id: r.id,
    slug: r.slug,
    name: { en: r.name_en, hi: r.name_hi },
    description: { en: r.description_en, hi: r.description_hi },
    category: { id: r.category_id, slug: r.category_slug, name: { en: r.category_name_en, hi: r.category_name_hi } },
    fees: feesOf(r),
    turnaroundDays: r.turnaround_days,
    kycRequired: r.kyc_required,
    variableAmount: r.variable_amount ? { minPaise: r.amount_min_paise!, maxPaise: r.amount_max_paise! } : null,
  };
}

export function toAdminServiceDto(r: ServiceRow): Static<typeof AdminService> {
  return {
    ...toServiceSummaryDto(r),
    active: r.active,
    categoryActive: r.category_active,
    sortOrder: r.sort_order,
    currentFormVersion: r.current_form_version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export function toFormDto(v: Pick<FormVersionRow, 'version' | 'published_at' | 'definition'>): Static<typeof Form> {
  const definition: FormDefinition = v.definition;
  return { version: v.version, publishedAt: v.published_at.toISOString(), fields: definition.fields, documents: definition.documents };
}

export function toFormVersionSummaryDto(v: FormVersionRow): Static<typeof FormVersionSummary> {
  return {
    version: v.version,
    publishedAt: v.published_at.toISOString(),
    publishedBy: v.published_by ? { id: v.published_by, name: v.published_by_name ?? '' } : null,
    fieldCount: v.definition.fields.length,
    documentCount: v.definition.documents.length,
  };
}
