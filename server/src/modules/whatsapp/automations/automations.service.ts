import type { Db, Queryable } from '../../../db/index.js';
import type { Actor, RequestMeta } from '../../../platform/actor.js';
import { badRequest, conflict, notFound } from '../../../platform/errors.js';
import { insertActivity } from '../../audit/activity.repo.js';
import { findTenantNumber, type NumberRow } from '../numbers/numbers.repo.js';
import { keywordIntent } from '../inbound/consent-keywords.js';
import { checkTemplateSend } from '../templates/index.js';
import { decide, type RuleKind } from './automation-decision.js';
import * as repo from './automations.repo.js';
import { hoursProblems, isOpen, localTime } from './business-hours.js';
import { patternProblem, type MatchType } from './keyword-match.js';
import { assertValidReply, replySummary, type Reply } from './reply-body.js';

/**
 * The automation settings of a tenant's numbers (the web UI's use cases): opening hours and limits,
 * the welcome / away / confirmation replies, keyword rules (add, edit, reorder, delete) and the
 * "which rule would fire" preview. Every change is one transaction with its activity record; another
 * tenant's number or rule is not found.
 */

export const MAX_KEYWORD_RULES = 100;

type SingleKind = Exclude<RuleKind, 'keyword'>;

export interface SettingsInput {
  enabled: boolean;
  timezone: string;
  weeklyHours: repo.SettingsRow['weekly_hours'];
  holidays: repo.SettingsRow['holidays'];
  awayCooldownHours: number;
  contactLimit: number;
  contactWindowMinutes: number;
  numberLimitPerMinute: number;
}

export interface RuleFields {
  name?: string | undefined;
  enabled?: boolean | undefined;
  matchType?: MatchType | undefined;
  patterns?: string[] | undefined;
  reply?: Reply | null | undefined;
  addTags?: string[] | undefined;
}

function cleanTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of tags) {
    const t = raw.trim().replace(/\s+/g, ' ');
    if (t && !out.some((o) => o.toLowerCase() === t.toLowerCase())) out.push(t);
  }
  return out;
}

function cleanPatterns(type: MatchType, patterns: readonly string[]): string[] {
  const out: string[] = [];
  patterns.forEach((raw, i) => {
    const p = type === 'regex' ? raw : raw.trim();
    const problem = patternProblem(type, p);
    if (problem) throw badRequest(problem.code, problem.message, [{ field: `patterns[${i}]`, message: problem.message }]);
    if (!out.includes(p)) out.push(p);
  });
  return out;
}

export function createAutomationsService(deps: { db: Db; clock: () => Date }) {
  const { db, clock } = deps;

  async function numberOf(q: Queryable, tenantId: string, numberId: string): Promise<NumberRow> {
    const number = await findTenantNumber(q, tenantId, numberId);
    if (!number) throw notFound('Phone number');
    return number;
  }

  async function changeableNumber(q: Queryable, tenantId: string, numberId: string): Promise<NumberRow> {
    const number = await numberOf(q, tenantId, numberId);
    if (number.status === 'disconnected') throw conflict('number_disconnected', 'This number is disconnected; its automations can no longer be changed.');
    return number;
  }

  async function settingsOf(q: Queryable, number: NumberRow): Promise<repo.SettingsRow> {
    return (await repo.findSettings(q, number.id)) ?? repo.defaultSettings(number.tenant_id, number.id);
  }

  /** The reply may be stored: Meta's shape rules, an uploaded media id of this number, a sendable template. */
  async function checkReply(q: Queryable, number: NumberRow, reply: Reply, field: string): Promise<void> {
    assertValidReply(reply, field);
    if (reply.type === 'media' && reply.mediaId) {
      const rows = await q.query('SELECT 1 FROM wa_media WHERE number_id = $1 AND media_id = $2 AND tenant_id = $3 AND deleted_at IS NULL', [number.id, reply.mediaId, number.tenant_id]);
      if (!rows.length) throw badRequest('media_not_found', 'No upload with this media id was made from this number (or WhatsApp no longer keeps it). Upload it again or use a link.', [{ field: `${field}.mediaId`, message: 'not uploaded from this number' }]);
    }
    if (reply.type === 'template') {
      await checkTemplateSend(q, { tenantId: number.tenant_id, wabaId: number.waba_id, name: reply.name, language: reply.language, components: reply.components });
    }
  }

  async function activity(q: Queryable, actor: Actor, number: NumberRow, action: string, object: { type: string; id: string }, details: Record<string, unknown>, meta: RequestMeta) {
    await insertActivity(q, actor, { action, subjectUserId: number.tenant_id, object, details: { numberId: number.id, ...details } }, meta);
  }

  return {
    async overview(tenantId: string, numberId: string) {
      const number = await numberOf(db, tenantId, numberId);
      const settings = await settingsOf(db, number);
      return { number, settings, openNow: isOpen(repo.hoursOf(settings), clock()), rules: await repo.listRules(db, number.id) };
    },

    async updateSettings(actor: Extract<Actor, { type: 'user' }>, tenantId: string, numberId: string, input: SettingsInput, meta: RequestMeta) {
      const problems = hoursProblems({ timezone: input.timezone, weekly: input.weeklyHours, holidays: input.holidays });
      if (problems.length) throw badRequest('invalid_hours', `The opening hours are not valid: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`, problems);
      return db.tx(async (tx) => {
        const number = await changeableNumber(tx, tenantId, numberId);
        const before = await repo.findSettings(tx, number.id);
        const holidays = [...input.holidays].map((h) => ({ date: h.date, ...(h.name?.trim() ? { name: h.name.trim() } : {}) })).sort((a, b) => a.date.localeCompare(b.date));
        const settings = await repo.upsertSettings(
          tx,
          tenantId,
          number.id,
          {
            enabled: input.enabled,
            timezone: input.timezone,
            weekly_hours: input.weeklyHours,
            holidays,
            away_cooldown_hours: input.awayCooldownHours,
            contact_limit: input.contactLimit,
            contact_window_minutes: input.contactWindowMinutes,
            number_limit_per_minute: input.numberLimitPerMinute,
          },
          actor.userId,
        );
        await activity(tx, actor, number, 'whatsapp.automation_settings_updated', { type: 'wa_number', id: number.id }, { enabled: settings.enabled, timezone: settings.timezone, ...(before && before.enabled !== settings.enabled ? { enabledFrom: before.enabled } : {}) }, meta);
        return { settings, openNow: isOpen(repo.hoursOf(settings), clock()) };
      });
    },

    /** The welcome, away, opt-out or opt-in reply of a number (created on first save). */
    async putSingle(actor: Extract<Actor, { type: 'user' }>, tenantId: string, numberId: string, kind: SingleKind, input: { enabled: boolean; reply: Reply | null }, meta: RequestMeta) {
      if (input.enabled && !input.reply) throw badRequest('reply_required', 'Write the reply before switching it on.', [{ field: 'reply', message: 'is required when enabled' }]);
      if (input.reply && (kind === 'opt_out' || kind === 'opt_in') && input.reply.type !== 'text') {
        throw badRequest('invalid_reply', 'Opt-out and opt-in confirmations are text messages.', [{ field: 'reply.type', message: 'must be text' }]);
      }
      return db.tx(async (tx) => {
        const number = await changeableNumber(tx, tenantId, numberId);
        if (input.reply) await checkReply(tx, number, input.reply, 'reply');
        const existing = await repo.findSingleRule(tx, number.id, kind, true);
        const fields = { name: '', enabled: input.enabled, matchType: null, patterns: [], reply: input.reply, addTags: [] };
        const rule = existing ? await repo.updateRule(tx, existing.id, { ...fields, userId: actor.userId }) : await repo.insertRule(tx, { ...fields, tenantId, numberId: number.id, kind, position: 0, userId: actor.userId });
        await activity(tx, actor, number, existing ? 'whatsapp.automation_rule_updated' : 'whatsapp.automation_rule_created', { type: 'wa_automation_rule', id: rule.id }, { kind, enabled: rule.enabled, replyType: rule.reply?.type ?? null }, meta);
        return rule;
      });
    },

    async createRule(actor: Extract<Actor, { type: 'user' }>, tenantId: string, numberId: string, input: RuleFields & { matchType: MatchType; patterns: string[] }, meta: RequestMeta) {
      const patterns = cleanPatterns(input.matchType, input.patterns);
      const addTags = cleanTags(input.addTags ?? []);
      const reply = input.reply ?? null;
      if (!reply && !addTags.length) throw badRequest('action_required', 'A rule needs a reply, a tag to add, or both.', [{ field: 'reply', message: 'give a reply or addTags' }]);
      return db.tx(async (tx) => {
        const number = await changeableNumber(tx, tenantId, numberId);
        if (reply) await checkReply(tx, number, reply, 'reply');
        await repo.lockNumber(tx, number.id);
        const ids = await repo.keywordRuleIds(tx, number.id);
        if (ids.length >= MAX_KEYWORD_RULES) throw conflict('too_many_rules', `A number can have at most ${MAX_KEYWORD_RULES} keyword rules.`);
        const rule = await repo.insertRule(tx, {
          tenantId,
          numberId: number.id,
          kind: 'keyword',
          name: input.name?.trim() ?? '',
          enabled: input.enabled ?? true,
          matchType: input.matchType,
          patterns,
          reply,
          addTags,
          position: await repo.nextPosition(tx, number.id),
          userId: actor.userId,
        });
        await activity(tx, actor, number, 'whatsapp.automation_rule_created', { type: 'wa_automation_rule', id: rule.id }, { kind: 'keyword', name: rule.name, matchType: rule.match_type, patterns: rule.patterns, replyType: reply?.type ?? null, addTags }, meta);
        return rule;
      });
    },

    async updateRule(actor: Extract<Actor, { type: 'user' }>, tenantId: string, numberId: string, ruleId: string, input: RuleFields, meta: RequestMeta) {
      return db.tx(async (tx) => {
        const number = await changeableNumber(tx, tenantId, numberId);
        const before = await repo.findRule(tx, number.id, ruleId, true);
        if (!before || before.kind !== 'keyword') throw notFound('Rule');
        const matchType = input.matchType ?? before.match_type!;
        const patterns = input.patterns !== undefined || input.matchType !== undefined ? cleanPatterns(matchType, input.patterns ?? before.patterns) : before.patterns;
        const addTags = input.addTags !== undefined ? cleanTags(input.addTags) : before.add_tags;
        const reply = input.reply !== undefined ? input.reply : before.reply;
        const enabled = input.enabled ?? before.enabled;
        if (!reply && !addTags.length) throw badRequest('action_required', 'A rule needs a reply, a tag to add, or both.', [{ field: 'reply', message: 'give a reply or addTags' }]);
        // A template is checked again when it changes or the rule is switched back on after a stop.
        if (reply && (input.reply !== undefined || (enabled && (before.stopped_at || !before.enabled)))) await checkReply(tx, number, reply, 'reply');
        const rule = await repo.updateRule(tx, before.id, { name: input.name !== undefined ? input.name.trim() : before.name, enabled, matchType, patterns, reply, addTags, userId: actor.userId });
        const changed = Object.keys(input).filter((k) => input[k as keyof RuleFields] !== undefined);
        await activity(tx, actor, number, 'whatsapp.automation_rule_updated', { type: 'wa_automation_rule', id: rule.id }, { kind: 'keyword', changed, enabled: rule.enabled, ...(before.stopped_at ? { restarted: true } : {}) }, meta);
        return rule;
      });
    },

    async deleteRule(actor: Extract<Actor, { type: 'user' }>, tenantId: string, numberId: string, ruleId: string, meta: RequestMeta) {
      await db.tx(async (tx) => {
        const number = await changeableNumber(tx, tenantId, numberId);
        const rule = await repo.findRule(tx, number.id, ruleId, true);
        if (!rule || rule.kind !== 'keyword') throw notFound('Rule');
        await repo.deleteRule(tx, rule.id);
        await activity(tx, actor, number, 'whatsapp.automation_rule_deleted', { type: 'wa_automation_rule', id: rule.id }, { kind: rule.kind, name: rule.name, patterns: rule.patterns }, meta);
      });
    },

    /** New order of the keyword rules: every rule of the number exactly once. */
    async reorder(actor: Extract<Actor, { type: 'user' }>, tenantId: string, numberId: string, ruleIds: string[], meta: RequestMeta) {
      return db.tx(async (tx) => {
        const number = await changeableNumber(tx, tenantId, numberId);
        await repo.lockNumber(tx, number.id);
        const current = await repo.keywordRuleIds(tx, number.id, true);
        const same = ruleIds.length === current.length && new Set(ruleIds).size === ruleIds.length && ruleIds.every((id) => current.includes(id));
        if (!same) throw conflict('rules_changed', 'The list of rules changed meanwhile (a rule was added or deleted). Reload and reorder again.');
        await repo.setPositions(tx, number.id, ruleIds, actor.userId);
        await activity(tx, actor, number, 'whatsapp.automation_rules_reordered', { type: 'wa_number', id: number.id }, { order: ruleIds }, meta);
        return repo.listRules(tx, number.id);
      });
    },

    /**
     * Which rules would fire if a person sent `text` now (or at `at`): the job's own decision, with
     * the contact assumed new or known as asked. Flood limits, the away cooldown and consent are the
     * job's and not shown; a consent keyword is assumed to change the contact's state.
     */
    async test(tenantId: string, numberId: string, input: { text: string; firstContact?: boolean | undefined; at?: string | undefined }) {
      const number = await numberOf(db, tenantId, numberId);
      const settings = await settingsOf(db, number);
      const at = input.at ? new Date(input.at) : clock();
      if (Number.isNaN(at.getTime())) throw badRequest('validation_failed', 'The time is not valid.', [{ field: 'at', message: 'is not a date-time' }]);
      const hours = repo.hoursOf(settings);
      const open = isOpen(hours, at);
      const local = localTime(at, settings.timezone);
      const hhmm = `${String(Math.floor(local.minutes / 60)).padStart(2, '0')}:${String(local.minutes % 60).padStart(2, '0')}`;
      const intent = keywordIntent(input.text);
      const base = { open, timezone: settings.timezone, localTime: `${local.date} ${hhmm} ${local.day}`, consentKeyword: intent };
      if (!settings.enabled) return { ...base, note: 'automations_off' as const, fired: [] };
      const changed = intent === 'opt_out' || intent === 'opt_in' ? intent : null;
      const decision = decide({ messageType: 'text', texts: [input.text], consent: { intent, changed }, firstContact: input.firstContact ?? false, open, rules: await repo.listRules(db, number.id) });
      return {
        ...base,
        note: decision.note,
        fired: decision.fired.map((f) => ({
          ruleId: f.rule.id,
          kind: f.rule.kind,
          name: f.rule.name,
          matched: f.matched ?? null,
          reply: f.rule.reply,
          replySummary: f.rule.reply ? replySummary(f.rule.reply) : null,
          addTags: f.rule.add_tags,
        })),
      };
    },

    async runs(tenantId: string, numberId: string, limit: number) {
      const number = await numberOf(db, tenantId, numberId);
      return repo.listRuns(db, number.id, limit);
    },
  };
}

export type AutomationsService = ReturnType<typeof createAutomationsService>;
