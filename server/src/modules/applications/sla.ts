/**
 * When an application is due: a service's turnaround is in working days, counted in India (IST,
 * UTC+5:30, no daylight saving) with Sunday as the weekly holiday of service centres. Public
 * holidays differ by state and are not counted; an operator sees "overdue" one day early at worst.
 */
const IST_OFFSET_MS = 330 * 60_000;
const DAY_MS = 86_400_000;

/**
 * The end (23:59:59.999 IST) of the `workingDays`-th working day after the day of `from` in India;
 * 0 = the end of that same day (same-day services).
 */
export function slaDueAt(from: Date, workingDays: number): Date {
  if (!Number.isInteger(workingDays) || workingDays < 0) throw new RangeError(`workingDays must be a whole number ≥ 0, got ${workingDays}`);
  const ist = new Date(from.getTime() + IST_OFFSET_MS);
  // Midnight UTC of the Indian calendar day: only its date parts are used.
  let day = Date.UTC(ist.getUTCFullYear(), ist.getUTCMonth(), ist.getUTCDate());
  for (let left = workingDays; left > 0; ) {
    day += DAY_MS;
    if (new Date(day).getUTCDay() !== 0) left--;
  }
  return new Date(day + DAY_MS - IST_OFFSET_MS - 1);
}
