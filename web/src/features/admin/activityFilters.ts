import type { ActivityFilters } from '../../api/endpoints';
import { dayToIso } from '../../lib/dates';

/** The filter form's values, as kept in the page URL (dates as YYYY-MM-DD). */
export interface ActivityFilterValues {
  action: string;
  actorId: string;
  subjectUserId: string;
  outcome: string;
  ip: string;
  from: string;
  to: string;
}

export const FILTER_NAMES: (keyof ActivityFilterValues)[] = [
  'action',
  'actorId',
  'subjectUserId',
  'outcome',
  'ip',
  'from',
  'to',
];

export function filtersFromParams(params: URLSearchParams): ActivityFilterValues {
  const get = (name: keyof ActivityFilterValues) => params.get(name) ?? '';
  return {
    action: get('action'),
    actorId: get('actorId'),
    subjectUserId: get('subjectUserId'),
    outcome: get('outcome'),
    ip: get('ip'),
    from: get('from'),
    to: get('to'),
  };
}

export function filtersToParams(values: ActivityFilterValues): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of FILTER_NAMES) {
    const value = values[name].trim();
    if (value) params.set(name, value);
  }
  return params;
}

/** What the API is asked for: empty fields left out, dates widened to whole local days. */
export function toApiFilters(values: ActivityFilterValues): ActivityFilters {
  const out: ActivityFilters = {};
  const set = (name: keyof ActivityFilters, value: string | undefined) => {
    const v = value?.trim();
    if (v) out[name] = v;
  };
  set('action', values.action);
  set('actorId', values.actorId);
  set('subjectUserId', values.subjectUserId);
  set('outcome', values.outcome);
  set('ip', values.ip);
  set('from', dayToIso(values.from, false));
  set('to', dayToIso(values.to, true));
  return out;
}
