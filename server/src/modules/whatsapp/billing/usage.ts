import type { Queryable } from '../../../db/index.js';
import { badRequest } from '../../../platform/errors.js';
import { categoryFromMeta } from './pricing.js';

/**
 * Usage and spend reports, read from the message log (wa_messages): counts by direction, status and
 * billing category, and money by billing state — charged (settled), pending (reserved at send, not
 * yet settled by Meta's status webhook). Days are Indian calendar days (IST, UTC+05:30, no DST).
 */

export const STATUSES = ['queued', 'accepted', 'sent', 'delivered', 'read', 'failed', 'received'] as const;
type Status = (typeof STATUSES)[number];

export interface Range {
  from: Date;
  to: Date;
}

const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 366;

/** The report period: `to` defaults to now, `from` to 30 days before `to`; at most a year and a day. */
export function reportRange(q: { from?: string | undefined; to?: string | undefined }, now = new Date()): Range {
  const to = q.to ? new Date(q.to) : now;
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * DAY_MS);
  if (from.getTime() >= to.getTime()) throw badRequest('invalid_range', 'The start of the period must be before its end.', [{ field: 'from', message: 'must be before to' }]);
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) {
    throw badRequest('range_too_long', `A report covers at most ${MAX_RANGE_DAYS} days.`, [{ field: 'from', message: `must be at most ${MAX_RANGE_DAYS} days before to` }]);
  }
  return { from, to };
}

export interface Summary {
  outbound: number;
  inbound: number;
  /** Settled charges in paise. */
  chargedPaise: number;
  /** Reserved at send, not yet settled, in paise. */
  pendingPaise: number;
  byStatus: Record<Status, number>;
  byCategory: { category: string; messages: number; chargedPaise: number }[];
}

export interface NumberUsage extends Summary {
  numberId: string;
  label: string;
  phoneNumberId: string;
  displayPhoneNumber: string | null;
  status: string;
}

export interface DayUsage {
  day: string;
  outbound: number;
  inbound: number;
  failed: number;
  chargedPaise: number;
}

export interface TenantUsage {
  from: string;
  to: string;
  totals: Summary;
  numbers: NumberUsage[];
  days: DayUsage[];
}

function emptySummary(): Summary {
  return { outbound: 0, inbound: 0, chargedPaise: 0, pendingPaise: 0, byStatus: Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>, byCategory: [] };
}

interface GroupRow {
  number_id: string;
  direction: 'outbound' | 'inbound';
  status: Status;
  category: string | null;
  pricing_category: string | null;
  n: number;
  charged: number;
  pending: number;
}

function add(s: Summary, r: GroupRow): void {
  if (r.direction === 'outbound') s.outbound += r.n;
  else s.inbound += r.n;
  if (r.status in s.byStatus) s.byStatus[r.status] += r.n;
  s.chargedPaise += r.charged;
  s.pendingPaise += r.pending;
  if (r.direction === 'outbound') {
    // Meta's category once the status webhook reported it, else the one expected at send.
    const category = categoryFromMeta(r.pricing_category) ?? r.category ?? 'uncategorised';
    let c = s.byCategory.find((x) => x.category === category);
    if (!c) s.byCategory.push((c = { category, messages: 0, chargedPaise: 0 }));
    c.messages += r.n;
    c.chargedPaise += r.charged;
  }
}

const IST_DAY = `to_char((created_at AT TIME ZONE 'UTC') + interval '330 minutes', 'YYYY-MM-DD')`;

/** One tenant's usage over `range`: totals, per number and per day; optionally only one number. */
export async function tenantUsage(q: Queryable, tenantId: string, range: Range, numberId?: string): Promise<TenantUsage> {
  const params: unknown[] = [tenantId, range.from, range.to];
  let only = '';
  if (numberId) {
    params.push(numberId);
    only = ' AND number_id = $4';
  }
  const groups = await q.query<GroupRow>(
    `SELECT number_id, direction, status, category, pricing_category, count(*)::int AS n,
            COALESCE(sum(charged_paise) FILTER (WHERE billing_state = 'charged'), 0)::bigint AS charged,
            COALESCE(sum(reserved_paise) FILTER (WHERE billing_state = 'reserved'), 0)::bigint AS pending
       FROM wa_messages
      WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3${only}
      GROUP BY number_id, direction, status, category, pricing_category`,
    params,
  );
  const days = await q.query<{ day: string; outbound: number; inbound: number; failed: number; charged: number }>(
    `SELECT ${IST_DAY} AS day,
            count(*) FILTER (WHERE direction = 'outbound')::int AS outbound,
            count(*) FILTER (WHERE direction = 'inbound')::int AS inbound,
            count(*) FILTER (WHERE status = 'failed')::int AS failed,
            COALESCE(sum(charged_paise) FILTER (WHERE billing_state = 'charged'), 0)::bigint AS charged
       FROM wa_messages
      WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3${only}
      GROUP BY 1 ORDER BY 1`,
    params,
  );
  // Every number of the tenant appears (a number without messages shows zeros), plus any a message names.
  const numbers = await q.query<{ id: string; label: string; phone_number_id: string; display_phone_number: string | null; status: string }>(
    `SELECT id, label, phone_number_id, display_phone_number, status FROM wa_numbers
      WHERE tenant_id = $1${numberId ? ' AND id = $2' : ''} ORDER BY status = 'disconnected', created_at`,
    numberId ? [tenantId, numberId] : [tenantId],
  );
  const totals = emptySummary();
  const perNumber = new Map<string, NumberUsage>(
    numbers.map((n) => [n.id, { numberId: n.id, label: n.label, phoneNumberId: n.phone_number_id, displayPhoneNumber: n.display_phone_number, status: n.status, ...emptySummary() }]),
  );
  for (const g of groups) {
    add(totals, g);
    const n = perNumber.get(g.number_id);
    if (n) add(n, g);
  }
  // Disconnected numbers without traffic in the period are history, not news.
  const items = [...perNumber.values()].filter((n) => n.status !== 'disconnected' || n.outbound + n.inbound > 0);
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    totals,
    numbers: items,
    days: days.map((d) => ({ day: d.day, outbound: d.outbound, inbound: d.inbound, failed: d.failed, chargedPaise: d.charged })),
  };
}

export interface TenantRow {
  tenantId: string;
  name: string;
  email: string;
  liveNumbers: number;
  outbound: number;
  inbound: number;
  failed: number;
  chargedPaise: number;
  pendingPaise: number;
}

/** Every tenant with messages in `range` (or a live number), biggest spenders first: for admins. */
export async function allTenantsUsage(q: Queryable, range: Range): Promise<{ from: string; to: string; tenants: TenantRow[]; totals: Omit<TenantRow, 'tenantId' | 'name' | 'email'> }> {
  const rows = await q.query<{ tenant_id: string; name: string; email: string; live_numbers: number; outbound: number; inbound: number; failed: number; charged: number; pending: number }>(
    `WITH usage AS (
       SELECT tenant_id,
              count(*) FILTER (WHERE direction = 'outbound')::int AS outbound,
              count(*) FILTER (WHERE direction = 'inbound')::int AS inbound,
              count(*) FILTER (WHERE status = 'failed')::int AS failed,
              COALESCE(sum(charged_paise) FILTER (WHERE billing_state = 'charged'), 0)::bigint AS charged,
              COALESCE(sum(reserved_paise) FILTER (WHERE billing_state = 'reserved'), 0)::bigint AS pending
         FROM wa_messages WHERE created_at >= $1 AND created_at < $2 GROUP BY tenant_id
     ), live AS (
       SELECT tenant_id, count(*)::int AS live_numbers FROM wa_numbers WHERE status <> 'disconnected' GROUP BY tenant_id
     )
     SELECT u.id AS tenant_id, u.name, u.email, COALESCE(l.live_numbers, 0) AS live_numbers,
            COALESCE(g.outbound, 0) AS outbound, COALESCE(g.inbound, 0) AS inbound, COALESCE(g.failed, 0) AS failed,
            COALESCE(g.charged, 0) AS charged, COALESCE(g.pending, 0) AS pending
       FROM users u LEFT JOIN usage g ON g.tenant_id = u.id LEFT JOIN live l ON l.tenant_id = u.id
      WHERE g.tenant_id IS NOT NULL OR l.tenant_id IS NOT NULL
      ORDER BY COALESCE(g.charged, 0) DESC, COALESCE(g.outbound, 0) DESC, u.name, u.id
      LIMIT 1000`,
    [range.from, range.to],
  );
  const tenants = rows.map((r) => ({
    tenantId: r.tenant_id,
    name: r.name,
    email: r.email,
    liveNumbers: r.live_numbers,
    outbound: r.outbound,
    inbound: r.inbound,
    failed: r.failed,
    chargedPaise: r.charged,
    pendingPaise: r.pending,
  }));
  const totals = { liveNumbers: 0, outbound: 0, inbound: 0, failed: 0, chargedPaise: 0, pendingPaise: 0 };
  for (const t of tenants) {
    totals.liveNumbers += t.liveNumbers;
    totals.outbound += t.outbound;
    totals.inbound += t.inbound;
    totals.failed += t.failed;
    totals.chargedPaise += t.chargedPaise;
    totals.pendingPaise += t.pendingPaise;
  }
  return { from: range.from.toISOString(), to: range.to.toISOString(), tenants, totals };
}

export interface KeyDay {
  day: string;
  messages: number;
  failed: number;
  chargedPaise: number;
}

/** Messages sent with one API key per day (IST) over `range`. */
export async function keyUsageByDay(q: Queryable, tenantId: string, keyId: string, range: Range): Promise<KeyDay[]> {
  const rows = await q.query<{ day: string; messages: number; failed: number; charged: number }>(
    `SELECT ${IST_DAY} AS day, count(*)::int AS messages,
            count(*) FILTER (WHERE status = 'failed')::int AS failed,
            COALESCE(sum(charged_paise) FILTER (WHERE billing_state = 'charged'), 0)::bigint AS charged
       FROM wa_messages
      WHERE tenant_id = $1 AND api_key_id = $2 AND direction = 'outbound' AND created_at >= $3 AND created_at < $4
      GROUP BY 1 ORDER BY 1`,
    [tenantId, keyId, range.from, range.to],
  );
  return rows.map((r) => ({ day: r.day, messages: r.messages, failed: r.failed, chargedPaise: r.charged }));
}
