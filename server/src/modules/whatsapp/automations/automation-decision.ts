import type { KeywordIntent } from '../inbound/consent-keywords.js';
import { firstMatch, type MatchType } from './keyword-match.js';
import type { Reply } from './reply-body.js';

/**
 * Which of a number's rules fire for one inbound message (pure; the job and the "test a message"
 * preview share it):
 *  - a consent keyword (STOP, START, रोकें …: inbound/consent-keywords.ts, always on) is never a
 *    keyword-rule match: only the opt-out or opt-in confirmation answers it, and only when the
 *    keyword changed the contact's consent;
 *  - otherwise the first keyword rule (by position) whose pattern matches fires; its reply answers
 *    the message, so the welcome is sent to a first-time contact only when no keyword rule replied;
 *  - outside business hours the away message is sent as well (the cooldown is checked by the job).
 * Only what a person writes triggers anything: reactions, system notices and unsupported messages don't.
 */

export type RuleKind = 'welcome' | 'away' | 'keyword' | 'opt_out' | 'opt_in';

export interface RuleLike {
  id: string;
  kind: RuleKind;
  enabled: boolean;
  stopped_at: Date | null;
  position: number;
  match_type: MatchType | null;
  patterns: string[];
  reply: Reply | null;
  add_tags: string[];
}

const PERSON_TYPES = new Set(['text', 'image', 'video', 'audio', 'document', 'sticker', 'location', 'contacts', 'interactive', 'button', 'order']);
/** Meta's "the person opened the chat for the first time" event: a welcome trigger, nothing more. */
const WELCOME_REQUEST = 'request_welcome';

export interface DecisionInput {
  messageType: string;
  /** The texts a keyword can be in (body, button payload and title, caption). */
  texts: string[];
  /** The consent keyword the message is, and the change it made (null when it changed nothing). */
  consent: { intent: KeywordIntent | null; changed: 'opt_out' | 'opt_in' | null };
  firstContact: boolean;
  open: boolean;
  rules: readonly RuleLike[];
}

export interface Fired<R extends RuleLike = RuleLike> {
  rule: R;
  /** The keyword pattern that matched. */
  matched?: string;
}

export type DecisionNote = 'ignored_type' | 'consent_keyword' | null;

export interface Decision<R extends RuleLike = RuleLike> {
  fired: Fired<R>[];
  note: DecisionNote;
}

export const isActive = (r: RuleLike) => r.enabled && r.stopped_at === null;

export function decide<R extends RuleLike>(input: Omit<DecisionInput, 'rules'> & { rules: readonly R[] }): Decision<R> {
  const active = input.rules.filter(isActive);
  const single = (kind: RuleKind) => active.find((r) => r.kind === kind);
  if (input.messageType === WELCOME_REQUEST) {
    const welcome = input.firstContact ? single('welcome') : undefined;
    return { fired: welcome ? [{ rule: welcome }] : [], note: null };
  }
  if (!PERSON_TYPES.has(input.messageType)) return { fired: [], note: 'ignored_type' };
  if (input.consent.intent) {
    const confirmation = input.consent.changed ? single(input.consent.changed) : undefined;
    return { fired: confirmation ? [{ rule: confirmation }] : [], note: 'consent_keyword' };
  }
  const fired: Fired<R>[] = [];
  const keywords = active.filter((r) => r.kind === 'keyword' && r.match_type).sort((a, b) => a.position - b.position);
  let keyword: Fired<R> | null = null;
  for (const rule of keywords) {
    const matched = firstMatch(rule.match_type!, rule.patterns, input.texts);
    if (matched !== null) {
      keyword = { rule, matched };
      break;
    }
  }
  if (keyword) fired.push(keyword);
  const welcome = input.firstContact ? single('welcome') : undefined;
  if (welcome && !keyword?.rule.reply) fired.push({ rule: welcome });
  const away = input.open ? undefined : single('away');
  if (away) fired.push({ rule: away });
  return { fired, note: null };
}
