/**
 * The service editor's state: what the admin is typing (strings and blanks allowed), and the
 * conversions to and from the API's shapes. The server checks everything again; its error paths
 * (`form.fields.2.rules.pattern`, `name.hi`, …) are the keys of the editor's error map.
 */
import type {
  AdminServiceDetail,
  Bilingual,
  DocumentType,
  FieldRules,
  FieldType,
  FormDefinition,
  FormField,
  RequiredDocument,
  ServiceDetailsInput,
} from '../../../api/services';
import { rupeesToPaise } from '../../../lib/validation';

export type Num = number | '';

export interface DraftOption {
  uid: string;
  value: string;
  label: Bilingual;
}

export interface DraftField {
  uid: string;
  key: string;
  /** False while the key still follows the English label. */
  keyTouched: boolean;
  type: FieldType;
  label: Bilingual;
  help: Bilingual;
  required: boolean;
  minLength: Num;
  maxLength: Num;
  pattern: string;
  patternMessage: Bilingual;
  multiline: boolean;
  min: Num;
  max: Num;
  integer: boolean;
  minDate: string;
  maxDate: string;
  options: DraftOption[];
  document: string;
}

export interface DraftDocument {
  uid: string;
  key: string;
  keyTouched: boolean;
  label: Bilingual;
  types: DocumentType[];
  maxSizeKb: Num;
  required: boolean;
}

export interface ServiceDraft {
  slug: string;
  slugTouched: boolean;
  categoryId: string;
  name: Bilingual;
  description: Bilingual;
  /** Rupees as typed. */
  platformFee: string;
  governmentFee: string;
  gstPercent: Num;
  turnaroundDays: Num;
  kycRequired: boolean;
  /** The customer enters the amount (bills, recharges): rupees as typed. */
  variableAmount: boolean;
  amountMin: string;
  amountMax: string;
  active: boolean;
  sortOrder: Num;
  fields: DraftField[];
  documents: DraftDocument[];
}

/** Error texts by server path. */
export type Errors = Record<string, string>;

let counter = 0;
export const uid = (): string => `u${++counter}`;
const blank = (): Bilingual => ({ en: '', hi: '' });
const copy = (b: Bilingual | undefined): Bilingual => ({ en: b?.en ?? '', hi: b?.hi ?? '' });

/** "Father's name" → "fathers_name": a field key from an English label. */
export function toKey(label: string): string {
  const key = label
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+|_+$/g, '')
    .slice(0, 40)
    .replace(/_+$/, '');
  return key;
}

/** "PAN card – new" → "pan-card-new". */
export function toSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}

const paiseToRupees = (paise: number): string => (paise % 100 === 0 ? String(paise / 100) : (paise / 100).toFixed(2));

export function newField(type: FieldType): DraftField {
  return {
    uid: uid(),
    key: '',
    keyTouched: false,
    type,
    label: blank(),
    help: blank(),
    required: type !== 'checkbox',
    minLength: '',
    maxLength: '',
    pattern: '',
    patternMessage: blank(),
    multiline: false,
    min: '',
    max: '',
    integer: false,
    minDate: '',
    maxDate: '',
    options: type === 'select' ? [{ uid: uid(), value: '', label: blank() }] : [],
    document: '',
  };
}

export function newDocument(): DraftDocument {
  return { uid: uid(), key: '', keyTouched: false, label: blank(), types: ['pdf', 'jpeg', 'png'], maxSizeKb: 2048, required: true };
}

export function emptyDraft(categoryId = ''): ServiceDraft {
  return {
    slug: '',
    slugTouched: false,
    categoryId,
    name: blank(),
    description: blank(),
    platformFee: '',
    governmentFee: '0',
    gstPercent: 18,
    turnaroundDays: 7,
    kycRequired: false,
    variableAmount: false,
    amountMin: '',
    amountMax: '',
    active: true,
    sortOrder: 0,
    fields: [],
    documents: [],
  };
}

function fieldToDraft(f: FormField): DraftField {
  const r = f.rules ?? {};
  return {
    ...newField(f.type),
    key: f.key,
    keyTouched: true,
    label: copy(f.label),
    help: copy(f.help),
    required: f.required,
    minLength: r.minLength ?? '',
    maxLength: r.maxLength ?? '',
    pattern: r.pattern ?? '',
    patternMessage: copy(r.patternMessage),
    multiline: r.multiline ?? false,
    min: r.min ?? '',
    max: r.max ?? '',
    integer: r.integer ?? false,
    minDate: r.minDate ?? '',
    maxDate: r.maxDate ?? '',
    options: (f.options ?? []).map((o) => ({ uid: uid(), value: o.value, label: copy(o.label) })),
    document: f.document ?? '',
  };
}

function documentToDraft(d: RequiredDocument): DraftDocument {
  return { uid: uid(), key: d.key, keyTouched: true, label: copy(d.label), types: [...d.types], maxSizeKb: Math.round(d.maxSizeBytes / 1024), required: d.required };
}

export function draftFromService(s: AdminServiceDetail): ServiceDraft {
  return {
    slug: s.slug,
    slugTouched: true,
    categoryId: s.category.id,
    name: copy(s.name),
    description: copy(s.description),
    platformFee: paiseToRupees(s.fees.platformFee),
    governmentFee: paiseToRupees(s.fees.governmentFee),
    gstPercent: s.fees.gstRateBps / 100,
    turnaroundDays: s.turnaroundDays,
    kycRequired: s.kycRequired,
    variableAmount: s.variableAmount !== null,
    amountMin: s.variableAmount ? paiseToRupees(s.variableAmount.minPaise) : '',
    amountMax: s.variableAmount ? paiseToRupees(s.variableAmount.maxPaise) : '',
    active: s.active,
    sortOrder: s.sortOrder,
    fields: s.form.fields.map(fieldToDraft),
    documents: s.form.documents.map(documentToDraft),
  };
}

const text = (b: Bilingual): Bilingual => ({ en: b.en.trim(), hi: b.hi.trim() });
const filled = (b: Bilingual): boolean => b.en.trim() !== '' || b.hi.trim() !== '';

function rulesOf(f: DraftField): FieldRules | undefined {
  const r: FieldRules = {};
  if (f.type === 'text') {
    if (f.minLength !== '') r.minLength = f.minLength;
    if (f.maxLength !== '') r.maxLength = f.maxLength;
    if (f.pattern.trim()) {
      r.pattern = f.pattern.trim();
      if (filled(f.patternMessage)) r.patternMessage = text(f.patternMessage);
    }
    if (f.multiline) r.multiline = true;
  } else if (f.type === 'number') {
    if (f.min !== '') r.min = f.min;
    if (f.max !== '') r.max = f.max;
    if (f.integer) r.integer = true;
  } else if (f.type === 'date') {
    if (f.minDate.trim()) r.minDate = f.minDate.trim();
    if (f.maxDate.trim()) r.maxDate = f.maxDate.trim();
  } else return undefined;
  return Object.keys(r).length ? r : undefined;
}

/** The form as the API takes it. A file field is required exactly when its document is. */
export function formFromDraft(d: ServiceDraft): FormDefinition {
  const documents: RequiredDocument[] = d.documents.map((doc) => ({
    key: doc.key.trim(),
    label: text(doc.label),
    types: [...doc.types],
    maxSizeBytes: doc.maxSizeKb === '' ? 0 : Math.round(doc.maxSizeKb * 1024),
    required: doc.required,
  }));
  const fields: FormField[] = d.fields.map((f) => {
    const field: FormField = { key: f.key.trim(), type: f.type, label: text(f.label), required: f.required };
    if (filled(f.help)) field.help = text(f.help);
    const rules = rulesOf(f);
    if (rules) field.rules = rules;
    if (f.type === 'select') field.options = f.options.map((o) => ({ value: o.value.trim(), label: text(o.label) }));
    if (f.type === 'file') {
      field.document = f.document;
      field.required = documents.find((doc) => doc.key === f.document)?.required ?? f.required;
    }
    return field;
  });
  return { fields, documents };
}

/** The service's details as the API takes them, or the problems found before asking the server. */
export function detailsFromDraft(d: ServiceDraft): { ok: true; value: ServiceDetailsInput } | { ok: false; errors: Errors } {
  const errors: Errors = {};
  const platform = rupeesToPaise(d.platformFee);
  const government = rupeesToPaise(d.governmentFee);
  if (platform === null) errors.platformFeePaise = 'validation.amountOrZero';
  if (government === null) errors.governmentFeePaise = 'validation.amountOrZero';
  if (d.gstPercent === '') errors.gstRateBps = 'validation.required';
  if (d.turnaroundDays === '') errors.turnaroundDays = 'validation.required';
  if (!d.categoryId) errors.categoryId = 'validation.required';
  if (!d.slug.trim()) errors.slug = 'validation.required';
  if (!d.name.en.trim()) errors['name.en'] = 'validation.required';
  if (!d.name.hi.trim()) errors['name.hi'] = 'validation.required';
  const amountMin = rupeesToPaise(d.amountMin);
  const amountMax = rupeesToPaise(d.amountMax);
  if (d.variableAmount) {
    if (amountMin === null || amountMin < 100) errors['variableAmount.minPaise'] = 'validation.amountOrZero';
    if (amountMax === null || amountMax < 100) errors['variableAmount.maxPaise'] = 'validation.amountOrZero';
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      slug: d.slug.trim(),
      categoryId: d.categoryId,
      name: text(d.name),
      description: text(d.description),
      platformFeePaise: platform!,
      // A customer-entered amount takes the place of the fixed government fee.
      governmentFeePaise: d.variableAmount ? 0 : government!,
      gstRateBps: Math.round(Number(d.gstPercent) * 100),
      turnaroundDays: Number(d.turnaroundDays),
      kycRequired: d.kycRequired,
      sortOrder: d.sortOrder === '' ? 0 : Number(d.sortOrder),
      variableAmount: d.variableAmount ? { minPaise: amountMin!, maxPaise: amountMax! } : null,
    },
  };
}

/** The details that differ from what the service has now (for PATCH). */
export function changedDetails(before: ServiceDetailsInput, after: ServiceDetailsInput): Partial<ServiceDetailsInput> {
  const out: Partial<Record<keyof ServiceDetailsInput, unknown>> = {};
  for (const k of Object.keys(after) as (keyof ServiceDetailsInput)[]) {
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) out[k] = after[k];
  }
  return out as Partial<ServiceDetailsInput>;
}

export const sameForm = (a: FormDefinition, b: FormDefinition): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Moves the item at `index` one place up (-1) or down (+1). */
export function move<T>(items: T[], index: number, by: -1 | 1): T[] {
  const to = index + by;
  if (to < 0 || to >= items.length) return items;
  const out = [...items];
  [out[index], out[to]] = [out[to]!, out[index]!];
  return out;
}
