/**
 * The form engine: service forms defined as data, validated as data. Pure functions, no HTTP or SQL,
 * so the catalogue (definitions), applications (submissions) and the tests share one implementation.
 *
 *   validateFormDefinition(input)          an admin's form → normalised FormDefinition, or issues
 *   validateSubmission(definition, values) a customer's answers → clean values, or per-field issues
 *   checkDocumentFile(document, file)      an uploaded file against a required document's rules
 *   computeFees(service)                   platform fee, government fee, GST on the platform fee, total
 *
 * Both validators take `unknown` and never throw on any input: they return issues `{field, rule,
 * message, params?}` where `rule` is a stable machine code (the UI translates it, using `params`) and
 * `message` is English. See README.md for the definition format.
 */
import { checkPattern, compilePattern } from './safe-pattern.js';

export const FIELD_TYPES = ['text', 'number', 'date', 'select', 'checkbox', 'file'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];
/** The upload formats a required document may allow (the platform's upload inspector knows these). */
export const DOCUMENT_TYPES = ['pdf', 'jpeg', 'png', 'webp'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];
export const DOCUMENT_CONTENT_TYPES: Record<DocumentType, string> = { pdf: 'application/pdf', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

export const FORM_LIMITS = {
  fields: 50,
  documents: 20,
  options: 100,
  keyLength: 40,
  labelLength: 120,
  helpLength: 300,
  optionValueLength: 60,
  /** Largest maxLength of a text field; without one a text field takes DEFAULT_TEXT_MAX. */
  textMax: 2000,
  defaultTextMax: 200,
  /** |number| bound for rules and answers: beyond 2^53 integers are not exact. */
  numberAbs: 1e15,
  minFileBytes: 1024,
  maxFileBytes: 50 * 1024 * 1024,
  /** Answers object: more keys than this is refused before looking at any of them. */
  submissionKeys: 200,
  /** At most this many issues are reported for one submission. */
  issues: 100,
} as const;

/** Field keys: lower snake case, which also rules out `__proto__`; the words below are refused too. */
const KEY_PATTERN = /^[a-z][a-z0-9_]*$/;
const RESERVED_KEYS = new Set(['constructor', 'prototype']);
const OPTION_VALUE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** Relative date bounds: `today`, or a signed count of days, weeks, months or years from today. */
const RELATIVE_DATE = /^(?:today|([+-])(\d{1,3})([dwmy]))$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const EARLIEST_DATE = '1900-01-01';
const LATEST_DATE = '2199-12-31';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Control characters (tab and, in multi-line fields, line breaks aside), bidirectional overrides that
// could disguise text shown to operators, and unpaired surrogates.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const BAD_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LINE_BREAK = /[\r\n\u2028\u2029]/;

export interface Bilingual {
  en: string;
  hi: string;
}

interface FieldCommon {
  key: string;
  label: Bilingual;
  help?: Bilingual;
  required: boolean;
}

export interface TextRules {
  minLength?: number;
  maxLength: number;
  pattern?: string;
  /** Shown instead of the generic "not in the expected format" when the pattern does not match. */
  patternMessage?: Bilingual;
  multiline?: boolean;
}
export interface NumberRules {
  min?: number;
  max?: number;
  integer?: boolean;
}
export interface DateRules {
  /** YYYY-MM-DD, or relative to the day of submission: `today`, `-18y`, `+30d`, `-6m`, `+2w`. */
  minDate?: string;
  maxDate?: string;
}
export interface SelectOption {
  value: string;
  label: Bilingual;
}

export type FormField =
  | (FieldCommon & { type: 'text'; rules: TextRules })
  | (FieldCommon & { type: 'number'; rules: NumberRules })
  | (FieldCommon & { type: 'date'; rules: DateRules })
  | (FieldCommon & { type: 'select'; options: SelectOption[] })
  | (FieldCommon & { type: 'checkbox' })
  | (FieldCommon & { type: 'file'; document: string });

export interface RequiredDocument {
  key: string;
  label: Bilingual;
  types: DocumentType[];
  maxSizeBytes: number;
  required: boolean;
}

/** One version of a service's form: the fields in display order and the documents to upload. */
export interface FormDefinition {
  fields: FormField[];
  documents: RequiredDocument[];
}

export interface FormIssue {
  /** Dotted path: `fields.2.rules.pattern` in a definition, the field key in a submission. */
  field: string;
  /** Machine code of the rule broken, for translation. */
  rule: string;
  message: string;
  params?: Record<string, string | number>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; issues: FormIssue[] };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: Json, k: string): unknown => (Object.hasOwn(o, k) ? o[k] : undefined);
/** Length in code points, so a Hindi letter outside the BMP or an emoji counts once. */
const codePoints = (s: string): number => {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
};

class Issues {
  readonly list: FormIssue[] = [];
  add(field: string, rule: string, message: string, params?: FormIssue['params']): void {
    if (this.list.length < FORM_LIMITS.issues) this.list.push(params ? { field, rule, message, params } : { field, rule, message });
  }
  get full(): boolean {
    return this.list.length >= FORM_LIMITS.issues;
  }
}

// ---------------------------------------------------------------------------------------------------
// Definitions

const FIELD_PROPS = new Set(['key', 'type', 'label', 'help', 'required', 'rules', 'options', 'document']);
const RULES_BY_TYPE: Record<FieldType, readonly string[]> = {
  text: ['minLength', 'maxLength', 'pattern', 'patternMessage', 'multiline'],
  number: ['min', 'max', 'integer'],
  date: ['minDate', 'maxDate'],
  select: [],
  checkbox: [],
  file: [],
};
const DOCUMENT_PROPS = new Set(['key', 'label', 'types', 'maxSizeBytes', 'required']);

function unknownProps(o: Json, allowed: Set<string> | readonly string[], path: string, issues: Issues): void {
  const known = allowed instanceof Set ? allowed : new Set(allowed);
  for (const k of Object.keys(o)) {
    if (!known.has(k)) issues.add(`${path}.${k}`, 'unknown', 'is not an accepted property');
  }
}

function cleanText(v: unknown, path: string, max: number, issues: Issues, opts: { allowEmpty?: boolean } = {}): string | undefined {
  if (typeof v !== 'string') {
    issues.add(path, 'type', 'must be text');
    return undefined;
  }
  if (v.length > max * 4) {
    issues.add(path, 'max_length', `must be at most ${max} characters`, { max });
    return undefined;
  }
  const s = v.normalize('NFC').trim();
  if (BAD_CHARS.test(s) || LINE_BREAK.test(s)) {
    issues.add(path, 'invalid_characters', 'contains characters that are not allowed');
    return undefined;
  }
  if (!s && !opts.allowEmpty) {
    issues.add(path, 'required', 'must not be empty');
    return undefined;
  }
  if (codePoints(s) > max) {
    issues.add(path, 'max_length', `must be at most ${max} characters`, { max });
    return undefined;
  }
  return s;
}

function cleanBilingual(v: unknown, path: string, max: number, issues: Issues): Bilingual | undefined {
  if (!isObject(v)) {
    issues.add(path, 'type', 'must be an object with "en" and "hi" texts');
    return undefined;
  }
  unknownProps(v, ['en', 'hi'], path, issues);
  const en = cleanText(own(v, 'en'), `${path}.en`, max, issues);
  const hi = cleanText(own(v, 'hi'), `${path}.hi`, max, issues);
  return en !== undefined && hi !== undefined ? { en, hi } : undefined;
}

function cleanKey(v: unknown, path: string, issues: Issues): string | undefined {
  if (typeof v !== 'string') {
    issues.add(path, 'type', 'must be text');
    return undefined;
  }
  if (v.length > FORM_LIMITS.keyLength || !KEY_PATTERN.test(v)) {
    issues.add(path, 'key_format', `must start with a letter and use only a–z, 0–9 and "_" (at most ${FORM_LIMITS.keyLength})`, { max: FORM_LIMITS.keyLength });
    return undefined;
  }
  if (RESERVED_KEYS.has(v)) {
    issues.add(path, 'reserved', 'is a reserved word');
    return undefined;
  }
  return v;
}

function optionalInteger(v: unknown, path: string, min: number, max: number, issues: Issues): number | undefined | null {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    issues.add(path, 'type', 'must be a whole number');
    return null;
  }
  if (v < min || v > max) {
    issues.add(path, 'range', `must be between ${min} and ${max}`, { min, max });
    return null;
  }
  return v;
}

function optionalNumber(v: unknown, path: string, issues: Issues): number | undefined | null {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    issues.add(path, 'type', 'must be a number');
    return null;
  }
  if (Math.abs(v) > FORM_LIMITS.numberAbs) {
    issues.add(path, 'range', `must be between -${FORM_LIMITS.numberAbs} and ${FORM_LIMITS.numberAbs}`);
    return null;
  }
  return Object.is(v, -0) ? 0 : v;
}

function optionalBoolean(v: unknown, path: string, issues: Issues): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') {
    issues.add(path, 'type', 'must be true or false');
    return undefined;
  }
  return v;
}

function dateBound(v: unknown, path: string, issues: Issues): string | undefined | null {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !(RELATIVE_DATE.test(v) || isValidIsoDate(v))) {
    issues.add(path, 'date_bound', 'must be a date (YYYY-MM-DD between 1900 and 2199) or relative to today, like "today", "-18y", "+30d", "-6m" or "+2w"');
    return null;
  }
  return v;
}

function cleanTextRules(rules: Json, path: string, issues: Issues): TextRules | undefined {
  const minLength = optionalInteger(own(rules, 'minLength'), `${path}.minLength`, 0, FORM_LIMITS.textMax, issues);
  const maxLength = optionalInteger(own(rules, 'maxLength'), `${path}.maxLength`, 1, FORM_LIMITS.textMax, issues);
  const multiline = optionalBoolean(own(rules, 'multiline'), `${path}.multiline`, issues);
  const rawPattern = own(rules, 'pattern');
  const rawMessage = own(rules, 'patternMessage');
  if (minLength === null || maxLength === null) return undefined;
  const max = maxLength ?? FORM_LIMITS.defaultTextMax;
  if (minLength !== undefined && minLength > max) {
    issues.add(`${path}.minLength`, 'range', `must not be more than the maximum length (${max})`, { max });
    return undefined;
  }
  const out: TextRules = { maxLength: max };
  if (minLength !== undefined && minLength > 0) out.minLength = minLength;
  if (multiline) out.multiline = true;
  if (rawPattern !== undefined && rawPattern !== '') {
    if (typeof rawPattern !== 'string') {
      issues.add(`${path}.pattern`, 'type', 'must be text');
      return undefined;
    }
    const problem = checkPattern(rawPattern, max);
    if (problem) {
      issues.add(`${path}.pattern`, problem.rule, problem.message);
      return undefined;
    }
    out.pattern = rawPattern;
    if (rawMessage !== undefined) {
      const message = cleanBilingual(rawMessage, `${path}.patternMessage`, FORM_LIMITS.helpLength, issues);
      if (!message) return undefined;
      out.patternMessage = message;
    }
  } else if (rawMessage !== undefined) {
    issues.add(`${path}.patternMessage`, 'not_applicable', 'needs a pattern');
    return undefined;
  }
  return out;
}

function cleanNumberRules(rules: Json, path: string, issues: Issues): NumberRules | undefined {
  const min = optionalNumber(own(rules, 'min'), `${path}.min`, issues);
  const max = optionalNumber(own(rules, 'max'), `${path}.max`, issues);
  const integer = optionalBoolean(own(rules, 'integer'), `${path}.integer`, issues);
  if (min === null || max === null) return undefined;
  if (min !== undefined && max !== undefined && min > max) {
    issues.add(`${path}.min`, 'range', 'must not be more than the maximum');
    return undefined;
  }
  if (integer && min !== undefined && max !== undefined && Math.ceil(min) > Math.floor(max)) {
    issues.add(`${path}.min`, 'range', 'leaves no whole number between the minimum and the maximum');
    return undefined;
  }
  const out: NumberRules = {};
  if (min !== undefined) out.min = min;
  if (max !== undefined) out.max = max;
  if (integer) out.integer = true;
  return out;
}

// A fixed day to compare two relative bounds: `+30d` after `-18y` is caught whatever today is.
const REFERENCE_DAY = '2000-03-01';

function cleanDateRules(rules: Json, path: string, issues: Issues): DateRules | undefined {
  const minDate = dateBound(own(rules, 'minDate'), `${path}.minDate`, issues);
  const maxDate = dateBound(own(rules, 'maxDate'), `${path}.maxDate`, issues);
  if (minDate === null || maxDate === null) return undefined;
  if (minDate !== undefined && maxDate !== undefined) {
    const bothAbsolute = isValidIsoDate(minDate) && isValidIsoDate(maxDate);
    const bothRelative = !isValidIsoDate(minDate) && !isValidIsoDate(maxDate);
    if ((bothAbsolute || bothRelative) && resolveDateBound(minDate, REFERENCE_DAY) > resolveDateBound(maxDate, REFERENCE_DAY)) {
      issues.add(`${path}.minDate`, 'range', 'must not be after the latest date');
      return undefined;
    }
  }
  const out: DateRules = {};
  if (minDate !== undefined) out.minDate = minDate;
  if (maxDate !== undefined) out.maxDate = maxDate;
  return out;
}

function cleanOptions(v: unknown, path: string, issues: Issues): SelectOption[] | undefined {
  if (!Array.isArray(v) || v.length === 0) {
    issues.add(path, 'required', 'a choice field needs at least one option');
    return undefined;
  }
  if (v.length > FORM_LIMITS.options) {
    issues.add(path, 'too_many', `must have at most ${FORM_LIMITS.options} options`, { max: FORM_LIMITS.options });
    return undefined;
  }
  const out: SelectOption[] = [];
  const seen = new Set<string>();
  let bad = false;
  v.forEach((o: unknown, i) => {
    const p = `${path}.${i}`;
    if (!isObject(o)) {
      issues.add(p, 'type', 'must be an object with "value" and "label"');
      bad = true;
      return;
    }
    unknownProps(o, ['value', 'label'], p, issues);
    const value = own(o, 'value');
    if (typeof value !== 'string' || value.length > FORM_LIMITS.optionValueLength || !OPTION_VALUE_PATTERN.test(value)) {
      issues.add(`${p}.value`, 'option_format', `must be 1–${FORM_LIMITS.optionValueLength} letters, digits, ".", "_" or "-"`, { max: FORM_LIMITS.optionValueLength });
      bad = true;
    } else if (seen.has(value)) {
      issues.add(`${p}.value`, 'duplicate', `"${value}" is used by another option`);
      bad = true;
    } else seen.add(value);
    const label = cleanBilingual(own(o, 'label'), `${p}.label`, FORM_LIMITS.labelLength, issues);
    if (!label || typeof value !== 'string') bad = true;
    else out.push({ value, label });
  });
  return bad ? undefined : out;
}

function cleanDocument(v: unknown, path: string, maxFileBytes: number, issues: Issues): RequiredDocument | undefined {
  if (!isObject(v)) {
    issues.add(path, 'type', 'must be an object');
    return undefined;
  }
  const before = issues.list.length;
  unknownProps(v, DOCUMENT_PROPS, path, issues);
  const key = cleanKey(own(v, 'key'), `${path}.key`, issues);
  const label = cleanBilingual(own(v, 'label'), `${path}.label`, FORM_LIMITS.labelLength, issues);
  const rawTypes = own(v, 'types');
  let types: DocumentType[] | undefined;
  if (!Array.isArray(rawTypes) || rawTypes.length === 0) issues.add(`${path}.types`, 'required', `must list at least one of ${DOCUMENT_TYPES.join(', ')}`);
  else if (rawTypes.some((t) => !(DOCUMENT_TYPES as readonly unknown[]).includes(t))) issues.add(`${path}.types`, 'document_type', `may only contain ${DOCUMENT_TYPES.join(', ')}`);
  else if (new Set(rawTypes).size !== rawTypes.length) issues.add(`${path}.types`, 'duplicate', 'lists a type twice');
  else types = DOCUMENT_TYPES.filter((t) => rawTypes.includes(t)); // canonical order
  const maxSizeBytes = optionalInteger(own(v, 'maxSizeBytes'), `${path}.maxSizeBytes`, FORM_LIMITS.minFileBytes, maxFileBytes, issues);
  if (maxSizeBytes === undefined) issues.add(`${path}.maxSizeBytes`, 'required', 'is required');
  const required = optionalBoolean(own(v, 'required'), `${path}.required`, issues) ?? false;
  if (issues.list.length > before || !key || !label || !types || typeof maxSizeBytes !== 'number') return undefined;
  return { key, label, types, maxSizeBytes, required };
}

function cleanField(v: unknown, path: string, documents: Map<string, RequiredDocument> | null, issues: Issues): FormField | undefined {
  if (!isObject(v)) {
    issues.add(path, 'type', 'must be an object');
    return undefined;
  }
  const before = issues.list.length;
  unknownProps(v, FIELD_PROPS, path, issues);
  const type = own(v, 'type');
  if (typeof type !== 'string' || !(FIELD_TYPES as readonly string[]).includes(type)) {
    issues.add(`${path}.type`, 'field_type', `must be one of ${FIELD_TYPES.join(', ')}`);
    return undefined;
  }
  const t = type as FieldType;
  const key = cleanKey(own(v, 'key'), `${path}.key`, issues);
  const label = cleanBilingual(own(v, 'label'), `${path}.label`, FORM_LIMITS.labelLength, issues);
  const rawHelp = own(v, 'help');
  const help = rawHelp === undefined ? undefined : cleanBilingual(rawHelp, `${path}.help`, FORM_LIMITS.helpLength, issues);
  const required = optionalBoolean(own(v, 'required'), `${path}.required`, issues) ?? false;

  const rawRules = own(v, 'rules');
  let rules: Json = {};
  if (rawRules !== undefined) {
    if (!isObject(rawRules)) issues.add(`${path}.rules`, 'type', 'must be an object');
    else {
      rules = rawRules;
      for (const k of Object.keys(rules)) {
        if (!RULES_BY_TYPE[t].includes(k)) issues.add(`${path}.rules.${k}`, 'not_applicable', `is not a rule of ${t} fields`);
      }
    }
  }
  if (t !== 'select' && own(v, 'options') !== undefined) issues.add(`${path}.options`, 'not_applicable', 'only choice fields have options');
  if (t !== 'file' && own(v, 'document') !== undefined) issues.add(`${path}.document`, 'not_applicable', 'only file fields refer to a document');

  const common = { key: key ?? '', label: label ?? { en: '', hi: '' }, required, ...(help ? { help } : {}) };
  let field: FormField | undefined;
  switch (t) {
    case 'text': {
      const r = cleanTextRules(rules, `${path}.rules`, issues);
      if (r) field = { ...common, type: t, rules: r };
      break;
    }
    case 'number': {
      const r = cleanNumberRules(rules, `${path}.rules`, issues);
      if (r) field = { ...common, type: t, rules: r };
      break;
    }
    case 'date': {
      const r = cleanDateRules(rules, `${path}.rules`, issues);
      if (r) field = { ...common, type: t, rules: r };
      break;
    }
    case 'select': {
      const options = cleanOptions(own(v, 'options'), `${path}.options`, issues);
      if (options) field = { ...common, type: t, options };
      break;
    }
    case 'checkbox':
      field = { ...common, type: t };
      break;
    case 'file': {
      const document = own(v, 'document');
      if (typeof document !== 'string' || !document) issues.add(`${path}.document`, 'required', 'must name one of the required documents');
      else if (documents && !documents.has(document)) issues.add(`${path}.document`, 'unknown_document', `"${document.slice(0, 40)}" is not one of the required documents`);
      else if (documents && documents.get(document)!.required !== required) {
        issues.add(`${path}.required`, 'mismatch', 'must match the "required" of the document it uploads');
      } else field = { ...common, type: t, document };
      break;
    }
  }
  if (issues.list.length > before || !key || !label) return undefined;
  return field;
}

/**
 * Checks and normalises an admin's form definition: unique keys, rules that fit each field type and
 * make sense together, options for choice fields, safe patterns, file fields that upload a declared
 * document, at most 50 fields and 20 documents. Texts are NFC-normalised and trimmed; defaults are
 * filled in (text maxLength 200, required false) so stored definitions are explicit.
 */
export function validateFormDefinition(input: unknown, opts: { maxFileBytes?: number } = {}): Result<FormDefinition> {
  const issues = new Issues();
  const maxFileBytes = Math.min(opts.maxFileBytes ?? FORM_LIMITS.maxFileBytes, FORM_LIMITS.maxFileBytes);
  if (!isObject(input)) {
    issues.add('', 'type', 'must be an object with "fields" and "documents"');
    return { ok: false, issues: issues.list };
  }
  unknownProps(input, ['fields', 'documents'], '', issues);
  const rawFields = own(input, 'fields');
  const rawDocuments = own(input, 'documents') ?? [];

  const documents: RequiredDocument[] = [];
  let documentsOk = true;
  if (!Array.isArray(rawDocuments)) {
    issues.add('documents', 'type', 'must be a list');
    documentsOk = false;
  } else if (rawDocuments.length > FORM_LIMITS.documents) {
    issues.add('documents', 'too_many', `must have at most ${FORM_LIMITS.documents} documents`, { max: FORM_LIMITS.documents });
    documentsOk = false;
  } else {
    const seen = new Set<string>();
    rawDocuments.forEach((d: unknown, i) => {
      const doc = cleanDocument(d, `documents.${i}`, maxFileBytes, issues);
      if (!doc) documentsOk = false;
      else if (seen.has(doc.key)) {
        issues.add(`documents.${i}.key`, 'duplicate', `"${doc.key}" is used by another document`);
        documentsOk = false;
      } else {
        seen.add(doc.key);
        documents.push(doc);
      }
    });
  }
  const byKey = documentsOk ? new Map(documents.map((d) => [d.key, d])) : null;

  const fields: FormField[] = [];
  if (!Array.isArray(rawFields)) issues.add('fields', 'type', 'must be a list');
  else if (rawFields.length > FORM_LIMITS.fields) issues.add('fields', 'too_many', `must have at most ${FORM_LIMITS.fields} fields`, { max: FORM_LIMITS.fields });
  else {
    const seen = new Set<string>();
    const uploaded = new Set<string>();
    rawFields.forEach((f: unknown, i) => {
      if (issues.full) return;
      const field = cleanField(f, `fields.${i}`, byKey, issues);
      if (!field) return;
      if (seen.has(field.key)) issues.add(`fields.${i}.key`, 'duplicate', `"${field.key}" is used by another field`);
      else if (field.type === 'file' && uploaded.has(field.document)) issues.add(`fields.${i}.document`, 'duplicate', 'another file field already uploads this document');
      else {
        seen.add(field.key);
        if (field.type === 'file') uploaded.add(field.document);
        fields.push(field);
      }
    });
  }
  return issues.list.length ? { ok: false, issues: issues.list } : { ok: true, value: { fields, documents } };
}

// ---------------------------------------------------------------------------------------------------
// Dates

export function isValidIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return false;
  return s >= EARLIEST_DATE && s <= LATEST_DATE;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const isoOf = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;

/**
 * A date bound as YYYY-MM-DD for the given day: absolute bounds as they are, relative ones counted
 * from `today`. Months and years keep the day of the month, clamped to the month's end (the 31st
 * minus one month is the 30th or the 28th/29th; 29 February minus one year is 28 February).
 */
export function resolveDateBound(bound: string, today: string): string {
  const rel = RELATIVE_DATE.exec(bound);
  if (!rel) return bound;
  const t = ISO_DATE.exec(today);
  if (!t) throw new RangeError(`today must be YYYY-MM-DD, got ${JSON.stringify(today)}`);
  let [y, m, d] = [Number(t[1]), Number(t[2]), Number(t[3])];
  if (!rel[1]) return today;
  const n = Number(rel[2]) * (rel[1] === '-' ? -1 : 1);
  const unit = rel[3];
  if (unit === 'd' || unit === 'w') {
    const date = new Date(Date.UTC(y, m - 1, d + n * (unit === 'w' ? 7 : 1)));
    return isoOf(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
  }
  const months = unit === 'y' ? n * 12 : n;
  const total = y * 12 + (m - 1) + months;
  y = Math.floor(total / 12);
  m = (total % 12) + 1;
  d = Math.min(d, daysInMonth(y, m));
  return isoOf(y, m, d);
}

/** Today's date in India (IST, UTC+5:30, no daylight saving) as YYYY-MM-DD: the day relative bounds count from. */
export function todayInIndia(now: Date = new Date()): string {
  return new Date(now.getTime() + 330 * 60_000).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------------
// Submissions

export type FormValue = string | number | boolean;
export type FormValues = Record<string, FormValue>;

export interface SubmissionOptions {
  /** The day relative date bounds count from, YYYY-MM-DD (use todayInIndia()). */
  today: string;
  /**
   * A draft: missing required answers are not errors (everything given is still checked), so a
   * half-filled form can be saved and resumed.
   */
  partial?: boolean;
}

const patternCache = new Map<string, RegExp>();
function matcher(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (!re) {
    if (patternCache.size > 500) patternCache.clear();
    re = compilePattern(pattern);
    patternCache.set(pattern, re);
  }
  return re;
}

const isEmpty = (v: unknown) => v === undefined || v === null || v === '';

function checkText(field: Extract<FormField, { type: 'text' }>, v: unknown, issues: Issues): string | undefined {
  const { key, rules } = field;
  if (typeof v !== 'string') return void issues.add(key, 'type', 'must be text');
  // Refuse absurd input before normalising it: NFC never grows a text more than threefold.
  if (v.length > rules.maxLength * 3 + 64) return void issues.add(key, 'max_length', `must be at most ${rules.maxLength} characters`, { max: rules.maxLength });
  const s = v.normalize('NFC').trim();
  if (BAD_CHARS.test(s) || (!rules.multiline && LINE_BREAK.test(s))) return void issues.add(key, 'invalid_characters', 'contains characters that are not allowed');
  if (!s) return '';
  const length = codePoints(s);
  if (length > rules.maxLength) return void issues.add(key, 'max_length', `must be at most ${rules.maxLength} characters`, { max: rules.maxLength });
  if (rules.minLength !== undefined && length < rules.minLength) return void issues.add(key, 'min_length', `must be at least ${rules.minLength} characters`, { min: rules.minLength });
  if (rules.pattern !== undefined && !matcher(rules.pattern).test(s)) {
    return void issues.add(key, 'pattern', rules.patternMessage?.en ?? 'is not in the expected format');
  }
  return s;
}

function checkNumber(field: Extract<FormField, { type: 'number' }>, v: unknown, issues: Issues): number | undefined {
  const { key, rules } = field;
  if (typeof v !== 'number' || !Number.isFinite(v)) return void issues.add(key, 'type', 'must be a number');
  if (Math.abs(v) > FORM_LIMITS.numberAbs) return void issues.add(key, 'max', 'is too large');
  if (rules.integer && !Number.isInteger(v)) return void issues.add(key, 'integer', 'must be a whole number');
  if (rules.min !== undefined && v < rules.min) return void issues.add(key, 'min', `must be at least ${rules.min}`, { min: rules.min });
  if (rules.max !== undefined && v > rules.max) return void issues.add(key, 'max', `must be at most ${rules.max}`, { max: rules.max });
  return Object.is(v, -0) ? 0 : v;
}

function checkDate(field: Extract<FormField, { type: 'date' }>, v: unknown, today: string, issues: Issues): string | undefined {
  const { key, rules } = field;
  if (typeof v !== 'string' || v.length !== 10 || !isValidIsoDate(v)) return void issues.add(key, 'date', 'must be a date as YYYY-MM-DD');
  if (rules.minDate !== undefined) {
    const min = resolveDateBound(rules.minDate, today);
    if (v < min) return void issues.add(key, 'min_date', `must be on or after ${min}`, { min });
  }
  if (rules.maxDate !== undefined) {
    const max = resolveDateBound(rules.maxDate, today);
    if (v > max) return void issues.add(key, 'max_date', `must be on or before ${max}`, { max });
  }
  return v;
}

/**
 * Checks a customer's answers against one version of a form, on the server, whatever the browser did:
 * only known keys, the right type for each (no arrays or objects for scalars, no NaN or Infinity),
 * required answers present, every rule met. Texts come back NFC-normalised and trimmed; empty answers
 * (missing, null or "") are left out; unticked checkboxes are `false`; a file field's answer is the id
 * (uuid) of an uploaded file, whose ownership and type the applications module checks with
 * checkDocumentFile(). Never throws; at most 100 issues are reported.
 */
export function validateSubmission(definition: FormDefinition, input: unknown, opts: SubmissionOptions): Result<FormValues> {
  const issues = new Issues();
  if (!ISO_DATE.test(opts.today)) throw new RangeError('opts.today must be YYYY-MM-DD');
  if (!isObject(input)) {
    issues.add('', 'type', 'answers must be an object of field keys and values');
    return { ok: false, issues: issues.list };
  }
  const keys = Object.keys(input);
  if (keys.length > FORM_LIMITS.submissionKeys) {
    issues.add('', 'too_many', 'has far more answers than the form has fields');
    return { ok: false, issues: issues.list };
  }
  const fieldsByKey = new Map(definition.fields.map((f) => [f.key, f]));
  for (const k of keys) {
    if (!fieldsByKey.has(k)) issues.add(k.slice(0, 64), 'unknown', 'is not a field of this form');
  }
  const values = new Map<string, FormValue>();
  for (const field of definition.fields) {
    if (issues.full) break;
    const raw = own(input, field.key);
    if (field.type === 'checkbox') {
      if (raw !== undefined && raw !== null && typeof raw !== 'boolean') issues.add(field.key, 'type', 'must be true or false');
      else if (field.required && raw !== true && !opts.partial) issues.add(field.key, 'required', 'must be ticked');
      else values.set(field.key, raw === true);
      continue;
    }
    if (isEmpty(raw)) {
      if (field.required && !opts.partial) issues.add(field.key, 'required', 'is required');
      continue;
    }
    let value: FormValue | undefined;
    switch (field.type) {
      case 'text':
        value = checkText(field, raw, issues);
        if (value === '') {
          value = undefined;
          if (field.required && !opts.partial) issues.add(field.key, 'required', 'is required');
        }
        break;
      case 'number':
        value = checkNumber(field, raw, issues);
        break;
      case 'date':
        value = checkDate(field, raw, opts.today, issues);
        break;
      case 'select':
        if (typeof raw !== 'string') issues.add(field.key, 'type', 'must be one of the options');
        else if (!field.options.some((o) => o.value === raw)) issues.add(field.key, 'option', 'is not one of the options');
        else value = raw;
        break;
      case 'file':
        if (typeof raw !== 'string' || !UUID.test(raw)) issues.add(field.key, 'file', 'must be the id of an uploaded file');
        else value = raw.toLowerCase();
        break;
    }
    if (value !== undefined) values.set(field.key, value);
  }
  if (issues.list.length) return { ok: false, issues: issues.list };
  return { ok: true, value: Object.fromEntries(values) };
}

/** Checks an uploaded file's detected type and size against a required document's rules. */
export function checkDocumentFile(document: RequiredDocument, file: { type: string; sizeBytes: number }): FormIssue | null {
  if (!(document.types as string[]).includes(file.type)) {
    return { field: document.key, rule: 'document_type', message: `must be ${document.types.join(', ')}`, params: { types: document.types.join(', ') } };
  }
  if (!Number.isFinite(file.sizeBytes) || file.sizeBytes > document.maxSizeBytes) {
    return { field: document.key, rule: 'document_size', message: `must be at most ${document.maxSizeBytes} bytes`, params: { max: document.maxSizeBytes } };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------
// Fees

export interface FeeInput {
  platformFeePaise: number;
  governmentFeePaise: number;
  /** GST on the platform fee, in basis points (1800 = 18 %). */
  gstRateBps: number;
}

export interface FeeBreakdown {
  platformFee: number;
  governmentFee: number;
  gstRateBps: number;
  gst: number;
  total: number;
}

/**
 * What a customer pays for a service, in integer paise. GST applies to the platform's own fee only:
 * the government fee is collected and paid on as the customer's pure agent (CGST Rules, rule 33), so it
 * is outside the taxable value. GST = platform fee × rate, rounded half up to the paisa (₹0.25 at 18 %
 * = 4.5 paise → 5 paise). Computed in integers, exact for every fee the catalogue allows.
 */
export function computeFees(s: FeeInput): FeeBreakdown {
  for (const [name, v] of Object.entries({ platformFeePaise: s.platformFeePaise, governmentFeePaise: s.governmentFeePaise, gstRateBps: s.gstRateBps })) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
  }
  if (s.gstRateBps > 10_000) throw new RangeError('gstRateBps must be at most 10000');
  if (s.platformFeePaise > 1e11 || s.governmentFeePaise > 1e13) throw new RangeError('fee out of range');
  const gst = Math.floor((s.platformFeePaise * s.gstRateBps + 5_000) / 10_000);
  return {
    platformFee: s.platformFeePaise,
    governmentFee: s.governmentFeePaise,
    gstRateBps: s.gstRateBps,
    gst,
    total: s.platformFeePaise + gst + s.governmentFeePaise,
  };
}
