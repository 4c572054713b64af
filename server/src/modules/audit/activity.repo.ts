import { Params, jsonRows, type Queryable } from '../../db/index.js';
import type { Actor, RequestMeta } from '../../platform/actor.js';
import { escapeLike } from '../../platform/sql.js';

export interface ActivityEntry {
  action: string;
  /** The account this record belongs to and is shown to. */
  subjectUserId?: string | null;
  object?: { type: string; id: string };
  outcome?: 'success' | 'failure';
  details?: Record<string, unknown>;
}

export interface ActivityRow {
  id: number;
  occurred_at: Date;
  actor_type: string;
  actor_id: string | null;
  subject_user_id: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  outcome: string;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

export interface ActivityFilter {
  subjectUserId?: string;
  actorId?: string;
  action?: string;
  outcome?: 'success' | 'failure';
  ip?: string;
  from?: Date;
  to?: Date;
  before?: number;
  limit: number;
}

function actorColumns(actor: Actor): [string, string | null] {
  switch (actor.type) {
    case 'user':
      return ['user', actor.userId];
    case 'api_key':
      return ['api_key', actor.keyId];
    default:
      return [actor.type, null];
  }
}

export async function insertActivity(q: Queryable, actor: Actor, entry: ActivityEntry, meta: RequestMeta): Promise<void> {
  await insertActivities(q, [{ actor, entry, meta }]);
}

/** Several records in one statement. */
export async function insertActivities(q: Queryable, records: readonly ActivityRecord[]): Promise<void> {
  if (!records.length) return;
  const ps = new Params();
  await q.query(
    `INSERT INTO activity_log (actor_type, actor_id, subject_user_id, action, object_type, object_id, outcome, ip, user_agent, request_id, details)
     ${jsonRows(ps, ACTIVITY_COLUMNS, records.map(activityRow))}`,
    ps.values,
  );
}

export interface ActivityRecord {
  actor: Actor;
  entry: ActivityEntry;
  meta: RequestMeta;
}

const ACTIVITY_COLUMNS = {
  actor_type: 'text',
  actor_id: 'text',
  subject_user_id: 'uuid',
  action: 'text',
  object_type: 'text',
  object_id: 'text',
  outcome: 'text',
  ip: 'text',
  user_agent: 'text',
  request_id: 'text',
  details: 'jsonb',
} as const;

/** A record as a row keyed by activity_log's column names (also what the send path's wa_send_write, migration 0025, takes). */
export function activityRow({ actor, entry, meta }: ActivityRecord): Record<string, unknown> {
  const [actorType, actorId] = actorColumns(actor);
  return {
    actor_type: actorType,
    actor_id: actorId,
    subject_user_id: entry.subjectUserId ?? null,
    action: entry.action,
    object_type: entry.object?.type ?? null,
    object_id: entry.object?.id ?? null,
    outcome: entry.outcome ?? 'success',
    ip: meta.ip,
    user_agent: meta.userAgent?.slice(0, 512) ?? null,
    request_id: meta.requestId,
    details: entry.details ?? {},
  };
}

export async function findActivity(q: Queryable, f: ActivityFilter): Promise<ActivityRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (f.subjectUserId) add('subject_user_id = ?', f.subjectUserId);
  if (f.actorId) add('actor_id = ?', f.actorId);
  if (f.action?.endsWith('*')) add("action LIKE ? ESCAPE '\\'", escapeLike(f.action.slice(0, -1)) + '%');
  else if (f.action) add('action = ?', f.action);
  if (f.outcome) add('outcome = ?', f.outcome);
  if (f.ip) add('ip = ?', f.ip);
  if (f.from) add('occurred_at >= ?', f.from);
  if (f.to) add('occurred_at < ?', f.to);
  if (f.before) add('id < ?', f.before);
  params.push(f.limit);
  return q.query<ActivityRow>(
    `SELECT * FROM activity_log ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
     ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
}
