/**
 * Consent keywords in inbound messages (pure). The whole message must be the keyword — "please
 * don't stop my order" is not an opt-out — compared after case folding, Unicode normalisation and
 * dropping punctuation and emoji. Hindi in Devanagari and in Latin letters, as people type it.
 */

export type KeywordIntent = 'opt_out' | 'opt_in' | 'marketing_stop';

const OPT_OUT = [
  'STOP',
  'STOP ALL',
  'STOPALL',
  'UNSUBSCRIBE',
  'OPT OUT',
  'OPTOUT',
  'रोकें',
  'रोको',
  'रोक दो',
  'बंद',
  'बंद करो',
  'बंद करें',
  'बन्द',
  'बन्द करो',
  'बन्द करें',
  'BAND KARO',
  'BAND KAREN',
  'ROKO',
  'ROK DO',
];

const OPT_IN = ['START', 'UNSTOP', 'SUBSCRIBE', 'शुरू', 'शुरु', 'शुरू करो', 'शुरू करें', 'चालू करो', 'चालू करें', 'SHURU', 'SHURU KARO'];

// The "Stop promotions" quick-reply button Meta suggests for marketing templates, and its Hindi.
const MARKETING_STOP = ['STOP PROMOTIONS', 'STOP PROMOTION', 'STOP MARKETING', 'प्रचार बंद करें', 'प्रचार बंद करो', 'प्रचार रोकें'];

/** Upper case, NFC, punctuation, symbols and extra spaces removed: "  Stop! " → "STOP". */
export function normaliseKeyword(text: string): string {
  return text
    .normalize('NFC')
    .replace(/(?:[\p{P}\p{S}\u200B-\u200D]|\uFE0F)+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toUpperCase();
}

const TABLE = new Map<string, KeywordIntent>([
  ...OPT_OUT.map((k) => [normaliseKeyword(k), 'opt_out'] as const),
  ...OPT_IN.map((k) => [normaliseKeyword(k), 'opt_in'] as const),
  ...MARKETING_STOP.map((k) => [normaliseKeyword(k), 'marketing_stop'] as const),
]);

/** What a message of exactly `text` asks for, if it is a consent keyword. */
export function keywordIntent(text: string | null | undefined): KeywordIntent | null {
  if (!text || text.length > 60) return null;
  return TABLE.get(normaliseKeyword(text)) ?? null;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : null);

/**
 * The texts of an inbound message that can carry a keyword: a text body, a template quick-reply
 * button (payload and label), an interactive reply (id and title).
 */
export function keywordCandidates(message: Json): string[] {
  const out: (string | null)[] = [];
  if (message.type === 'text' && isObj(message.text)) out.push(str(message.text.body));
  if (message.type === 'button' && isObj(message.button)) out.push(str(message.button.payload), str(message.button.text));
  if (message.type === 'interactive' && isObj(message.interactive)) {
    for (const kind of ['button_reply', 'list_reply']) {
      const reply = message.interactive[kind];
      if (isObj(reply)) out.push(str(reply.id), str(reply.title));
    }
  }
  return out.filter((s): s is string => Boolean(s));
}

/** The consent intent of an inbound message: the first of its texts that is a keyword. */
export function messageIntent(message: Json): { intent: KeywordIntent; keyword: string } | null {
  for (const text of keywordCandidates(message)) {
    const intent = keywordIntent(text);
    if (intent) return { intent, keyword: text.trim().slice(0, 60) };
  }
  return null;
}
