import type { Db, Queryable } from '../../db/index.js';
import type { Actor, RequestMeta } from '../../platform/actor.js';
import { badRequest, conflict, notFound, type AppError } from '../../platform/errors.js';
import { insertActivity } from '../audit/activity.repo.js';
import { validateFormDefinition, type Bilingual, type FormDefinition, type FormIssue } from './form-engine.js';
import * as repo from './services.repo.js';
import type { CategoryRow, FormVersionRow, ServiceRow } from './services.repo.js';
import type { CategoryUpdateInput, ServiceCreateInput, ServiceUpdateInput } from './services.schemas.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Names and descriptions: no control characters or bidirectional overrides (they would disguise text).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const BAD_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

export interface ServiceWithForm {
  service: ServiceRow;
  form: FormVersionRow;
}

function formError(issues: FormIssue[], prefix: string): AppError {
  const details = issues.map((i) => ({ ...i, field: prefix ? (i.field ? `${prefix}.${i.field}` : prefix) : i.field }));
  const first = details[0]!;
  return badRequest(
    'invalid_form',
    `The form has ${details.length === 1 ? 'a problem' : `${details.length} problems`}: ${first.field} ${first.message}`.slice(0, 500),
    details,
  );
}

/** Trims and NFC-normalises a text pair; refuses control characters, and empty names. */
function bilingual(value: Bilingual, field: string, opts: { allowEmpty: boolean; multiline: boolean }): Bilingual {
  const out = { en: '', hi: '' };
  for (const lang of ['en', 'hi'] as const) {
    const text = value[lang].normalize('NFC').trim();
    if (BAD_TEXT.test(text) || (!opts.multiline && /[\r\n]/.test(text))) {
      throw badRequest('validation_failed', 'Text contains characters that are not allowed.', [{ field: `${field}.${lang}`, message: 'contains characters that are not allowed' }]);
    }
    if (!text && !opts.allowEmpty) throw badRequest('validation_failed', 'Enter the name in English and Hindi.', [{ field: `${field}.${lang}`, message: 'must not be empty' }]);
    out[lang] = text;
  }
  return out;
}

type VariableAmount = { minPaise: number; maxPaise: number } | null;

/**
 * A customer-entered amount replaces the fixed government fee, so a service has one or the other;
 * the database checks the same (services_variable_amount_check).
 */
function checkVariableAmount(variable: VariableAmount, governmentFeePaise: number): void {
  if (!variable) return;
  if (variable.minPaise > variable.maxPaise) {
    throw badRequest('validation_failed', 'The smallest amount must not be more than the largest.', [{ field: 'variableAmount.minPaise', message: 'must not be more than maxPaise' }]);
  }
  if (governmentFeePaise !== 0) {
    throw badRequest(
      'variable_amount_with_government_fee',
      'A service where the customer enters the amount takes the government amount from the customer: set the fixed government fee to 0.',
      [{ field: 'governmentFeePaise', message: 'must be 0 when the customer enters the amount' }],
    );
  }
}

function slugTaken(what: 'service' | 'category'): AppError {
  return conflict('slug_taken', `Another ${what} already uses this slug.`);
}

/**
 * The service catalogue: customers browse active services; admins manage services, categories and
 * the versions of each form. Every change is one transaction with its activity record.
 */
export function createCatalogueService(deps: { db: Db; maxFileBytes: number }) {
  const { db, maxFileBytes } = deps;

  function checkForm(input: unknown, prefix: string): FormDefinition {
    const result = validateFormDefinition(input, { maxFileBytes });
    if (!result.ok) throw formError(result.issues, prefix);
    return result.value;
  }

  async function categoryOrThrow(q: Queryable, id: string, field = 'categoryId'): Promise<CategoryRow> {
    const category = await repo.findCategory(q, id);
    if (!category) throw badRequest('unknown_category', 'That category does not exist.', [{ field, message: 'is not a category' }]);
    return category;
  }

  async function withForm(q: Queryable, service: ServiceRow): Promise<ServiceWithForm> {
    const form = await repo.findFormVersion(q, service.id, service.current_form_version);
    if (!form) throw new Error(`service ${service.id} has no form version ${service.current_form_version}`);
    return { service, form };
  }

  async function serviceOrThrow(q: Queryable, id: string): Promise<ServiceRow> {
    const service = await repo.findService(q, { id });
    if (!service) throw notFound('Service');
    return service;
  }

  return {
    // Customers ------------------------------------------------------------------------------------

    categories: () => repo.listCategories(db, { activeOnly: true }),

    browse: (query: { q?: string | undefined; category?: string | undefined; limit: number; offset: number }) =>
      repo.searchServices(db, {
        ...(query.q ? { q: query.q } : {}),
        ...(query.category ? { categorySlug: query.category } : {}),
        visibility: 'customer',
        limit: query.limit,
        offset: query.offset,
      }),

    /** An active service in an active category, by id or slug, with its current form; else 404. */
    async forCustomer(ref: string): Promise<ServiceWithForm> {
      const service = await repo.findService(db, UUID.test(ref) ? { id: ref.toLowerCase() } : { slug: ref });
      if (!service || !service.active || !service.category_active) throw notFound('Service');
      return withForm(db, service);
    },

    /**
     * The form version an application was filled against (applications pin it). Any version of any
     * service, active or not: an application outlives changes to the catalogue.
     */
    async formVersion(serviceId: string, version: number): Promise<FormVersionRow> {
      const form = await repo.findFormVersion(db, serviceId, version);
      if (!form) throw notFound('Form version');
      return form;
    },

    // Admins ---------------------------------------------------------------------------------------

    adminList: (query: { q?: string | undefined; category?: string | undefined; status: 'all' | 'active' | 'inactive'; limit: number; offset: number }) =>
      repo.searchServices(db, {
        ...(query.q ? { q: query.q } : {}),
        ...(query.category ? { categorySlug: query.category } : {}),
        visibility: query.status,
        limit: query.limit,
        offset: query.offset,
      }),

    async adminGet(id: string): Promise<ServiceWithForm & { versions: FormVersionRow[] }> {
      const service = await serviceOrThrow(db, id);
      return { ...(await withForm(db, service)), versions: await repo.listFormVersions(db, id) };
    },

    versions: async (id: string) => {
      await serviceOrThrow(db, id);
      return repo.listFormVersions(db, id);
    },

    async create(actor: Extract<Actor, { type: 'user' }>, input: ServiceCreateInput, meta: RequestMeta): Promise<ServiceWithForm> {
      const definition = checkForm(input.form, 'form');
      const name = bilingual(input.name, 'name', { allowEmpty: false, multiline: false });
      const description = bilingual(input.description ?? { en: '', hi: '' }, 'description', { allowEmpty: true, multiline: true });
      const variable = input.variableAmount ?? null;
      checkVariableAmount(variable, input.governmentFeePaise);
      try {
        return await db.tx(async (tx) => {
          await categoryOrThrow(tx, input.categoryId);
          const id = await repo.insertService(tx, {
            slug: input.slug,
            category_id: input.categoryId,
            name_en: name.en,
            name_hi: name.hi,
            description_en: description.en,
            description_hi: description.hi,
            platform_fee_paise: input.platformFeePaise,
            government_fee_paise: input.governmentFeePaise,
            gst_rate_bps: input.gstRateBps,
            turnaround_days: input.turnaroundDays,
            kyc_required: input.kycRequired,
            active: input.active ?? true,
            sort_order: input.sortOrder ?? 0,
            variable_amount: variable !== null,
            amount_min_paise: variable?.minPaise ?? null,
            amount_max_paise: variable?.maxPaise ?? null,
            created_by: actor.userId,
          });
          await repo.insertFormVersion(tx, { serviceId: id, version: 1, definition, publishedBy: actor.userId });
          await insertActivity(
            tx,
            actor,
            { action: 'service.created', object: { type: 'service', id }, details: { slug: input.slug, active: input.active ?? true, formVersion: 1, fields: definition.fields.length } },
            meta,
          );
          return withForm(tx, (await repo.findService(tx, { id }))!);
        });
      } catch (err) {
        if (repo.uniqueViolation(err) === 'services_slug_key') throw slugTaken('service');
        throw err;
      }
    },

    /** Changes a service's details (not its form: publishForm() makes a new version). */
    async update(actor: Extract<Actor, { type: 'user' }>, id: string, input: ServiceUpdateInput, meta: RequestMeta): Promise<ServiceWithForm> {
      const name = input.name && bilingual(input.name, 'name', { allowEmpty: false, multiline: false });
      const description = input.description && bilingual(input.description, 'description', { allowEmpty: true, multiline: true });
      try {
        return await db.tx(async (tx) => {
          if (!(await repo.lockService(tx, id))) throw notFound('Service');
          const before = (await repo.findService(tx, { id }))!;
          if (input.categoryId) await categoryOrThrow(tx, input.categoryId);
          const variable =
            input.variableAmount !== undefined
              ? input.variableAmount
              : before.variable_amount
                ? { minPaise: before.amount_min_paise!, maxPaise: before.amount_max_paise! }
                : null;
          checkVariableAmount(variable, input.governmentFeePaise ?? before.government_fee_paise);
          const wanted: repo.ServiceChanges = {
            slug: input.slug,
            category_id: input.categoryId,
            name_en: name?.en,
            name_hi: name?.hi,
            description_en: description?.en,
            description_hi: description?.hi,
            platform_fee_paise: input.platformFeePaise,
            government_fee_paise: input.governmentFeePaise,
            gst_rate_bps: input.gstRateBps,
            turnaround_days: input.turnaroundDays,
            kyc_required: input.kycRequired,
            sort_order: input.sortOrder,
            ...(input.variableAmount !== undefined
              ? { variable_amount: variable !== null, amount_min_paise: variable?.minPaise ?? null, amount_max_paise: variable?.maxPaise ?? null }
              : {}),
          };
          const changes: Record<string, { from: unknown; to: unknown }> = {};
          const apply: repo.ServiceChanges = {};
          for (const [k, v] of Object.entries(wanted) as [keyof repo.ServiceChanges, unknown][]) {
            const old = before[k as keyof ServiceRow];
            if (v === undefined || v === old) continue;
            (apply as Record<string, unknown>)[k] = v;
            // Long descriptions are not copied into the log; that they changed is enough.
            changes[k] = k.startsWith('description_') ? { from: '…', to: '…' } : { from: old, to: v };
          }
          if (Object.keys(changes).length) {
            await repo.updateService(tx, id, apply);
            await insertActivity(tx, actor, { action: 'service.updated', object: { type: 'service', id }, details: { slug: before.slug, changes } }, meta);
          }
          return withForm(tx, (await repo.findService(tx, { id }))!);
        });
      } catch (err) {
        if (repo.uniqueViolation(err) === 'services_slug_key') throw slugTaken('service');
        throw err;
      }
    },

    /** Shows (active) or hides a service from customers; applications already made are unaffected. */
    async setActive(actor: Extract<Actor, { type: 'user' }>, id: string, active: boolean, meta: RequestMeta): Promise<ServiceWithForm> {
      return db.tx(async (tx) => {
        if (!(await repo.lockService(tx, id))) throw notFound('Service');
        const before = (await repo.findService(tx, { id }))!;
        if (before.active !== active) {
          await repo.updateService(tx, id, { active });
          await insertActivity(tx, actor, { action: active ? 'service.activated' : 'service.deactivated', object: { type: 'service', id }, details: { slug: before.slug } }, meta);
        }
        return withForm(tx, (await repo.findService(tx, { id }))!);
      });
    },

    /**
     * Publishes a new version of the service's form and makes it current. `baseVersion` is the version
     * the admin edited: when someone published another meanwhile the answer is 409, never a silent
     * overwrite. The same form as the current one publishes nothing (a repeated click is harmless).
     */
    async publishForm(
      actor: Extract<Actor, { type: 'user' }>,
      id: string,
      input: { baseVersion: number; form: unknown },
      meta: RequestMeta,
    ): Promise<ServiceWithForm & { created: boolean }> {
      const definition = checkForm(input.form, 'form');
      return db.tx(async (tx) => {
        const locked = await repo.lockService(tx, id);
        if (!locked) throw notFound('Service');
        const current = locked.current_form_version;
        if (await repo.sameAsVersion(tx, id, current, definition)) {
          return { ...(await withForm(tx, (await repo.findService(tx, { id }))!)), created: false };
        }
        if (input.baseVersion !== current) {
          throw conflict('form_version_conflict', `Version ${current} of this form was published after version ${input.baseVersion} you edited. Reload and make your changes again.`);
        }
        const version = current + 1;
        await repo.insertFormVersion(tx, { serviceId: id, version, definition, publishedBy: actor.userId });
        await repo.updateService(tx, id, { current_form_version: version });
        await insertActivity(
          tx,
          actor,
          { action: 'service.form_published', object: { type: 'service', id }, details: { version, previous: current, fields: definition.fields.length, documents: definition.documents.length } },
          meta,
        );
        return { ...(await withForm(tx, (await repo.findService(tx, { id }))!)), created: true };
      });
    },

    // Categories (admin) ----------------------------------------------------------------------------

    adminCategories: () => repo.listCategories(db, { activeOnly: false }),

    async createCategory(
      actor: Extract<Actor, { type: 'user' }>,
      input: { slug: string; name: Bilingual; sortOrder?: number; active?: boolean },
      meta: RequestMeta,
    ): Promise<CategoryRow> {
      const name = bilingual(input.name, 'name', { allowEmpty: false, multiline: false });
      try {
        return await db.tx(async (tx) => {
          const row = await repo.insertCategory(tx, { slug: input.slug, name_en: name.en, name_hi: name.hi, sort_order: input.sortOrder ?? 0, active: input.active ?? true });
          await insertActivity(tx, actor, { action: 'service_category.created', object: { type: 'service_category', id: row.id }, details: { slug: row.slug } }, meta);
          return row;
        });
      } catch (err) {
        if (repo.uniqueViolation(err) === 'service_categories_slug_key') throw slugTaken('category');
        throw err;
      }
    },

    async updateCategory(actor: Extract<Actor, { type: 'user' }>, id: string, input: CategoryUpdateInput, meta: RequestMeta): Promise<CategoryRow> {
      const name = input.name && bilingual(input.name, 'name', { allowEmpty: false, multiline: false });
      try {
        return await db.tx(async (tx) => {
          const rows = await tx.query<CategoryRow>('SELECT *, 0 AS service_count FROM service_categories WHERE id = $1 FOR UPDATE', [id]);
          const before = rows[0];
          if (!before) throw notFound('Category');
          const wanted = { slug: input.slug, name_en: name?.en, name_hi: name?.hi, sort_order: input.sortOrder, active: input.active };
          const changes: Record<string, { from: unknown; to: unknown }> = {};
          const apply: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(wanted)) {
            const old = before[k as keyof CategoryRow];
            if (v === undefined || v === old) continue;
            apply[k] = v;
            changes[k] = { from: old, to: v };
          }
          if (Object.keys(changes).length) {
            await repo.updateCategory(tx, id, apply);
            const action = 'active' in changes && Object.keys(changes).length === 1 ? (input.active ? 'service_category.activated' : 'service_category.deactivated') : 'service_category.updated';
            await insertActivity(tx, actor, { action, object: { type: 'service_category', id }, details: { slug: before.slug, changes } }, meta);
          }
          return (await repo.findCategory(tx, id))!;
        });
      } catch (err) {
        if (repo.uniqueViolation(err) === 'service_categories_slug_key') throw slugTaken('category');
        throw err;
      }
    },
  };
}

export type CatalogueService = ReturnType<typeof createCatalogueService>;
