import type { TFunction } from 'i18next';
import { ApiError } from '../../api/client';
import type { Bilingual, FormField } from '../../api/services';
import i18n from '../../i18n';

interface Detail {
  field: string;
  message: string;
  /** The form engine's rule code. */
  rule?: string;
  params?: Record<string, string | number>;
}

/**
 * The server's problems with the answers, by field key (`documents.<key>` for a missing upload,
 * `amountPaise` for the amount), in the UI language: the admin's pattern message for a pattern,
 * the translation of the rule otherwise, the server's text when there is none.
 */
export function answerErrors(err: unknown, fields: FormField[], t: TFunction, local: (b: Bilingual) => string): Record<string, string> {
  if (!(err instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const d of err.details as Detail[]) {
    const field = d.field.replace(/^body\./, '').replace(/^answers\./, '');
    if (field in out) continue;
    const pattern = d.rule === 'pattern' ? fields.find((f) => f.key === field)?.rules?.patternMessage : undefined;
    const key = `applications.rules.${d.rule ?? ''}`;
    out[field] = pattern ? local(pattern) : d.rule && i18n.exists(key) ? t(key, d.params ?? {}) : d.message;
  }
  return out;
}
