/**
 * Admin-written regular expressions for text fields, checked before they are stored so a pattern can
 * never make a form submission hang the server (ReDoS). JavaScript's backtracking engine is exponential
 * on nested quantifiers (`(a+)+`), on repeated alternations whose branches overlap (`(a|aa)*`) and on
 * backreferences, and polynomial on runs of unbounded quantifiers (`\d*\d*\d*x`). So a pattern is
 * accepted only when
 *   - it is at most PATTERN_MAX_LENGTH characters and compiles with the `u` flag;
 *   - it uses no backreference and no lookaround;
 *   - no group that can repeat (`*`, `+`, `{n,m}` with m > 1) can itself match in several ways (a
 *     variable quantifier or an alternation inside), which rules out exponential backtracking;
 *   - repetition counts are at most 1000, and the number of ways the pattern can split a value of the
 *     field's maximum length (see cost()) is at most PATTERN_COST_BUDGET, which bounds the polynomial
 *     cases: three unbounded quantifiers are fine on 200 characters, not on 2000.
 * The engine caps a value's length before testing it, so the bound holds at run time. The whole value
 * must match, as with HTML's `pattern` attribute: the engine tests `^(?:pattern)$`.
 */

export const PATTERN_MAX_LENGTH = 200;
export const MAX_REPEAT = 1000;
/** Ways a pattern may split a value (see cost()); 2·10⁷ is a few tens of milliseconds at worst. */
export const PATTERN_COST_BUDGET = 20_000_000;

export type PatternProblem = { rule: 'invalid_pattern' | 'unsafe_pattern'; message: string };

interface Quantifier {
  min: number;
  max: number; // Infinity when unbounded
}

interface Item {
  atom: Atom;
  quantifier: Quantifier | null;
}

type Atom = { kind: 'char' } | { kind: 'assertion' } | { kind: 'group'; alternatives: Item[][] };

class PatternError extends Error {
  constructor(
    readonly rule: PatternProblem['rule'],
    message: string,
  ) {
    super(message);
  }
}

const unsafe = (message: string) => new PatternError('unsafe_pattern', message);
const invalid = (message: string) => new PatternError('invalid_pattern', message);

/** A recursive-descent reader of the `u`-mode syntax, enough to see its structure (not to match). */
class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly src: string) {}

  parse(): Item[][] {
    const alternatives = this.alternation();
    if (this.i < this.src.length) throw invalid('has an unmatched ")".');
    return alternatives;
  }

  private alternation(): Item[][] {
    const alternatives: Item[][] = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      alternatives.push(this.sequence());
    }
    return alternatives;
  }

  private sequence(): Item[] {
    const items: Item[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const atom = this.atom();
      const quantifier = this.quantifier();
      if (quantifier && atom.kind === 'assertion') throw invalid('quantifies an assertion.');
      items.push({ atom, quantifier });
    }
    return items;
  }

  private atom(): Atom {
    const c = this.src[this.i]!;
    if (c === '^' || c === '$') {
      this.i++;
      return { kind: 'assertion' };
    }
    if (c === '*' || c === '+' || c === '?' || c === '{') throw invalid('has a quantifier with nothing to repeat.');
    if (c === '(') return this.group();
    if (c === '[') {
      this.characterClass();
      return { kind: 'char' };
    }
    if (c === '\\') return this.escape();
    // One code point (a surrogate pair counts as one).
    this.i += (this.src.codePointAt(this.i) ?? 0) > 0xffff ? 2 : 1;
    return { kind: 'char' };
  }

  private group(): Atom {
    if (++this.depth > 20) throw unsafe('nests groups too deeply.');
    this.i++; // (
    if (this.src[this.i] === '?') {
      const rest = this.src.slice(this.i, this.i + 3);
      if (rest.startsWith('?:')) this.i += 2;
      else if (rest === '?<=' || rest === '?<!' || rest.startsWith('?=') || rest.startsWith('?!')) throw unsafe('uses a lookaround, which is not allowed.');
      else if (rest.startsWith('?<')) {
        const end = this.src.indexOf('>', this.i);
        if (end === -1) throw invalid('has an unterminated group name.');
        this.i = end + 1;
      } else throw invalid('has an unknown group type.');
    }
    const alternatives = this.alternation();
    if (this.src[this.i] !== ')') throw invalid('has an unclosed "(".');
    this.i++;
    this.depth--;
    return { kind: 'group', alternatives };
  }

  private characterClass(): void {
    this.i++; // [
    if (this.src[this.i] === '^') this.i++;
    while (this.i < this.src.length && this.src[this.i] !== ']') {
      if (this.src[this.i] === '\\') this.escapeBody(true);
      else this.i++;
    }
    if (this.src[this.i] !== ']') throw invalid('has an unclosed "[".');
    this.i++;
  }

  private escape(): Atom {
    const c = this.src[this.i + 1];
    if (c === 'b' || c === 'B') {
      this.i += 2;
      return { kind: 'assertion' };
    }
    this.escapeBody(false);
    return { kind: 'char' };
  }

  /** Consumes `\x…`; refuses backreferences (`\1`, `\k<name>`), which make matching exponential. */
  private escapeBody(inClass: boolean): void {
    const c = this.src[this.i + 1];
    if (c === undefined) throw invalid('ends with a lone "\\".');
    if (!inClass && /[1-9]/.test(c)) throw unsafe('uses a backreference, which is not allowed.');
    if (!inClass && c === 'k') throw unsafe('uses a backreference, which is not allowed.');
    this.i += 2;
    if (c === 'p' || c === 'P' || (c === 'u' && this.src[this.i] === '{')) {
      const end = this.src.indexOf('}', this.i);
      if (end === -1) throw invalid('has an unterminated escape.');
      this.i = end + 1;
    } else if (c === 'u') this.i += 4;
    else if (c === 'x') this.i += 2;
    else if (c === 'c') this.i += 1;
  }

  private quantifier(): Quantifier | null {
    const c = this.src[this.i];
    let q: Quantifier | null = null;
    if (c === '*') q = { min: 0, max: Infinity };
    else if (c === '+') q = { min: 1, max: Infinity };
    else if (c === '?') q = { min: 0, max: 1 };
    if (q) this.i++;
    else if (c === '{') {
      const m = /^\{(\d{1,6})(?:(,)(\d{0,6}))?\}/.exec(this.src.slice(this.i, this.i + 16));
      if (!m) throw invalid('has a malformed "{…}" repetition.');
      const min = Number(m[1]);
      const max = m[2] ? (m[3] ? Number(m[3]) : Infinity) : min;
      if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) throw unsafe(`repeats more than ${MAX_REPEAT} times.`);
      if (max < min) throw invalid('has a "{min,max}" repetition with max below min.');
      this.i += m[0].length;
      q = { min, max };
    } else return null;
    if (this.src[this.i] === '?') this.i++; // lazy
    if ('*+?{'.includes(this.src[this.i] ?? '-') && this.src[this.i] !== undefined) throw invalid('has two quantifiers in a row.');
    return q;
  }
}

/** True when anything inside can match in more than one way: a variable repetition or an alternation. */
function isAmbiguous(alternatives: Item[][]): boolean {
  if (alternatives.length > 1) return true;
  for (const item of alternatives[0] ?? []) {
    if (item.quantifier && item.quantifier.max !== item.quantifier.min) return true;
    if (item.atom.kind === 'group' && isAmbiguous(item.atom.alternatives)) return true;
  }
  return false;
}

/**
 * An upper bound on the ways the pattern can split an input of `n` characters, which bounds the work
 * of a failing match once nested repetition is excluded: an alternation costs the sum of its branches,
 * a sequence the product of its items, a repetition with a variable count (max − min + 1) times its
 * atom, an unbounded one (n + 1) times.
 */
function cost(alternatives: Item[][], n: number): number {
  let sum = 0;
  for (const seq of alternatives) {
    let product = 1;
    for (const item of seq) {
      const q = item.quantifier;
      if (item.atom.kind === 'group') {
        if (q && q.max > 1 && isAmbiguous(item.atom.alternatives)) {
          throw unsafe('repeats a group that can itself match in several ways (like "(a+)+", "(a?)*" or "(a|b)*"); use a character class such as "[ab]*" instead.');
        }
        product *= cost(item.atom.alternatives, n);
      }
      if (q && q.max !== q.min) product *= q.max === Infinity ? n + 1 : Math.min(q.max, n) - Math.min(q.min, n) + 1;
      product = Math.min(product, Number.MAX_SAFE_INTEGER);
    }
    sum = Math.min(sum + product, Number.MAX_SAFE_INTEGER);
  }
  return sum;
}

/**
 * Null when the pattern is safe to store and run on values of at most `maxInputLength` characters;
 * otherwise why not. Never throws.
 */
export function checkPattern(pattern: string, maxInputLength: number): PatternProblem | null {
  if (typeof pattern !== 'string' || pattern.length === 0) return { rule: 'invalid_pattern', message: 'Pattern is empty.' };
  if (pattern.length > PATTERN_MAX_LENGTH) return { rule: 'invalid_pattern', message: `Pattern is longer than ${PATTERN_MAX_LENGTH} characters.` };
  try {
    new RegExp(pattern, 'u');
  } catch {
    return { rule: 'invalid_pattern', message: 'Pattern is not a valid regular expression.' };
  }
  try {
    const ways = cost(new Parser(pattern).parse(), maxInputLength);
    if (ways > PATTERN_COST_BUDGET) {
      return {
        rule: 'unsafe_pattern',
        message: 'Pattern has too many open-ended repetitions or alternatives for the maximum length; simplify it or lower the maximum length.',
      };
    }
    return null;
  } catch (err) {
    if (err instanceof PatternError) return { rule: err.rule, message: `Pattern ${err.message}` };
    return { rule: 'invalid_pattern', message: 'Pattern could not be read.' };
  }
}

/** The matcher for a pattern that passed checkPattern: the whole value must match. */
export function compilePattern(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, 'u');
}
