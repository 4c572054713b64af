import type { Queryable } from '../../db/index.js';

export const KYC_STATES = ['not_started', 'submitted', 'approved', 'rejected', 'resubmitted'] as const;
export type KycState = (typeof KYC_STATES)[number];
export type DocumentKind = 'pan_card' | 'aadhaar_masked' | 'photo' | 'address_proof';

export interface KycProfileRow {
  user_id: string;
  state: KycState;
  legal_name: string | null;
  pan_encrypted: string | null;
  aadhaar_last4: string | null;
  /** YYYY-MM-DD (read as text, so no time zone can shift it). */
  date_of_birth: string | null;
  address_line1: string | null;
  address_line2: string | null;
  city: string | null;
  region: string | null;
  pincode: string | null;
  submission_count: number;
  submitted_at: Date | null;
  reviewed_at: Date | null;
  reviewed_by: string | null;
  rejection_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface KycDocumentRow {
  id: string;
  user_id: string;
  kind: DocumentKind;
  object_key: string;
  content_type: string;
  size_bytes: number;
  width: number | null;
  height: number | null;
  uploaded_at: Date;
  submitted_at: Date | null;
  superseded_at: Date | null;
}

const PROFILE_COLUMNS = `user_id, state, legal_name, pan_encrypted, aadhaar_last4, to_char(date_of_birth, 'YYYY-MM-DD') AS date_of_birth,
  address_line1, address_line2, city, region, pincode, submission_count, submitted_at, reviewed_at, reviewed_by,
  rejection_reason, created_at, updated_at`;

export async function findProfile(q: Queryable, userId: string, opts: { forUpdate?: boolean } = {}): Promise<KycProfileRow | undefined> {
  const rows = await q.query<KycProfileRow>(`SELECT ${PROFILE_COLUMNS} FROM kyc_profiles WHERE user_id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [userId]);
  return rows[0];
}

/** The profile row, created (not started) when missing; locked for the caller's transaction. */
export async function lockOrCreateProfile(q: Queryable, userId: string): Promise<KycProfileRow> {
  await q.query('INSERT INTO kyc_profiles (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING', [userId]);
  return (await findProfile(q, userId, { forUpdate: true }))!;
}

export type ProfileChanges = Partial<
  Pick<KycProfileRow, 'legal_name' | 'pan_encrypted' | 'aadhaar_last4' | 'date_of_birth' | 'address_line1' | 'address_line2' | 'city' | 'region' | 'pincode'>
>;

export async function updateProfileDetails(q: Queryable, userId: string, changes: ProfileChanges): Promise<void> {
  const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
  if (!entries.length) return;
  const sets = entries.map(([k], i) => `${k} = $${i + 2}`);
  await q.query(`UPDATE kyc_profiles SET ${sets.join(', ')}, updated_at = now() WHERE user_id = $1`, [userId, ...entries.map(([, v]) => v)]);
}

export async function markSubmitted(q: Queryable, userId: string, state: 'submitted' | 'resubmitted'): Promise<void> {
  await q.query(
    `UPDATE kyc_profiles SET state = $2, submitted_at = now(), submission_count = submission_count + 1,
       rejection_reason = NULL, reviewed_at = NULL, reviewed_by = NULL, updated_at = now()
     WHERE user_id = $1`,
    [userId, state],
  );
  await q.query('UPDATE kyc_documents SET submitted_at = now() WHERE user_id = $1 AND superseded_at IS NULL AND submitted_at IS NULL', [userId]);
}

/** Records a decision on a pending submission; undefined when it was not pending (nothing changes). */
export async function decide(q: Queryable, userId: string, reviewerId: string, decision: { state: 'approved' } | { state: 'rejected'; reason: string }): Promise<KycProfileRow | undefined> {
  const rows = await q.query<{ user_id: string }>(
    `UPDATE kyc_profiles SET state = $3, reviewed_at = now(), reviewed_by = $2, rejection_reason = $4, updated_at = now()
     WHERE user_id = $1 AND state IN ('submitted', 'resubmitted') RETURNING user_id`,
    [userId, reviewerId, decision.state, decision.state === 'rejected' ? decision.reason : null],
  );
  return rows[0] ? findProfile(q, userId) : undefined;
}

export async function currentDocuments(q: Queryable, userId: string): Promise<KycDocumentRow[]> {
  return q.query<KycDocumentRow>('SELECT * FROM kyc_documents WHERE user_id = $1 AND superseded_at IS NULL ORDER BY kind', [userId]);
}

export async function findDocument(q: Queryable, id: string): Promise<KycDocumentRow | undefined> {
  return (await q.query<KycDocumentRow>('SELECT * FROM kyc_documents WHERE id = $1', [id]))[0];
}

export async function insertDocument(
  q: Queryable,
  d: Pick<KycDocumentRow, 'user_id' | 'kind' | 'object_key' | 'content_type' | 'size_bytes' | 'width' | 'height'>,
): Promise<KycDocumentRow> {
  const rows = await q.query<KycDocumentRow>(
    `INSERT INTO kyc_documents (user_id, kind, object_key, content_type, size_bytes, width, height)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
    [d.user_id, d.kind, d.object_key, d.content_type, d.size_bytes, d.width, d.height],
  );
  return rows[0]!;
}

/**
 * Takes the current document of a kind out of the way of a new one: a draft upload (never
 * submitted) is deleted and its object key returned for removal; a submitted one is kept, superseded.
 */
export async function retireCurrentDocument(q: Queryable, userId: string, kind: DocumentKind): Promise<string | null> {
  const deleted = await q.query<{ object_key: string }>(
    'DELETE FROM kyc_documents WHERE user_id = $1 AND kind = $2 AND superseded_at IS NULL AND submitted_at IS NULL RETURNING object_key',
    [userId, kind],
  );
  if (deleted[0]) return deleted[0].object_key;
  await q.query('UPDATE kyc_documents SET superseded_at = now() WHERE user_id = $1 AND kind = $2 AND superseded_at IS NULL', [userId, kind]);
  return null;
}

export interface QueueItem {
  user_id: string;
  name: string;
  email: string;
  state: KycState;
  submitted_at: Date | null;
  reviewed_at: Date | null;
  submission_count: number;
  age_seconds: number;
}

export interface QueueFilter {
  states: KycState[];
  q?: string | undefined;
  limit: number;
  offset: number;
}

/** Oldest submission first: the queue is worked in order of waiting. */
export async function queue(q: Queryable, f: QueueFilter): Promise<{ items: QueueItem[]; total: number }> {
  const params: unknown[] = [f.states];
  // A closed account's pending submission can no longer be reviewed (kyc.service decideOn): not in the queue.
  let where = "p.state = ANY($1::text[]) AND (u.status <> 'closed' OR p.state NOT IN ('submitted', 'resubmitted'))";
  if (f.q) {
    params.push('%' + f.q.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%');
    where += ` AND (lower(u.name) LIKE $${params.length} OR u.email LIKE $${params.length} OR u.mobile LIKE $${params.length})`;
  }
  const total = (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM kyc_profiles p JOIN users u ON u.id = p.user_id WHERE ${where}`, params))[0]!.n;
  params.push(f.limit, f.offset);
  const items = await q.query<QueueItem>(
    `SELECT p.user_id, u.name, u.email, p.state, p.submitted_at, p.reviewed_at, p.submission_count,
            COALESCE(extract(epoch FROM now() - p.submitted_at), 0)::int AS age_seconds
     FROM kyc_profiles p JOIN users u ON u.id = p.user_id
     WHERE ${where}
     ORDER BY p.submitted_at ASC NULLS LAST, p.user_id
     LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return { items, total };
}

export async function isApproved(q: Queryable, userId: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM kyc_profiles WHERE user_id = $1 AND state = $2', [userId, 'approved'])).length > 0;
}

/** Profiles of accounts closed more than `days` ago: due for purging. */
export async function profilesDueForPurge(q: Queryable, days: number, limit = 100): Promise<string[]> {
  const rows = await q.query<{ user_id: string }>(
    `SELECT p.user_id FROM kyc_profiles p JOIN users u ON u.id = p.user_id
     WHERE u.closed_at IS NOT NULL AND u.closed_at < now() - make_interval(days => $1)
     ORDER BY u.closed_at LIMIT $2`,
    [days, limit],
  );
  return rows.map((r) => r.user_id);
}

export async function allDocumentKeys(q: Queryable, userId: string): Promise<string[]> {
  return (await q.query<{ object_key: string }>('SELECT object_key FROM kyc_documents WHERE user_id = $1', [userId])).map((r) => r.object_key);
}

export async function deleteAllFor(q: Queryable, userId: string): Promise<number> {
  const n = await q.execute('DELETE FROM kyc_documents WHERE user_id = $1', [userId]);
  await q.execute('DELETE FROM kyc_profiles WHERE user_id = $1', [userId]);
  return n;
}

export async function knownObjectKeys(q: Queryable, keys: string[]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const rows = await q.query<{ object_key: string }>('SELECT object_key FROM kyc_documents WHERE object_key = ANY($1::text[])', [keys]);
  return new Set(rows.map((r) => r.object_key));
}

export async function encryptedPans(q: Queryable, afterUserId: string | null, limit: number): Promise<{ user_id: string; pan_encrypted: string }[]> {
  return q.query(
    `SELECT user_id, pan_encrypted FROM kyc_profiles WHERE pan_encrypted IS NOT NULL AND ($1::uuid IS NULL OR user_id > $1::uuid)
     ORDER BY user_id LIMIT $2`,
    [afterUserId, limit],
  );
}
