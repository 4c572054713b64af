import type { Db, Queryable } from '../../../db/index.js';
import type { Actor, RequestMeta } from '../../../platform/actor.js';
import { AppError, conflict, notFound } from '../../../platform/errors.js';
import { insertActivity } from '../../audit/activity.repo.js';
import type { Notifier } from '../../notifications/notifier.js';
import { unassignMember } from './conversations.repo.js';
import type { TeamRole } from './inbox-access.js';
import { publish } from './inbox-feed.js';
import { toMemberDto } from './inbox.schemas.js';
import * as repo from './team.repo.js';

/**
 * A tenant's team (README.md "Team"): existing accounts invited by email as agent or manager of the
 * tenant's WhatsApp inbox — and of nothing else of the tenant's. Only the tenant manages it.
 * Invitations take effect at once (the person already has an account and is told in the app and by
 * mail, as their preferences allow); removal ends their live inbox streams and leaves the
 * conversations they held unassigned.
 */

type UserActor = Extract<Actor, { type: 'user' }>;

/** A team larger than this is a call-centre setup that should talk to us first. */
export const MAX_TEAM_SIZE = 100;

const lockTeam = (q: Queryable, tenantId: string) => q.query("SELECT pg_advisory_xact_lock(hashtext('wa-team:' || $1))", [tenantId]);

export function createTeamService(deps: { db: Db; notifier: Notifier }) {
  const { db, notifier } = deps;

  async function list(tenantId: string) {
    return { items: (await repo.listMembers(db, tenantId)).map(toMemberDto) };
  }

  async function invite(actor: UserActor, input: { email: string; role: TeamRole }, meta: RequestMeta) {
    const tenantId = actor.userId;
    const id = await db.tx(async (tx) => {
      await lockTeam(tx, tenantId);
      const user = await repo.findActiveUserByEmail(tx, input.email);
      if (!user) throw new AppError(422, 'account_not_found', 'No active account uses this email address. Ask the person to register first, then invite them.');
      if (user.id === tenantId) throw new AppError(422, 'cannot_invite_self', 'You own this inbox already.');
      if ((await repo.countMembers(tx, tenantId)) >= MAX_TEAM_SIZE) throw conflict('team_full', `A team can have at most ${MAX_TEAM_SIZE} members. Remove someone first.`);
      const memberId = await repo.insertMember(tx, { tenantId, userId: user.id, role: input.role, invitedBy: actor.userId });
      if (!memberId) throw conflict('already_member', 'This person is already in your team.');
      await insertActivity(tx, actor, { action: 'whatsapp.team.member_added', subjectUserId: tenantId, object: { type: 'wa_team_member', id: memberId }, details: { userId: user.id, role: input.role } }, meta);
      const [owner] = await tx.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [tenantId]);
      const name = owner?.name ?? '';
      await notifier.notify(tx, {
        userId: user.id,
        topic: 'service_updates',
        kind: 'whatsapp.team_added',
        title: { en: `You joined ${name}'s WhatsApp inbox`, hi: `आप ${name} के WhatsApp इनबॉक्स में जुड़ गए` },
        body: {
          en: `${name} added you as ${input.role === 'manager' ? 'a manager' : 'an agent'} of their WhatsApp team inbox. You can now read and answer their customers' WhatsApp conversations.`,
          hi: `${name} ने आपको अपने WhatsApp टीम इनबॉक्स में ${input.role === 'manager' ? 'मैनेजर' : 'एजेंट'} के रूप में जोड़ा है। अब आप उनके ग्राहकों की WhatsApp बातचीत पढ़ और उनका जवाब दे सकते हैं।`,
        },
        link: `/whatsapp/inbox?tenant=${tenantId}`,
      });
      await publish(tx, { t: tenantId, k: 'team', u: user.id });
      return memberId;
    });
    return { member: toMemberDto((await repo.findMember(db, tenantId, id))!) };
  }

  async function changeRole(actor: UserActor, id: string, role: TeamRole, meta: RequestMeta) {
    const tenantId = actor.userId;
    await db.tx(async (tx) => {
      const m = await repo.findMember(tx, tenantId, id, true);
      if (!m) throw notFound('Team member');
      if (m.role === role) return;
      await repo.setRole(tx, m.id, role);
      await insertActivity(tx, actor, { action: 'whatsapp.team.role_changed', subjectUserId: tenantId, object: { type: 'wa_team_member', id: m.id }, details: { userId: m.user_id, from: m.role, to: role } }, meta);
      await publish(tx, { t: tenantId, k: 'team', u: m.user_id });
    });
    return { member: toMemberDto((await repo.findMember(db, tenantId, id))!) };
  }

  async function remove(actor: UserActor, id: string, meta: RequestMeta): Promise<void> {
    const tenantId = actor.userId;
    await db.tx(async (tx) => {
      const m = await repo.findMember(tx, tenantId, id, true);
      if (!m) throw notFound('Team member');
      await repo.markRemoved(tx, m.id);
      const released = await unassignMember(tx, tenantId, m.user_id);
      await insertActivity(
        tx,
        actor,
        { action: 'whatsapp.team.member_removed', subjectUserId: tenantId, object: { type: 'wa_team_member', id: m.id }, details: { userId: m.user_id, unassigned: released.length } },
        meta,
      );
      const [owner] = await tx.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [tenantId]);
      const name = owner?.name ?? '';
      await notifier.notify(tx, {
        userId: m.user_id,
        topic: 'service_updates',
        kind: 'whatsapp.team_removed',
        title: { en: `You left ${name}'s WhatsApp inbox`, hi: `आप ${name} के WhatsApp इनबॉक्स से हटा दिए गए` },
        body: { en: `${name} removed you from their WhatsApp team inbox.`, hi: `${name} ने आपको अपने WhatsApp टीम इनबॉक्स से हटा दिया है।` },
      });
      await publish(tx, { t: tenantId, k: 'team', u: m.user_id });
      for (const c of released) await publish(tx, { t: tenantId, k: 'conversation', c });
    });
  }

  return { list, invite, changeRole, remove };
}

export type TeamService = ReturnType<typeof createTeamService>;
