/**
 * Meta's webhook envelope, read defensively (pure): `{object, entry:[{id, time?, changes:[{field,
 * value}]}]}`. Real traffic batches many entries and changes, adds fields without notice and may
 * leave out ones older versions had, so nothing here throws on an unexpected shape: each change is
 * returned with what could be read of it, and the caller stores what it cannot use.
 */

export type Json = Record<string, unknown>;
export const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A non-empty string (or a number as one), made storable; null otherwise. */
export const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? clean(v) : typeof v === 'number' && Number.isFinite(v) ? String(v) : null);
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export interface EnvelopeChange {
  /** "entry.change", e.g. "0.1": where the change sits in the POST, for outcomes and logs. */
  path: string;
  /** The business account (entry.id). */
  wabaId: string | null;
  field: string;
  value: Json;
  /** value.metadata.phone_number_id: the number the change is about, when it names one. */
  phoneNumberId: string | null;
  /** entry.time (unix seconds), which template and account events carry. */
  time: number | null;
}

export interface Envelope {
  object: string | null;
  changes: EnvelopeChange[];
}

/** Parses the raw body; null when it is not a JSON object at all. */
export function parseEnvelope(raw: string): Envelope | null {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isObj(body)) return null;
  const changes: EnvelopeChange[] = [];
  arr(body.entry).forEach((entry, e) => {
    if (!isObj(entry)) return;
    arr(entry.changes).forEach((change, c) => {
      if (!isObj(change)) return;
      const value = isObj(change.value) ? change.value : {};
      const metadata = isObj(value.metadata) ? value.metadata : {};
      changes.push({
        path: `${e}.${c}`,
        wabaId: str(entry.id),
        field: str(change.field) ?? 'unknown',
        value,
        phoneNumberId: str(metadata.phone_number_id),
        time: typeof entry.time === 'number' && Number.isFinite(entry.time) ? entry.time : null,
      });
    });
  });
  return { object: str(body.object), changes };
}

/** Every phone_number_id and business account the body names (for signature checks and indexing). */
export function namedIds(envelope: Envelope): { phoneNumberIds: string[]; wabaIds: string[] } {
  const phones = new Set<string>();
  const wabas = new Set<string>();
  for (const c of envelope.changes) {
    if (c.phoneNumberId) phones.add(c.phoneNumberId);
    if (c.wabaId) wabas.add(c.wabaId);
  }
  return { phoneNumberIds: [...phones], wabaIds: [...wabas] };
}

/** Meta's unix-seconds timestamps ("1749416383"); null when absent or not a time. */
export function metaTime(v: unknown): Date | null {
  const s = str(v);
  if (!s || !/^[0-9]{1,12}$/.test(s)) return null;
  const d = new Date(Number(s) * 1000);
  return Number.isFinite(d.getTime()) ? d : null;
}

/**
 * The time an event happened, as Meta reports it, but never in the future: a clock running ahead
 * must not open a customer-service window that lasts longer than 24 hours.
 */
export function eventTime(v: unknown, now = new Date()): Date {
  const t = metaTime(v);
  return t && t.getTime() <= now.getTime() ? t : now;
}

// eslint-disable-next-line no-control-regex -- NUL is what must go
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');
const clean = (s: string) => (UNSTORABLE.test(s) ? s.replace(UNSTORABLE_ALL, '\uFFFD') : s);

/**
 * JSON text PostgreSQL's jsonb accepts: NUL characters and lone surrogates (which a JSON body may
 * carry as escapes) become U+FFFD, so one odd message cannot make its whole webhook fail for ever.
 */
export function storableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'string') return clean(v);
    if (isObj(v) && Object.keys(v).some((k) => UNSTORABLE.test(k))) return Object.fromEntries(Object.entries(v).map(([k, x]) => [clean(k), x]));
    return v;
  });
}
