import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PATTERN_MAX_LENGTH, checkPattern, compilePattern } from './safe-pattern.js';
import { mulberry32 } from '../../test/random.js';

describe('safe patterns', () => {
  test('the patterns Indian forms need are accepted', () => {
    const good: [string, number][] = [
      ['[A-Z]{5}[0-9]{4}[A-Z]', 10], // PAN
      ['[A-Z]{4}0[A-Z0-9]{6}', 11], // IFSC
      ['[1-9][0-9]{5}', 6], // PIN code
      ['(\\+91[ -]?)?[6-9][0-9]{9}', 15], // mobile
      ['[A-Z]{2}[0-9]{1,2}[A-Z]{0,3}[0-9]{4}', 12], // vehicle registration
      ['[0-9]{4} ?[0-9]{4} ?[0-9]{4}', 14], // Aadhaar-like grouping
      ['[^@\\s]+@[^@\\s]+\\.[^@\\s]+', 254], // email, three open-ended runs on 254 characters
      ["[\\p{L}\\p{M} .'-]+", 100], // names in any script, Devanagari matras included
      ['[A-Z]{3}[0-9]{7}', 10], // EPIC (voter ID)
      ['(?:SB|CA)-[0-9]{6,18}', 30],
      ['(?<ward>[0-9]{1,3})/[0-9]+', 20],
      ['[\\u0900-\\u097F ]+', 200],
    ];
    for (const [p, max] of good) assert.equal(checkPattern(p, max), null, p);
    assert.ok(compilePattern('[1-9][0-9]{5}').test('110001'));
    assert.ok(!compilePattern('[1-9][0-9]{5}').test('1100012'), 'the whole value must match');
    assert.ok(!compilePattern('a|b').test('ab'), 'alternatives are anchored as a whole');
  });

  test('exponential and unbounded constructs are refused as unsafe', () => {
    const bad = [
      '(a+)+',
      '(a*)*b',
      '(a|aa)*',
      '(a|b)+',
      '([a-z]+)*$',
      '(?:x?)+',
      '(a?){20}a{20}',
      '((ab)*c)+',
      '(.*a){12}',
      '(\\d+)+\\.',
      '(a)\\1',
      '(?<x>a)\\k<x>',
      '(?=a)a',
      '(?!a)b',
      '(?<=a)b',
      '(?<!a)b',
      'a{1001}',
      'a{2,5000}',
      '\\d*\\d*\\d*\\d*x', // n⁴ on 200 characters
    ];
    for (const p of bad) {
      const problem = checkPattern(p, 200);
      assert.equal(problem?.rule, 'unsafe_pattern', `${p}: ${JSON.stringify(problem)}`);
    }
    // The same three open-ended runs are fine on short values, not on very long ones.
    assert.equal(checkPattern('[a-z]+[0-9]*[a-z]*', 200), null);
    assert.equal(checkPattern('[a-z]+[0-9]*[a-z]*', 2000)?.rule, 'unsafe_pattern');
  });

  test('malformed, empty and over-long patterns are refused as invalid', () => {
    for (const p of ['(', ')', '[a-', 'a{2,1}', '*a', 'a**', '\\', '(?<n', '(?i:a)', '\\q', '', 'x'.repeat(PATTERN_MAX_LENGTH + 1)]) {
      assert.equal(checkPattern(p, 100)?.rule, 'invalid_pattern', JSON.stringify(p));
    }
    // Not a string at all (a definition from somewhere careless): refused, not thrown.
    assert.equal(checkPattern(42 as unknown as string, 100)?.rule, 'invalid_pattern');
  });

  test('fuzz: every generated pattern the checker accepts finishes on hostile input (seeded)', () => {
    const SEED = 5_150_001;
    const rng = mulberry32(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
    const atoms = ['a', 'b', '\\d', '[ab]', '.', '\\s', '[^x]', 'a', '\\w'];
    const quants = ['', '', '*', '+', '?', '{2}', '{1,3}', '{2,}', '*?'];
    function gen(depth: number): string {
      const n = 1 + Math.floor(rng() * 4);
      let out = '';
      for (let i = 0; i < n; i++) {
        const r = rng();
        let atom: string;
        if (r < 0.25 && depth < 3) atom = `(${gen(depth + 1)}${rng() < 0.3 ? '|' + gen(depth + 1) : ''})`;
        else atom = pick(atoms);
        out += atom + pick(quants);
      }
      return out;
    }
    const hostile = (n: number) => ['a'.repeat(n) + '!', 'ab'.repeat(n / 2) + '!', '1'.repeat(n) + 'x', ' '.repeat(n) + '\u0000', 'a1'.repeat(n / 2)];
    let accepted = 0;
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      const p = gen(0);
      const problem = checkPattern(p, 200);
      if (problem) {
        refused++;
        continue;
      }
      accepted++;
      const re = compilePattern(p);
      // No clock here (the machine is shared and noisy): a pattern with catastrophic backtracking
      // does not finish on 200 characters in any human time, so the suite's timeout catches it.
      for (const input of hostile(200)) assert.equal(typeof re.test(input), 'boolean', `seed ${SEED}, case ${i}`);
    }
    assert.ok(accepted > 300 && refused > 300, `a useful mix: ${accepted} accepted, ${refused} refused`);
  });
});
