import type { PassbookFilters } from '../../api/endpoints';
import { dayAfterToIso, dayToIso } from '../../lib/dates';

/** The passbook filter form's values (dates as YYYY-MM-DD, local days). */
export interface PassbookFilterValues {
  from: string;
  to: string;
  kind: string;
}

export const EMPTY_PASSBOOK_FILTERS: PassbookFilterValues = { from: '', to: '', kind: '' };

export const activeFilterCount = (v: PassbookFilterValues): number =>
  [v.from, v.to, v.kind].filter((x) => x.trim() !== '').length;

/** What the API is asked for: whole local days, `to` inclusive of its day (the API's bound is exclusive). */
export function toPassbookQuery(v: PassbookFilterValues): PassbookFilters {
  const out: PassbookFilters = {};
  const from = dayToIso(v.from, false);
  const to = dayAfterToIso(v.to);
  if (from) out.from = from;
  if (to) out.to = to;
  if (v.kind) out.kind = v.kind;
  return out;
}
