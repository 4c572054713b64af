import type { Queryable } from '../../../db/index.js';
import { AppError, notFound } from '../../../platform/errors.js';
import { findTenantNumber } from '../numbers/numbers.repo.js';
import { normalizeLanguage } from './template-languages.js';
import { checkSendParameters, expectedParameters, renderTemplate, type ParameterExpectation, type RenderedTemplate } from './template-params.js';
import type { TemplateCategory } from './template-rules.js';
import { unusableReason, type UnusableCode } from './template-status.js';
import * as repo from './templates.repo.js';
import type { TemplateRow } from './templates.repo.js';

/**
 * What every send path asks before a template message leaves (API, /graph, campaigns, inbox,
 * automations): does the template exist in that language for the number's business account, is it
 * approved, and do the send's parameters fit it — so Meta's 132001, 132015/132016 and 132000 never
 * happen; and which category (for billing and consent) the send is.
 */

export interface TemplateRef {
  tenantId: string;
  /** The business account; or `numberId` (wa_numbers.id) of one of the tenant's numbers in it. */
  wabaId?: string | undefined;
  numberId?: string | undefined;
  name: string;
  /** Meta's language code (`en_US`; `en-US` is accepted). */
  language: string;
}

export interface SendableTemplate {
  id: string;
  wabaId: string;
  metaTemplateId: string | null;
  name: string;
  language: string;
  category: TemplateCategory;
  parameterFormat: 'POSITIONAL' | 'NAMED';
  status: string;
  /** The parameters a send must carry, per component. */
  expected: ParameterExpectation;
}

export type TemplateUsability = { usable: true; template: SendableTemplate } | { usable: false; code: UnusableCode; message: string; template: SendableTemplate | null };

export function toSendable(row: TemplateRow): SendableTemplate {
  return {
    id: row.id,
    wabaId: row.waba_id,
    metaTemplateId: row.meta_template_id,
    name: row.name,
    language: row.language,
    category: row.category,
    parameterFormat: row.parameter_format,
    status: row.status,
    expected: expectedParameters({ category: row.category, parameterFormat: row.parameter_format, components: row.components }),
  };
}

async function wabaOf(q: Queryable, ref: Pick<TemplateRef, 'tenantId' | 'wabaId' | 'numberId'>): Promise<string> {
  if (ref.wabaId) return ref.wabaId;
  if (!ref.numberId) throw new Error('checkTemplateSend needs wabaId or numberId');
  const number = /^[0-9a-f-]{36}$/i.test(ref.numberId) ? await findTenantNumber(q, ref.tenantId, ref.numberId) : null;
  if (!number) throw notFound('Phone number');
  return number.waba_id;
}

async function lookup(q: Queryable, ref: TemplateRef): Promise<{ row: TemplateRow | null; wabaId: string; language: string }> {
  const wabaId = await wabaOf(q, ref);
  const language = normalizeLanguage(ref.language);
  const row = await repo.findLiveTemplate(q, ref.tenantId, wabaId, ref.name, language);
  return { row, wabaId, language };
}

/**
 * Whether the template can be sent now — for campaigns and automations to check before each run
 * and stop with `message` (e.g. "… is paused by Meta …") when it cannot. Never throws for the template.
 */
export async function isTemplateUsable(q: Queryable, ref: TemplateRef | { tenantId: string; templateId: string }): Promise<TemplateUsability> {
  let row: TemplateRow | null;
  let label: string;
  if ('templateId' in ref) {
    row = /^[0-9a-f-]{36}$/i.test(ref.templateId) ? await repo.findTenantTemplate(q, ref.tenantId, ref.templateId) : null;
    label = 'The template';
  } else {
    const found = await lookup(q, ref);
    row = found.row;
    label = `Template "${ref.name}" (${found.language})`;
    if (!row) {
      const others = await repo.liveLanguagesOf(q, ref.tenantId, found.wabaId, ref.name);
      return {
        usable: false,
        code: 'template_not_found',
        template: null,
        message: others.length
          ? `${label} does not exist in this WhatsApp Business Account; it exists in ${others.join(', ')}.`
          : `${label} does not exist in this WhatsApp Business Account. Create it, or sync templates if it was made in Meta Business Manager.`,
      };
    }
  }
  if (!row) return { usable: false, code: 'template_not_found', template: null, message: `${label} does not exist.` };
  const reason = unusableReason(row);
  const template = toSendable(row);
  return reason ? { usable: false, ...reason, template } : { usable: true, template };
}

/**
 * The check every send path runs before sending a template: throws a 422 AppError —
 * `template_not_found`, `template_not_approved`, `template_paused`, `template_disabled`,
 * `template_param_count` (details: which component expected how many) or `template_param_invalid` —
 * and answers the template (with its category) when the send may go.
 */
export async function checkTemplateSend(q: Queryable, ref: TemplateRef & { components?: unknown }): Promise<SendableTemplate & { rendered: RenderedTemplate }> {
  const usability = await isTemplateUsable(q, ref);
  if (!usability.usable) throw new AppError(422, usability.code, usability.message);
  const row = (await repo.findTenantTemplate(q, ref.tenantId, usability.template.id))!;
  const shape = { category: row.category, parameterFormat: row.parameter_format, components: row.components };
  const { issues, values } = checkSendParameters(shape, ref.components);
  if (issues.length) {
    const counts = issues.filter((i) => i.kind === 'count');
    const shown = counts.length ? counts : issues;
    throw new AppError(
      422,
      counts.length ? 'template_param_count' : 'template_param_invalid',
      `Template "${row.name}" (${row.language}): ${shown.map((i) => i.message).join(' ')}`.slice(0, 1000),
      { details: shown.map((i) => ({ field: i.field, message: i.message })) },
    );
  }
  return { ...usability.template, rendered: renderTemplate(shape, values) };
}

/** MARKETING, UTILITY or AUTHENTICATION (Meta's current category) — for billing and consent. */
export async function templateCategory(q: Queryable, ref: TemplateRef): Promise<TemplateCategory> {
  const { row, language } = await lookup(q, ref);
  if (!row) throw new AppError(422, 'template_not_found', `Template "${ref.name}" (${language}) does not exist in this WhatsApp Business Account.`);
  return row.category;
}
