import type { TFunction } from 'i18next';
import type { Bilingual, FormField, RequiredDocument } from '../../api/services';
import { formatDate } from '../../lib/format';

const RELATIVE = /^([+-])(\d{1,3})([dwmy])$/;

/** A date bound in words: "2000-01-01" → "1 Jan 2000", "-18y" → "18 years ago", "today". */
export function describeDateBound(bound: string, t: TFunction): string {
  if (bound === 'today') return t('services.relative.today');
  const m = RELATIVE.exec(bound);
  if (!m) return formatDate(`${bound}T00:00:00`);
  const unit = { d: 'days', w: 'weeks', m: 'months', y: 'years' }[m[3] as 'd' | 'w' | 'm' | 'y'];
  return t(`services.relative.${unit}_${m[1] === '-' ? 'ago' : 'ahead'}`, { count: Number(m[2]) });
}

/** What a field of the form asks for, in one line: format, limits, choices. */
export function fieldHint(field: FormField, documents: RequiredDocument[], t: TFunction, local: (b: Bilingual) => string): string {
  const r = field.rules ?? {};
  switch (field.type) {
    case 'text':
      if (r.patternMessage) return local(r.patternMessage);
      if (r.minLength && r.maxLength) return t('services.hints.textBetween', { min: r.minLength, max: r.maxLength });
      return t('services.hints.textMax', { max: r.maxLength ?? 200 });
    case 'number': {
      const kind = r.integer ? t('services.hints.wholeNumber') : t('services.hints.number');
      if (r.min !== undefined && r.max !== undefined) return t('services.hints.numberBetween', { kind, min: r.min, max: r.max });
      if (r.min !== undefined) return t('services.hints.numberMin', { kind, min: r.min });
      if (r.max !== undefined) return t('services.hints.numberMax', { kind, max: r.max });
      return kind;
    }
    case 'date':
      if (r.minDate && r.maxDate) return t('services.hints.dateBetween', { min: describeDateBound(r.minDate, t), max: describeDateBound(r.maxDate, t) });
      if (r.minDate) return t('services.hints.dateFrom', { min: describeDateBound(r.minDate, t) });
      if (r.maxDate) return t('services.hints.dateUntil', { max: describeDateBound(r.maxDate, t) });
      return t('services.hints.date');
    case 'select': {
      const options = field.options ?? [];
      return options.length <= 6
        ? t('services.hints.chooseOne', { options: options.map((o) => local(o.label)).join(', ') })
        : t('services.hints.chooseMany', { count: options.length });
    }
    case 'checkbox':
      return t('services.hints.tick');
    case 'file': {
      const document = documents.find((d) => d.key === field.document);
      return t('services.hints.upload', { document: document ? local(document.label) : field.document });
    }
  }
}
