import type { Db, Queryable } from '../../../db/index.js';
import type { Actor, RequestMeta } from '../../../platform/actor.js';
import { conflict, notFound } from '../../../platform/errors.js';
import { insertActivity } from '../../audit/activity.repo.js';
import { inboxRole, requireInbox, requireManager } from './inbox-access.js';
import * as repo from './quick-replies.repo.js';
import { toQuickReplyDto } from './inbox.schemas.js';

/**
 * Saved replies of a tenant's inbox, typed as /shortcut in the reply box. Every member uses them; the
 * owner and managers write them. Shortcuts are stored lower-case without the slash, unique per tenant.
 */

type UserActor = Extract<Actor, { type: 'user' }>;

export const MAX_QUICK_REPLIES = 300;

const normalise = (shortcut: string) => shortcut.replace(/^\//, '').toLowerCase();
const lock = (q: Queryable, tenantId: string) => q.query("SELECT pg_advisory_xact_lock(hashtext('wa-quick-replies:' || $1))", [tenantId]);
const taken = () => conflict('shortcut_taken', 'Another quick reply already uses this shortcut.');

export function createQuickRepliesService(deps: { db: Db }) {
  const { db } = deps;

  /** The quick reply and the caller's right to change it: 404 outside its inbox, 403 for agents. */
  async function editable(q: Queryable, userId: string, id: string): Promise<repo.QuickReplyRow> {
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findQuickReply(q, id) : null;
    const role = row ? await inboxRole(q, userId, row.tenant_id) : null;
    if (!row || !role) throw notFound('Quick reply');
    requireManager(role);
    return row;
  }

  async function list(userId: string, tenantId: string) {
    await requireInbox(db, userId, tenantId);
    return { items: (await repo.listQuickReplies(db, tenantId)).map(toQuickReplyDto) };
  }

  async function create(actor: UserActor, input: { tenantId: string; shortcut: string; body: string }, meta: RequestMeta) {
    requireManager(await requireInbox(db, actor.userId, input.tenantId));
    const row = await db.tx(async (tx) => {
      await lock(tx, input.tenantId);
      if ((await repo.countQuickReplies(tx, input.tenantId)) >= MAX_QUICK_REPLIES) throw conflict('too_many_quick_replies', `An inbox can keep at most ${MAX_QUICK_REPLIES} quick replies.`);
      const r = await repo.insertQuickReply(tx, { tenantId: input.tenantId, shortcut: normalise(input.shortcut), body: input.body, createdBy: actor.userId });
      if (!r) throw taken();
      await insertActivity(tx, actor, { action: 'whatsapp.inbox.quick_reply_created', subjectUserId: input.tenantId, object: { type: 'wa_quick_reply', id: r.id }, details: { shortcut: r.shortcut } }, meta);
      return r;
    });
    return { quickReply: toQuickReplyDto(row) };
  }

  async function update(actor: UserActor, id: string, input: { shortcut?: string | undefined; body?: string | undefined }, meta: RequestMeta) {
    const row = await db.tx(async (tx) => {
      const current = await editable(tx, actor.userId, id);
      await lock(tx, current.tenant_id);
      const next = { shortcut: input.shortcut !== undefined ? normalise(input.shortcut) : current.shortcut, body: input.body ?? current.body };
      const r = await repo.updateQuickReply(tx, current.id, next);
      if (!r) throw taken();
      await insertActivity(tx, actor, { action: 'whatsapp.inbox.quick_reply_updated', subjectUserId: current.tenant_id, object: { type: 'wa_quick_reply', id: r.id }, details: { shortcut: r.shortcut } }, meta);
      return r;
    });
    return { quickReply: toQuickReplyDto(row) };
  }

  async function remove(actor: UserActor, id: string, meta: RequestMeta): Promise<void> {
    await db.tx(async (tx) => {
      const current = await editable(tx, actor.userId, id);
      await repo.deleteQuickReply(tx, current.id);
      await insertActivity(tx, actor, { action: 'whatsapp.inbox.quick_reply_deleted', subjectUserId: current.tenant_id, object: { type: 'wa_quick_reply', id: current.id }, details: { shortcut: current.shortcut } }, meta);
    });
  }

  return { list, create, update, remove };
}

export type QuickRepliesService = ReturnType<typeof createQuickRepliesService>;
