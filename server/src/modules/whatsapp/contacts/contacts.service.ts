import { isIP } from 'node:net';
import type { Db, Queryable } from '../../../db/index.js';
import type { Actor, RequestMeta } from '../../../platform/actor.js';
import { toCsv } from '../../../platform/csv.js';
import { AppError, badRequest, conflict, notFound } from '../../../platform/errors.js';
import { insertActivity } from '../../audit/activity.repo.js';
import type { InboundEvents } from '../inbound/inbound-events.js';
import { changeConsent } from './consent-changes.js';
import { MAX_IMPORT_ROWS, parseContactsCsv, splitTags, type ParsedRow } from './contacts-import.js';
import * as repo from './contacts.repo.js';
import type { ConsentAction, ContactFilter, ContactRow } from './contacts.repo.js';
import { decodeCursor, encodeCursor } from '../keyset-cursor.js';
import { normaliseWaId } from './wa-id.js';

/**
 * Contacts and consent for the web app and the /v1 API: a tenant's contacts with tags, opt-in
 * records with their proof, opt-outs, and CSV import with a report per row. Every change by a person
 * or an API key is in the activity log; consent changes go through consent-changes.ts.
 */

export type Channel = 'ui' | 'api';

export interface ConsentProof {
  method?: string | undefined;
  evidence?: string | undefined;
  ip?: string | undefined;
  documentRef?: string | undefined;
  occurredAt?: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** "website form" → "website_form": the how, kept in the source as `<channel>:<method>`. */
const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .slice(0, 30);

function sourceOf(channel: Channel | 'import', method: string | null | undefined): string {
  const m = method ? slug(method) : '';
  return m ? `${channel}:${m}` : channel;
}

function cleanTags(tags: string[] | undefined): string[] | undefined {
  return tags === undefined ? undefined : splitTags(tags.join(';'));
}

function occurredAt(value: string | undefined): Date {
  if (!value) return new Date();
  const d = new Date(value);
  if (d.getTime() > Date.now() + 60_000) throw badRequest('validation_failed', 'Consent cannot be given in the future.', [{ field: 'occurredAt', message: 'is in the future' }]);
  return d;
}

function checkProof(action: ConsentAction, p: ConsentProof): void {
  if (action === 'opt_in' && (p.evidence?.trim().length ?? 0) < 5) {
    throw badRequest('evidence_required', 'An opt-in needs its evidence: what the person agreed to, where and how (at least 5 characters).', [
      { field: 'evidence', message: 'is required for an opt-in' },
    ]);
  }
  if (p.ip && !isIP(p.ip)) throw badRequest('validation_failed', 'The IP address is not valid.', [{ field: 'ip', message: 'is not an IP address' }]);
}

export function createContactsService(deps: { db: Db; events?: InboundEvents }) {
  const { db, events } = deps;

  async function list(tenantId: string, f: Omit<ContactFilter, 'before'> & { cursor?: string | undefined }) {
    const rows = await repo.listContacts(db, tenantId, { ...f, before: decodeCursor(f.cursor), limit: f.limit + 1 });
    const items = rows.slice(0, f.limit);
    return { items, nextCursor: rows.length > f.limit ? encodeCursor(items[items.length - 1]!) : null };
  }

  /** A contact by id, or (for /v1) by its WhatsApp number; another tenant's is not found. */
  async function resolve(q: Queryable, tenantId: string, ref: string, lock = false): Promise<ContactRow> {
    let row: ContactRow | null = null;
    if (UUID.test(ref)) row = await repo.findContact(q, tenantId, ref, lock);
    else {
      const waId = normaliseWaId(ref);
      const found = waId ? await repo.findContactByWaId(q, tenantId, waId) : null;
      row = found && lock ? await repo.findContact(q, tenantId, found.id, true) : found;
    }
    if (!row) throw notFound('Contact');
    return row;
  }

  async function detail(tenantId: string, ref: string) {
    const contact = await resolve(db, tenantId, ref);
    const [history, windows] = await Promise.all([repo.consentHistory(db, tenantId, contact.id), repo.windowsOf(db, tenantId, contact.wa_id)]);
    return { contact, history, windows };
  }

  async function recordConsent(q: Queryable, actor: Actor, tenantId: string, contact: ContactRow, action: ConsentAction, proof: ConsentProof, channel: Channel | 'import', meta: RequestMeta) {
    checkProof(action, proof);
    return changeConsent(q, {
      tenantId,
      contactId: contact.id,
      action,
      source: sourceOf(channel, proof.method),
      evidence: proof.evidence?.trim() || null,
      ip: proof.ip ?? null,
      documentRef: proof.documentRef?.trim() || null,
      occurredAt: occurredAt(proof.occurredAt),
      actor,
      meta,
      events,
    });
  }

  async function create(actor: Actor, tenantId: string, input: { phone: string; name?: string | undefined; tags?: string[] | undefined; optIn?: ConsentProof | undefined }, channel: Channel, meta: RequestMeta) {
    const waId = normaliseWaId(input.phone);
    if (!waId) throw badRequest('invalid_phone', 'Enter the WhatsApp number with its country code, e.g. +91 98765 43210.', [{ field: 'phone', message: 'is not a WhatsApp number' }]);
    if (input.optIn) checkProof('opt_in', input.optIn);
    return db.tx(async (tx) => {
      const row = await repo.insertContact(tx, { tenantId, waId, name: input.name?.trim() || null, tags: cleanTags(input.tags) ?? [] });
      if (!row) throw conflict('contact_exists', 'A contact with this number already exists.');
      await insertActivity(tx, actor, { action: 'whatsapp.contact_created', subjectUserId: tenantId, object: { type: 'wa_contact', id: row.id }, details: { waId } }, meta);
      if (!input.optIn) return row;
      return (await recordConsent(tx, actor, tenantId, row, 'opt_in', input.optIn, channel, meta)).contact;
    });
  }

  async function update(actor: Actor, tenantId: string, ref: string, input: { name?: string | null | undefined; tags?: string[] | undefined }, meta: RequestMeta) {
    return db.tx(async (tx) => {
      const before = await resolve(tx, tenantId, ref, true);
      const row = await repo.updateContact(tx, tenantId, before.id, { name: input.name === undefined ? undefined : input.name?.trim() || null, tags: cleanTags(input.tags) });
      const changes: Record<string, unknown> = {};
      if (input.name !== undefined && row!.name !== before.name) changes.name = { from: before.name, to: row!.name };
      if (input.tags !== undefined && row!.tags.join('\n') !== before.tags.join('\n')) changes.tags = { from: before.tags, to: row!.tags };
      if (Object.keys(changes).length) {
        await insertActivity(tx, actor, { action: 'whatsapp.contact_updated', subjectUserId: tenantId, object: { type: 'wa_contact', id: before.id }, details: changes }, meta);
      }
      return row!;
    });
  }

  /**
   * Deletes a contact that has no consent history. One with history is the proof of an opt-in or an
   * opt-out: deleting it would forget that a person said stop.
   */
  async function remove(actor: Actor, tenantId: string, ref: string, meta: RequestMeta) {
    await db.tx(async (tx) => {
      const contact = await resolve(tx, tenantId, ref, true);
      if (await repo.hasConsentHistory(tx, contact.id)) {
        throw new AppError(409, 'consent_history_kept', 'This contact has consent records, which are kept as proof. Remove their tags or name instead, or opt them out.');
      }
      await repo.deleteContact(tx, tenantId, contact.id);
      await insertActivity(tx, actor, { action: 'whatsapp.contact_deleted', subjectUserId: tenantId, object: { type: 'wa_contact', id: contact.id }, details: { waId: contact.wa_id } }, meta);
    });
  }

  async function consent(actor: Actor, tenantId: string, ref: string, action: ConsentAction, proof: ConsentProof, channel: Channel, meta: RequestMeta) {
    return db.tx(async (tx) => {
      const contact = await resolve(tx, tenantId, ref, true);
      return (await recordConsent(tx, actor, tenantId, contact, action, proof, channel, meta)).contact;
    });
  }

  /**
   * Imports a CSV in one transaction: rows with errors are reported and skipped, the others created
   * or updated (name when given, tags added), and their opt-ins recorded with the proof given. An
   * import never re-opts-in a person who opted out later than the opt-in it carries.
   */
  async function importCsv(actor: Actor, tenantId: string, csv: string, meta: RequestMeta) {
    const parsed = parseContactsCsv(csv);
    const results: { row: ParsedRow; status: 'created' | 'updated' | 'error'; warnings: string[] }[] = [];
    let optIns = 0;
    await db.tx(async (tx) => {
      for (const row of parsed.rows) {
        if (row.errors.length || !row.waId) {
          results.push({ row, status: 'error', warnings: [] });
          continue;
        }
        const [c] = await tx.query<ContactRow & { inserted: boolean }>(
          `INSERT INTO wa_contacts (tenant_id, wa_id, name, tags) VALUES ($1, $2, $3, $4)
           ON CONFLICT (tenant_id, wa_id) DO UPDATE SET
             name = COALESCE(EXCLUDED.name, wa_contacts.name),
             tags = ARRAY(SELECT DISTINCT unnest(wa_contacts.tags || EXCLUDED.tags) ORDER BY 1),
             updated_at = now()
           RETURNING *, (xmax = 0) AS inserted`,
          [tenantId, row.waId, row.name, row.tags],
        );
        const warnings: string[] = [];
        if (row.optIn) {
          const at = row.optIn.occurredAt ?? new Date();
          if (c!.opted_out_at && c!.opted_out_at >= at) {
            warnings.push(`Opted out on ${c!.opted_out_at.toISOString().slice(0, 10)}: the opt-in in the file is not newer, so it was not recorded.`);
          } else {
            await changeConsent(tx, {
              tenantId,
              contactId: c!.id,
              action: 'opt_in',
              source: sourceOf('import', row.optIn.method),
              evidence: row.optIn.evidence,
              ip: row.optIn.ip,
              documentRef: row.optIn.documentRef,
              occurredAt: at,
              actor,
              meta,
              events,
            });
            optIns++;
          }
        }
        results.push({ row, status: c!.inserted ? 'created' : 'updated', warnings });
      }
      const count = (s: string) => results.filter((r) => r.status === s).length;
      await insertActivity(
        tx,
        actor,
        { action: 'whatsapp.contacts_imported', subjectUserId: tenantId, details: { rows: results.length, created: count('created'), updated: count('updated'), failed: count('error'), optIns } },
        meta,
      );
    });
    const problems = results
      .filter((r) => r.status === 'error' || r.warnings.length)
      .map((r) => ({ line: r.row.line, phone: r.row.phone, waId: r.row.waId, status: r.status, errors: r.row.errors, warnings: r.warnings }));
    return {
      total: results.length,
      created: results.filter((r) => r.status === 'created').length,
      updated: results.filter((r) => r.status === 'updated').length,
      failed: results.filter((r) => r.status === 'error').length,
      optIns,
      ignoredColumns: parsed.ignoredColumns,
      problems,
      errorReportCsv: problems.length
        ? toCsv(
            ['line', 'phone', 'status', 'errors', 'warnings'],
            problems.map((p) => [p.line, p.phone, p.status === 'error' ? 'not imported' : 'imported', p.errors.join(' '), p.warnings.join(' ')]),
          )
        : null,
    };
  }

  return { list, resolve: (tenantId: string, ref: string) => resolve(db, tenantId, ref), detail, create, update, remove, consent, importCsv, maxImportRows: MAX_IMPORT_ROWS };
}

export type ContactsService = ReturnType<typeof createContactsService>;
