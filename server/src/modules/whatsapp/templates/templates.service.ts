import type { Db } from '../../../db/index.js';
import type { Actor, RequestMeta } from '../../../platform/actor.js';
import type { Keyring } from '../../../platform/encryption.js';
import { AppError, badRequest, conflict, notFound } from '../../../platform/errors.js';
import { insertActivity } from '../../audit/activity.repo.js';
import type { GraphClient } from '../graph/graph-client.js';
import { GraphApiError, GraphRequestError } from '../graph/graph-errors.js';
import type { CreateTemplateRequest, CreateTemplateResponse } from '../graph/graph-types.js';
import { accessTokenOf, findTenantNumber } from '../numbers/numbers.repo.js';
import { appErrorFromGraph } from './graph-failures.js';
import { checkSendParameters, expectedParameters, renderTemplate, type ParamIssue, type ParameterExpectation, type RenderedTemplate } from './template-params.js';
import { CATEGORIES, validateTemplateDraft, type DraftInput, type TemplateIssue } from './template-rules.js';
import type { TemplateSync, SyncOutcome } from './template-sync.js';
import * as repo from './templates.repo.js';
import type { EventRow, TemplateRow } from './templates.repo.js';

/**
 * The template manager's use cases: create (checked against Meta's rules, then submitted with the
 * number's token), list, look at one with its status history, preview with variables filled,
 * delete (at Meta, then here), and sync now. Each change is one transaction with its activity record.
 */

export interface CreateInput extends DraftInput {
  numberId: string;
  allowCategoryChange?: boolean | undefined;
}

export interface ListInput {
  numberId?: string | undefined;
  wabaId?: string | undefined;
  status?: string | undefined;
  category?: string | undefined;
  language?: string | undefined;
  q?: string | undefined;
  limit: number;
  offset: number;
}

/** Which business accounts a caller may see: all of the tenant's, or those of some numbers (an API key's). */
export interface Scope {
  tenantId: string;
  numberIds: readonly string[] | null;
}

export interface TemplateDetail {
  template: TemplateRow;
  events: EventRow[];
  preview: RenderedTemplate;
  expected: ParameterExpectation;
}

const unavailable = () => new AppError(503, 'whatsapp_unavailable', 'WhatsApp is not configured on this platform.');

export function createTemplatesService(deps: { db: Db; graph: GraphClient | null; ring: Keyring; sync: Pick<TemplateSync, 'syncWaba' | 'queueSync'> }) {
  const { db, graph, ring, sync } = deps;

  /** The business accounts of the numbers a scoped key may use; null = no limit. */
  async function allowedWabas(scope: Scope): Promise<string[] | null> {
    if (!scope.numberIds) return null;
    const rows = await db.query<{ waba_id: string }>('SELECT DISTINCT waba_id FROM wa_numbers WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [scope.tenantId, [...scope.numberIds]]);
    return rows.map((r) => r.waba_id);
  }

  async function visibleTemplate(scope: Scope, id: string): Promise<TemplateRow> {
    const row = await repo.findTenantTemplate(db, scope.tenantId, id);
    const wabas = await allowedWabas(scope);
    if (!row || (wabas && !wabas.includes(row.waba_id))) throw notFound('Template');
    return row;
  }

  async function tenantNumber(scope: Scope, numberId: string) {
    const number = await findTenantNumber(db, scope.tenantId, numberId);
    if (!number) throw notFound('Phone number');
    if (scope.numberIds && !scope.numberIds.includes(number.id)) throw new AppError(403, 'number_not_allowed', 'This API key may not use this phone number.');
    return number;
  }

  async function create(scope: Scope, actor: Actor, input: CreateInput, meta: RequestMeta): Promise<TemplateRow> {
    const number = await tenantNumber(scope, input.numberId);
    if (number.status === 'disconnected') throw new AppError(422, 'number_disconnected', 'This number is disconnected. Connect it again to manage its templates.');
    const draft = validateTemplateDraft(input);
    if (!draft.ok) throw invalidTemplate(draft.issues);
    const t = draft.value;
    if (await repo.findLiveTemplate(db, scope.tenantId, number.waba_id, t.name, t.language)) {
      throw conflict('template_exists', `A template named ${t.name} already exists in ${t.language} in this business account.`);
    }
    if (!graph) throw unavailable();
    const request: CreateTemplateRequest = {
      name: t.name,
      language: t.language,
      category: t.category,
      components: t.components as CreateTemplateRequest['components'],
      ...(t.parameterFormat === 'NAMED' ? { parameter_format: 'NAMED' as const } : {}),
      ...(input.allowCategoryChange ? { allow_category_change: true } : {}),
    };
    let created: CreateTemplateResponse;
    try {
      created = await graph.createTemplate(number.waba_id, accessTokenOf(ring, number), request);
    } catch (err) {
      const lostAnswer = err instanceof GraphRequestError && err.outcomeUnknown;
      const existsAtMeta = err instanceof GraphApiError && err.code === 100 && err.subcode === 2388024;
      if (lostAnswer || existsAtMeta) {
        // Meta may hold it (made there, or our answer got lost): the sync brings it here.
        await db.tx((tx) => sync.queueSync(tx, scope.tenantId, number.waba_id, lostAnswer ? 60 : 0));
      }
      if (lostAnswer) {
        throw new AppError(502, 'meta_outcome_unknown', 'Meta did not answer in time. The template may have been created; it will appear here after the next sync, within a few minutes.');
      }
      if (existsAtMeta) throw conflict('template_exists', `Meta already has a template named ${t.name} in ${t.language}; it will appear here after the next sync.`);
      throw appErrorFromGraph(err);
    }
    const now = new Date();
    const status = typeof created.status === 'string' && /^[A-Z_]{1,40}$/.test(created.status) ? created.status : 'PENDING';
    const category = (CATEGORIES as readonly string[]).includes(String(created.category)) ? String(created.category) : t.category;
    return db.tx(async (tx) => {
      const fields = {
        tenantId: scope.tenantId,
        wabaId: number.waba_id,
        numberId: number.id,
        metaTemplateId: created.id,
        name: t.name,
        language: t.language,
        category,
        requestedCategory: t.category,
        parameterFormat: t.parameterFormat,
        components: t.components,
        status,
        statusAt: now,
        source: 'platform' as const,
        createdBy: actor.type === 'user' ? actor.userId : null,
        submittedAt: now,
      };
      // A sync may have found it at Meta between Meta's answer and this transaction: adopt that row.
      const found = await repo.findLiveTemplate(tx, scope.tenantId, number.waba_id, t.name, t.language);
      let row: TemplateRow;
      if (found?.meta_template_id === created.id) {
        await tx.query(
          `UPDATE wa_templates SET source = 'platform', number_id = $2, created_by = $3, submitted_at = $4, requested_category = $5, components = $6, updated_at = now() WHERE id = $1`,
          [found.id, number.id, fields.createdBy, now, t.category, JSON.stringify(t.components)],
        );
        row = (await repo.findTenantTemplate(tx, scope.tenantId, found.id))!;
      } else if (found) {
        throw conflict('template_exists', `A template named ${t.name} already exists in ${t.language} in this business account.`);
      } else {
        row = await repo.insertTemplate(tx, fields);
      }
      await repo.insertEvent(tx, { templateId: row.id, tenantId: scope.tenantId, event: 'SUBMITTED', status, reason: null, source: 'platform', occurredAt: now, applied: true, dedupeKey: 'submitted' });
      await insertActivity(
        tx,
        actor,
        {
          action: 'whatsapp.template_created',
          subjectUserId: scope.tenantId,
          object: { type: 'wa_template', id: row.id },
          details: { name: t.name, language: t.language, category: t.category, metaTemplateId: created.id, status, wabaId: number.waba_id, numberId: number.id },
        },
        meta,
      );
      return row;
    });
  }

  async function list(scope: Scope, input: ListInput): Promise<{ items: TemplateRow[]; total: number }> {
    let wabaId = input.wabaId;
    if (input.numberId) wabaId = (await tenantNumber(scope, input.numberId)).waba_id;
    const wabaIds = await allowedWabas(scope);
    return repo.listTemplates(db, scope.tenantId, {
      wabaId,
      wabaIds: wabaIds ?? undefined,
      status: input.status,
      category: input.category,
      language: input.language,
      search: input.q,
      limit: input.limit,
      offset: input.offset,
    });
  }

  async function detail(scope: Scope, id: string): Promise<TemplateDetail> {
    const template = await visibleTemplate(scope, id);
    const shape = { category: template.category, parameterFormat: template.parameter_format, components: template.components };
    return { template, events: await repo.listEvents(db, template.id), preview: renderTemplate(shape), expected: expectedParameters(shape) };
  }

  /** A stored template filled with a send's parameters (or its samples): the issues a send would meet. */
  async function preview(scope: Scope, id: string, components: unknown): Promise<{ preview: RenderedTemplate; issues: ParamIssue[]; expected: ParameterExpectation }> {
    const template = await visibleTemplate(scope, id);
    const shape = { category: template.category, parameterFormat: template.parameter_format, components: template.components };
    if (components === undefined) return { preview: renderTemplate(shape), issues: [], expected: expectedParameters(shape) };
    const { issues, values } = checkSendParameters(shape, components);
    return { preview: renderTemplate(shape, values), issues, expected: expectedParameters(shape) };
  }

  /** The create form's live preview: Meta's rules applied to a draft, and the draft rendered with its samples. */
  function previewDraft(input: DraftInput): { issues: TemplateIssue[]; preview: RenderedTemplate } {
    const draft = validateTemplateDraft(input);
    const components = draft.ok ? draft.value.components : draft.components;
    const category = typeof input.category === 'string' ? input.category.toUpperCase() : 'UTILITY';
    const parameterFormat = input.parameterFormat === 'NAMED' ? 'NAMED' : 'POSITIONAL';
    // The draft's own samples are the preview's values (the normalised components keep only valid ones).
    const raw = Array.isArray(input.components) ? (input.components as Record<string, unknown>[]) : [];
    const rendered = renderTemplate({ category, parameterFormat, components: raw.length ? raw : components });
    return { issues: draft.issues, preview: rendered };
  }

  async function remove(scope: Scope, actor: Actor, id: string, meta: RequestMeta): Promise<TemplateRow> {
    const template = await visibleTemplate(scope, id);
    if (template.deleted_at) throw notFound('Template');
    if (template.meta_template_id) {
      if (!graph) throw unavailable();
      const number = await repo.numberForWaba(db, scope.tenantId, template.waba_id);
      if (!number) throw new AppError(422, 'no_connected_number', 'Connect a number of this business account to delete its templates at Meta.');
      const token = accessTokenOf(ring, number);
      try {
        // With hsm_id Meta deletes only this language; by name alone it would delete every language.
        await graph.deleteTemplate(template.waba_id, token, { name: template.name, hsmId: template.meta_template_id });
      } catch (err) {
        if (!(err instanceof GraphApiError && err.code === 100 && (await goneAtMeta(template.meta_template_id, token)))) throw appErrorFromGraph(err);
      }
    }
    return db.tx(async (tx) => {
      const row = await repo.findTenantTemplate(tx, scope.tenantId, id, true);
      if (!row || row.deleted_at) throw notFound('Template');
      const now = new Date();
      const updated = await repo.updateStatus(tx, row.id, { status: 'DELETED', reason: null, statusAt: now });
      await repo.insertEvent(tx, { templateId: row.id, tenantId: scope.tenantId, event: 'DELETED', status: 'DELETED', reason: null, source: 'platform', occurredAt: now, applied: true, dedupeKey: 'deleted' });
      await insertActivity(
        tx,
        actor,
        { action: 'whatsapp.template_deleted', subjectUserId: scope.tenantId, object: { type: 'wa_template', id: row.id }, details: { name: row.name, language: row.language, metaTemplateId: row.meta_template_id, wabaId: row.waba_id, previousStatus: row.status } },
        meta,
      );
      return updated;
    });
  }

  /** Meta answered 100 to a delete: it is gone only if Meta no longer knows the id at all. */
  async function goneAtMeta(metaId: string, token: string): Promise<boolean> {
    try {
      await graph!.getTemplate(metaId, token, 'id,status');
      return false;
    } catch (err) {
      return err instanceof GraphApiError && err.code === 100;
    }
  }

  /** The tenant's business accounts, their live numbers and the state of their template sync. */
  async function accounts(scope: Scope) {
    const numbers = await repo.liveNumbers(db, scope.tenantId);
    const syncs = new Map((await repo.syncRows(db, scope.tenantId)).map((s) => [s.waba_id, s]));
    const allowed = await allowedWabas(scope);
    const byWaba = new Map<string, repo.AccountNumber[]>();
    for (const n of numbers) {
      if (allowed && !allowed.includes(n.waba_id)) continue;
      byWaba.set(n.waba_id, [...(byWaba.get(n.waba_id) ?? []), n]);
    }
    return [...byWaba].map(([wabaId, nums]) => ({ wabaId, numbers: nums, sync: syncs.get(wabaId) ?? null }));
  }

  /** "Sync now": each business account asked for (or all of the tenant's), right away. */
  async function syncNow(scope: Scope, actor: Actor, target: { numberId?: string | undefined }, meta: RequestMeta): Promise<{ wabaId: string; outcome: SyncOutcome }[]> {
    if (!graph) throw unavailable();
    let wabas: string[];
    if (target.numberId) wabas = [(await tenantNumber(scope, target.numberId)).waba_id];
    else wabas = (await accounts(scope)).map((a) => a.wabaId);
    const out: { wabaId: string; outcome: SyncOutcome }[] = [];
    for (const wabaId of wabas) out.push({ wabaId, outcome: await sync.syncWaba(scope.tenantId, wabaId, { actor, meta }) });
    return out;
  }

  return { create, list, detail, preview, previewDraft, remove, accounts, syncNow };
}

export type TemplatesService = ReturnType<typeof createTemplatesService>;

function invalidTemplate(issues: TemplateIssue[]): AppError {
  const first = issues[0]!;
  return badRequest('invalid_template', `The template has ${issues.length === 1 ? 'a problem' : `${issues.length} problems`}: ${first.message}`.slice(0, 500), issues);
}
