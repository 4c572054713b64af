import { isIP } from 'node:net';
import { badRequest } from '../../../platform/errors.js';
import { parseCsv } from '../../../platform/csv.js';
import { normaliseWaId } from './wa-id.js';

/**
 * Reading a contacts CSV (pure): a header row names the columns (in any order, common spellings
 * accepted), every row is checked on its own, and each problem is reported against its line so a
 * person can fix the file. Nothing here touches the database; contacts.service.ts applies the rows.
 */

export const MAX_IMPORT_ROWS = 5000;

type Column = 'phone' | 'name' | 'tags' | 'opt_in_source' | 'opt_in_evidence' | 'opt_in_at' | 'opt_in_ip' | 'opt_in_document';

const ALIASES: Record<Column, string[]> = {
  phone: ['phone', 'mobile', 'number', 'waid', 'whatsapp', 'whatsappnumber', 'phonenumber', 'mobilenumber'],
  name: ['name', 'fullname', 'contactname'],
  tags: ['tags', 'tag', 'labels', 'groups'],
  opt_in_source: ['optinsource', 'source', 'consentsource', 'optinmethod', 'method'],
  opt_in_evidence: ['optinevidence', 'evidence', 'consentevidence', 'proof'],
  opt_in_at: ['optinat', 'optedinat', 'optindate', 'consentdate', 'consentat'],
  opt_in_ip: ['optinip', 'ip', 'ipaddress'],
  opt_in_document: ['optindocument', 'document', 'documentref', 'documentreference'],
};

const key = (header: string) => header.toLowerCase().replace(/[^a-z]/g, '');

export interface ImportOptIn {
  method: string | null;
  evidence: string;
  occurredAt: Date | null;
  ip: string | null;
  documentRef: string | null;
}

export interface ParsedRow {
  line: number;
  phone: string;
  waId: string | null;
  name: string | null;
  tags: string[];
  optIn: ImportOptIn | null;
  errors: string[];
}

export interface ParsedImport {
  rows: ParsedRow[];
  ignoredColumns: string[];
}

/** "12/03/2026" and "12-03-2026" are day first, as in India; a date alone is midnight IST. */
export function parseConsentDate(s: string, now = new Date()): Date | null {
  let d: Date | null = null;
  const ymd = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const dmy = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$/.exec(s);
  if (ymd || dmy) {
    const [y, mo, day] = ymd ? [Number(ymd[1]), Number(ymd[2]), Number(ymd[3])] : [Number(dmy![3]), Number(dmy![2]), Number(dmy![1])];
    const utc = new Date(Date.UTC(y, mo - 1, day));
    // 31/02 would roll over into March: refuse what the calendar does not have.
    if (utc.getUTCFullYear() !== y || utc.getUTCMonth() !== mo - 1 || utc.getUTCDate() !== day) return null;
    d = new Date(utc.getTime() - 5.5 * 3600_000);
  } else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s)) {
    d = new Date(s.replace(' ', 'T'));
  }
  if (!d || !Number.isFinite(d.getTime()) || d.getTime() > now.getTime() + 60_000 || d.getUTCFullYear() < 2000) return null;
  return d;
}

export function splitTags(cell: string): string[] {
  const tags = cell
    .split(/[;|,]/)
    .map((t) => t.trim().replace(/\s+/g, ' '))
    .filter(Boolean);
  return [...new Set(tags)];
}

export function parseContactsCsv(text: string): ParsedImport {
  let table: string[][];
  try {
    table = parseCsv(text, MAX_IMPORT_ROWS + 1);
  } catch (err) {
    throw badRequest('invalid_csv', `The file could not be read as CSV: ${(err as Error).message}. At most ${MAX_IMPORT_ROWS} contacts per file.`);
  }
  const [header, ...body] = table;
  if (!header) throw badRequest('invalid_csv', 'The file is empty.');
  const columns = new Map<Column, number>();
  const ignoredColumns: string[] = [];
  header.forEach((h, i) => {
    const col = (Object.keys(ALIASES) as Column[]).find((c) => ALIASES[c].includes(key(h)));
    if (col && !columns.has(col)) columns.set(col, i);
    else if (h.trim()) ignoredColumns.push(h.trim().slice(0, 60));
  });
  if (!columns.has('phone')) throw badRequest('invalid_csv', 'The first row must name the columns, one of them "phone" (the WhatsApp number).');
  if (!body.length) throw badRequest('invalid_csv', 'The file has a header row but no contacts.');

  const seen = new Map<string, number>();
  const rows = body.map((cells, i): ParsedRow => {
    const line = i + 2;
    const get = (c: Column) => {
      const idx = columns.get(c);
      return idx === undefined ? '' : (cells[idx] ?? '').trim();
    };
    const errors: string[] = [];
    const phone = get('phone');
    const waId = phone ? normaliseWaId(phone) : null;
    if (!phone) errors.push('The phone number is missing.');
    else if (!waId) errors.push(`“${phone.slice(0, 32)}” is not a WhatsApp number with its country code.`);
    else if (seen.has(waId)) errors.push(`The same number is on line ${seen.get(waId)}.`);
    else seen.set(waId, line);
    const name = get('name');
    if (name.length > 200) errors.push('The name is longer than 200 characters.');
    const tags = splitTags(get('tags'));
    if (tags.length > 20) errors.push('At most 20 tags.');
    if (tags.some((t) => t.length > 40)) errors.push('A tag is longer than 40 characters.');

    let optIn: ImportOptIn | null = null;
    const evidence = get('opt_in_evidence');
    const method = get('opt_in_source');
    const at = get('opt_in_at');
    const ip = get('opt_in_ip');
    const documentRef = get('opt_in_document');
    if (evidence || method || at || ip || documentRef) {
      if (evidence.length < 5) errors.push('An opt-in needs its evidence (opt_in_evidence): what the person agreed to, where and how.');
      if (evidence.length > 2000) errors.push('The opt-in evidence is longer than 2000 characters.');
      if (method.length > 30) errors.push('The opt-in source is longer than 30 characters.');
      const occurredAt = at ? parseConsentDate(at) : null;
      if (at && !occurredAt) errors.push(`“${at.slice(0, 40)}” is not a date in the past (use YYYY-MM-DD or DD/MM/YYYY).`);
      if (ip && !isIP(ip)) errors.push(`“${ip.slice(0, 45)}” is not an IP address.`);
      if (documentRef.length > 200) errors.push('The document reference is longer than 200 characters.');
      optIn = { method: method || null, evidence, occurredAt, ip: ip || null, documentRef: documentRef || null };
    }
    return { line, phone, waId, name: name || null, tags, optIn, errors };
  });
  return { rows, ignoredColumns };
}
