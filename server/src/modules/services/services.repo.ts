import type { Queryable } from '../../db/index.js';
import { containsPattern } from '../../platform/sql.js';
import type { FormDefinition } from './form-engine.js';

export interface CategoryRow {
  id: string;
  slug: string;
  name_en: string;
  name_hi: string;
  sort_order: number;
  active: boolean;
  created_at: Date;
  updated_at: Date;
  /** Services in the category (all of them for admins, active ones for customers). */
  service_count: number;
}

export interface ServiceRow {
  id: string;
  slug: string;
  category_id: string;
  category_slug: string;
  category_name_en: string;
  category_name_hi: string;
  category_active: boolean;
  name_en: string;
  name_hi: string;
  description_en: string;
  description_hi: string;
  platform_fee_paise: number;
  government_fee_paise: number;
  gst_rate_bps: number;
  turnaround_days: number;
  kyc_required: boolean;
  active: boolean;
  sort_order: number;
  current_form_version: number;
  /** The customer enters the government amount (a bill, a recharge) within these limits. */
  variable_amount: boolean;
  amount_min_paise: number | null;
  amount_max_paise: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface FormVersionRow {
  service_id: string;
  version: number;
  definition: FormDefinition;
  published_by: string | null;
  published_by_name: string | null;
  published_at: Date;
}

/** The constraint a unique violation hit (Postgres 23505), or null for any other error. */
export function uniqueViolation(err: unknown): string | null {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' ? (e.constraint ?? 'unique') : null;
}

/** The words to search for: lower-cased, NFC-normalised (so a decomposed nukta still matches), at most 5. */
export function searchWords(q: string | undefined): string[] {
  if (!q) return [];
  return q.normalize('NFC').toLowerCase().split(/\s+/u).filter(Boolean).slice(0, 5);
}

/** What `services.search_text` holds for a service: slug and names, folded as searchWords() folds the query. */
export function searchText(s: { slug: string; name_en: string; name_hi: string }): string {
  return [s.slug, s.name_en, s.name_hi].join(' ').normalize('NFC').toLowerCase();
}

// Categories -----------------------------------------------------------------------------------------

export async function listCategories(q: Queryable, opts: { activeOnly: boolean }): Promise<CategoryRow[]> {
  return q.query<CategoryRow>(
    `SELECT c.*,
            (SELECT count(*)::int FROM services s WHERE s.category_id = c.id AND (NOT $1 OR s.active)) AS service_count
     FROM service_categories c
     WHERE (NOT $1 OR c.active)
     ORDER BY c.sort_order, c.name_en, c.id`,
    [opts.activeOnly],
  );
}

export async function findCategory(q: Queryable, id: string): Promise<CategoryRow | undefined> {
  const rows = await q.query<CategoryRow>(
    `SELECT c.*, (SELECT count(*)::int FROM services s WHERE s.category_id = c.id) AS service_count
     FROM service_categories c WHERE c.id = $1`,
    [id],
  );
  return rows[0];
}

export async function insertCategory(q: Queryable, c: { slug: string; name_en: string; name_hi: string; sort_order: number; active: boolean }): Promise<CategoryRow> {
  const rows = await q.query<CategoryRow>(
    `INSERT INTO service_categories (slug, name_en, name_hi, sort_order, active) VALUES ($1, $2, $3, $4, $5)
     RETURNING *, 0 AS service_count`,
    [c.slug, c.name_en, c.name_hi, c.sort_order, c.active],
  );
  return rows[0]!;
}

export async function updateCategory(
  q: Queryable,
  id: string,
  changes: Partial<Pick<CategoryRow, 'slug' | 'name_en' | 'name_hi' | 'sort_order' | 'active'>>,
): Promise<void> {
  const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
  if (!entries.length) return;
  await q.query(
    `UPDATE service_categories SET ${entries.map(([k], i) => `${k} = $${i + 2}`).join(', ')}, updated_at = now() WHERE id = $1`,
    [id, ...entries.map(([, v]) => v)],
  );
}

// Services -------------------------------------------------------------------------------------------

const SERVICE_SELECT = `
  SELECT s.id, s.slug, s.category_id, c.slug AS category_slug, c.name_en AS category_name_en,
         c.name_hi AS category_name_hi, c.active AS category_active, s.name_en, s.name_hi,
         s.description_en, s.description_hi, s.platform_fee_paise, s.government_fee_paise, s.gst_rate_bps,
         s.turnaround_days, s.kyc_required, s.active, s.sort_order, s.current_form_version,
         s.variable_amount, s.amount_min_paise, s.amount_max_paise, s.created_at, s.updated_at
  FROM services s JOIN service_categories c ON c.id = s.category_id`;

export interface ServiceSearch {
  q?: string;
  categorySlug?: string;
  /** Customers see only active services in active categories. */
  visibility: 'customer' | 'all' | 'active' | 'inactive';
  limit: number;
  offset: number;
}

export async function searchServices(q: Queryable, s: ServiceSearch): Promise<{ items: ServiceRow[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replaceAll('?', `$${params.length}`));
  };
  // Every word must appear (in either language): "pan correction" finds "PAN card – correction".
  for (const word of searchWords(s.q)) add("s.search_text LIKE ? ESCAPE '\\'", containsPattern(word));
  if (s.categorySlug) add('c.slug = ?', s.categorySlug);
  if (s.visibility === 'customer') where.push('s.active AND c.active');
  else if (s.visibility === 'active') where.push('s.active');
  else if (s.visibility === 'inactive') where.push('NOT s.active');
  params.push(s.limit, s.offset);
  const rows = await q.query<ServiceRow & { total: number }>(
    `${SERVICE_SELECT.replace('SELECT', 'SELECT count(*) OVER ()::int AS total,')}
     ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
     ORDER BY c.sort_order, c.name_en, s.sort_order, s.name_en, s.id
     LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return { items: rows, total: rows[0]?.total ?? 0 };
}

export async function findService(q: Queryable, by: { id: string } | { slug: string }): Promise<ServiceRow | undefined> {
  const [column, value] = 'id' in by ? ['s.id', by.id] : ['s.slug', by.slug];
  return (await q.query<ServiceRow>(`${SERVICE_SELECT} WHERE ${column} = $1`, [value]))[0];
}

/** Locks the service row for the rest of the transaction (publishing a form, changing it). */
export async function lockService(q: Queryable, id: string): Promise<{ id: string; current_form_version: number } | undefined> {
  return (await q.query<{ id: string; current_form_version: number }>('SELECT id, current_form_version FROM services WHERE id = $1 FOR UPDATE', [id]))[0];
}

export interface NewService {
  slug: string;
  category_id: string;
  name_en: string;
  name_hi: string;
  description_en: string;
  description_hi: string;
  platform_fee_paise: number;
  government_fee_paise: number;
  gst_rate_bps: number;
  turnaround_days: number;
  kyc_required: boolean;
  active: boolean;
  sort_order: number;
  variable_amount: boolean;
  amount_min_paise: number | null;
  amount_max_paise: number | null;
  created_by: string | null;
}

/** Inserts a service pointing at form version 1, which the caller inserts in the same transaction. */
export async function insertService(q: Queryable, s: NewService): Promise<string> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO services (slug, category_id, name_en, name_hi, description_en, description_hi, platform_fee_paise,
       government_fee_paise, gst_rate_bps, turnaround_days, kyc_required, active, sort_order, created_by,
       current_form_version, search_text, variable_amount, amount_min_paise, amount_max_paise)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $16, $17, $18) RETURNING id`,
    [
      s.slug,
      s.category_id,
      s.name_en,
      s.name_hi,
      s.description_en,
      s.description_hi,
      s.platform_fee_paise,
      s.government_fee_paise,
      s.gst_rate_bps,
      s.turnaround_days,
      s.kyc_required,
      s.active,
      s.sort_order,
      s.created_by,
      searchText(s),
      s.variable_amount,
      s.amount_min_paise,
      s.amount_max_paise,
    ],
  );
  return rows[0]!.id;
}

export type ServiceChanges = Partial<Omit<NewService, 'created_by'> & { current_form_version: number }>;

export async function updateService(q: Queryable, id: string, changes: ServiceChanges): Promise<void> {
  const entries: [string, unknown][] = Object.entries(changes).filter(([, v]) => v !== undefined);
  if (!entries.length) return;
  const sets = entries.map(([k], i) => `${k} = $${i + 2}`);
  // search_text follows the slug and the names, whichever of them changed.
  await q.query(
    `UPDATE services SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`,
    [id, ...entries.map(([, v]) => v)],
  );
  if (changes.slug !== undefined || changes.name_en !== undefined || changes.name_hi !== undefined) {
    const [row] = await q.query<{ slug: string; name_en: string; name_hi: string }>('SELECT slug, name_en, name_hi FROM services WHERE id = $1', [id]);
    if (row) await q.query('UPDATE services SET search_text = $2 WHERE id = $1', [id, searchText(row)]);
  }
}

// Form versions --------------------------------------------------------------------------------------

export async function insertFormVersion(q: Queryable, v: { serviceId: string; version: number; definition: FormDefinition; publishedBy: string | null }): Promise<FormVersionRow> {
  const rows = await q.query<FormVersionRow>(
    `INSERT INTO service_form_versions (service_id, version, definition, published_by) VALUES ($1, $2, $3, $4)
     RETURNING *, (SELECT name FROM users WHERE id = $4) AS published_by_name`,
    [v.serviceId, v.version, JSON.stringify(v.definition), v.publishedBy],
  );
  return rows[0]!;
}

export async function findFormVersion(q: Queryable, serviceId: string, version: number): Promise<FormVersionRow | undefined> {
  const rows = await q.query<FormVersionRow>(
    `SELECT v.*, u.name AS published_by_name FROM service_form_versions v LEFT JOIN users u ON u.id = v.published_by
     WHERE v.service_id = $1 AND v.version = $2`,
    [serviceId, version],
  );
  return rows[0];
}

export async function listFormVersions(q: Queryable, serviceId: string): Promise<FormVersionRow[]> {
  return q.query<FormVersionRow>(
    `SELECT v.*, u.name AS published_by_name FROM service_form_versions v LEFT JOIN users u ON u.id = v.published_by
     WHERE v.service_id = $1 ORDER BY v.version DESC`,
    [serviceId],
  );
}

/** True when `definition` equals the stored version (jsonb equality: key order and spacing do not matter). */
export async function sameAsVersion(q: Queryable, serviceId: string, version: number, definition: FormDefinition): Promise<boolean> {
  const rows = await q.query<{ same: boolean }>(
    'SELECT definition = $3::jsonb AS same FROM service_form_versions WHERE service_id = $1 AND version = $2',
    [serviceId, version, JSON.stringify(definition)],
  );
  return rows[0]?.same ?? false;
}
