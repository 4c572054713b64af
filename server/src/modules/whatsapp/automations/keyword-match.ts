import { checkPattern } from '../../services/safe-pattern.js';

/**
 * How a keyword rule compares an inbound text with its patterns (pure). Both sides are Unicode-
 * normalised (NFKC: composed Devanagari, nukta forms and full-width letters compare equal), stripped
 * of zero-width joiners, and case-folded. `exact` and `contains` compare words — punctuation, emoji
 * and the danda (।) separate words — so "Price?" is exactly "price", and "contains hi" does not fire
 * on "this". `regex` is the tenant's own expression, searched anywhere in the text, case-insensitive.
 */

export type MatchType = 'exact' | 'contains' | 'regex';

/**
 * Regexes run on the first this many characters of a message, the length their safety is checked
 * for: a search costs the pattern's worst case once per start position, so the budget of
 * safe-pattern.ts allows `order\s*#?\d{4,}` on 200 characters but not on 1000. Keyword messages are
 * short; `contains` has no such limit.
 */
export const REGEX_INPUT_MAX = 200;
export const PATTERN_MAX = 200;
/** The safety check reads at most 200 characters, and a search adds its prefix to the pattern. */
export const REGEX_MAX = 180;

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;

export function normaliseText(text: string): string {
  return text.normalize('NFKC').replace(ZERO_WIDTH, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Words of a text: letters with their combining marks and digits; everything else separates. */
export function words(text: string): string {
  return normaliseText(text)
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The comparable form of a pattern; a pattern of only symbols (👍) is compared as it is. */
function comparable(text: string): string {
  return words(text) || normaliseText(text);
}

const compiled = new Map<string, RegExp>();

function regexOf(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    re = new RegExp(pattern.normalize('NFKC'), 'iu');
    if (compiled.size > 5000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re;
}

export function matches(type: MatchType, pattern: string, text: string): boolean {
  switch (type) {
    case 'exact': {
      const p = comparable(pattern);
      return p !== '' && (words(text) === p || normaliseText(text) === p);
    }
    case 'contains': {
      const p = comparable(pattern);
      if (!p) return false;
      if (words(pattern)) return ` ${words(text)} `.includes(` ${p} `);
      return normaliseText(text).includes(p);
    }
    case 'regex':
      return regexOf(pattern).test(normaliseText(text).slice(0, REGEX_INPUT_MAX));
  }
}

/** The first of `patterns` that one of `texts` matches, or null. */
export function firstMatch(type: MatchType, patterns: readonly string[], texts: readonly string[]): string | null {
  for (const pattern of patterns) {
    if (texts.some((t) => matches(type, pattern, t))) return pattern;
  }
  return null;
}

/**
 * Null when a pattern may be stored; otherwise why not. A regex must pass the platform's ReDoS check
 * (services/safe-pattern.ts) both as written and as a search — a search tries every start position,
 * which the check models as an unbounded prefix — on REGEX_INPUT_MAX characters.
 */
export function patternProblem(type: MatchType, pattern: string): { code: 'invalid_pattern' | 'unsafe_pattern'; message: string } | null {
  if (pattern.trim() === '') return { code: 'invalid_pattern', message: 'A keyword cannot be empty.' };
  if ([...pattern].length > PATTERN_MAX) return { code: 'invalid_pattern', message: `A keyword is at most ${PATTERN_MAX} characters.` };
  if (type !== 'regex') return null;
  if (pattern.length > REGEX_MAX) return { code: 'invalid_pattern', message: `A regular expression is at most ${REGEX_MAX} characters.` };
  const normalised = pattern.normalize('NFKC');
  const problem = checkPattern(normalised, REGEX_INPUT_MAX) ?? checkPattern(`[\\s\\S]*(?:${normalised})`, REGEX_INPUT_MAX);
  if (problem) return { code: problem.rule, message: problem.message };
  try {
    new RegExp(normalised, 'iu');
  } catch {
    return { code: 'invalid_pattern', message: 'Pattern is not a valid regular expression.' };
  }
  return null;
}
