import type { TFunction } from 'i18next';
import { ApiError } from '../../../api/client';
import i18n from '../../../i18n';
import type { Errors } from './editorModel';

interface Detail {
  field: string;
  message: string;
  /** The form engine's rule code, when the server checked a form definition. */
  rule?: string;
  params?: Record<string, string | number>;
}

/** One problem in words: the translation of its rule when there is one, else the server's text. */
export function issueText(d: Detail, t: TFunction): string {
  const key = `adminServices.rules.${d.rule ?? ''}`;
  if (d.rule && i18n.exists(key)) return t(key, d.params ?? {});
  return d.message;
}

/** The server's field problems by path (`form.fields.2.rules.pattern`), in the UI language. */
export function serverErrors(err: unknown, t: TFunction, prefix = ''): Errors {
  if (!(err instanceof ApiError)) return {};
  const out: Errors = {};
  for (const d of err.details as Detail[]) {
    const field = prefix + d.field.replace(/^body\./, '');
    if (!(field in out)) out[field] = issueText(d, t);
  }
  return out;
}

/** Local problems are i18n keys; the server's are texts already. */
export const localErrors = (errors: Errors, t: TFunction): Errors =>
  Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, t(v)]));
