/**
 * A number's opening hours (pure): a weekly schedule of intervals per day and whole-day holidays,
 * read in the number's IANA time zone (Asia/Kolkata unless the tenant chose another), so the
 * question "is the business open at instant t?" has one answer on every server whatever its own zone.
 * An interval closes at its `close` minute ("09:00"–"18:00" is open at 17:59, closed at 18:00);
 * "24:00" closes at midnight. Hours past midnight are two intervals on two days.
 */

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Day = (typeof DAYS)[number];

export interface Interval {
  open: string;
  close: string;
}
export type WeeklyHours = Record<Day, Interval[]>;
export interface Holiday {
  date: string;
  name?: string | undefined;
}
export interface BusinessHours {
  timezone: string;
  weekly: WeeklyHours;
  holidays: Holiday[];
}

export const DEFAULT_TIMEZONE = 'Asia/Kolkata';
export const MAX_INTERVALS_PER_DAY = 4;
export const MAX_HOLIDAYS = 100;

const TIME = /^([01][0-9]|2[0-3]):([0-5][0-9])$|^24:00$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timezone, f);
  }
  return f;
}

/** Whether `timezone` is an IANA zone this runtime knows (Asia/Kolkata, Europe/London, UTC …). */
export function isTimeZone(timezone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(timezone)) return false;
  try {
    formatter(timezone);
    return true;
  } catch {
    return false;
  }
}

/** The local date, weekday and minute of the day of `at` in `timezone`. */
export function localTime(at: Date, timezone: string): { date: string; day: Day; minutes: number } {
  const parts = Object.fromEntries(formatter(timezone).formatToParts(at).map((p) => [p.type, p.value]));
  const day = String(parts.weekday).slice(0, 3).toLowerCase() as Day;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, day, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

export function isOpen(hours: BusinessHours, at: Date): boolean {
  const local = localTime(at, hours.timezone);
  if (hours.holidays.some((h) => h.date === local.date)) return false;
  return (hours.weekly[local.day] ?? []).some((i) => local.minutes >= minutesOf(i.open) && local.minutes < minutesOf(i.close));
}

/** Problems of a schedule as `{field, message}` (empty when it may be stored). */
export function hoursProblems(hours: BusinessHours): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (!isTimeZone(hours.timezone)) problems.push({ field: 'timezone', message: 'is not a time zone name such as Asia/Kolkata' });
  for (const day of DAYS) {
    const intervals = hours.weekly[day] ?? [];
    if (intervals.length > MAX_INTERVALS_PER_DAY) problems.push({ field: `weeklyHours.${day}`, message: `has more than ${MAX_INTERVALS_PER_DAY} intervals` });
    const sorted: [number, number, number][] = [];
    intervals.forEach((i, n) => {
      const field = `weeklyHours.${day}[${n}]`;
      if (!TIME.test(i.open) || !TIME.test(i.close) || i.open === '24:00') {
        problems.push({ field, message: 'times are HH:MM, from 00:00 to 24:00' });
        return;
      }
      if (minutesOf(i.close) <= minutesOf(i.open)) {
        problems.push({ field, message: 'closes before it opens (split hours past midnight over two days)' });
        return;
      }
      sorted.push([minutesOf(i.open), minutesOf(i.close), n]);
    });
    sorted.sort((a, b) => a[0] - b[0]);
    for (let k = 1; k < sorted.length; k++) {
      if (sorted[k]![0] < sorted[k - 1]![1]) problems.push({ field: `weeklyHours.${day}[${sorted[k]![2]}]`, message: 'overlaps another interval of the day' });
    }
  }
  if (hours.holidays.length > MAX_HOLIDAYS) problems.push({ field: 'holidays', message: `at most ${MAX_HOLIDAYS} holidays` });
  const seen = new Set<string>();
  hours.holidays.forEach((h, n) => {
    const m = DATE.exec(h.date);
    const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
    if (!m || !d || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) problems.push({ field: `holidays[${n}].date`, message: 'is not a date (YYYY-MM-DD)' });
    else if (seen.has(h.date)) problems.push({ field: `holidays[${n}].date`, message: 'is listed twice' });
    seen.add(h.date);
  });
  return problems;
}
