import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FORM_LIMITS,
  checkDocumentFile,
  computeFees,
  resolveDateBound,
  todayInIndia,
  validateFormDefinition,
  validateSubmission,
  type FormDefinition,
  type FormIssue,
  type Result,
} from './form-engine.js';
import { mulberry32, pick, type Rng } from '../../test/random.js';

const L = (en: string, hi: string) => ({ en, hi });

/** A form with one field of every type. */
const SAMPLE = {
  fields: [
    { key: 'full_name', type: 'text', label: L('Full name', 'पूरा नाम'), required: true, rules: { minLength: 2, maxLength: 100 } },
    {
      key: 'pan',
      type: 'text',
      label: L('PAN', 'पैन'),
      required: false,
      rules: { pattern: '[A-Z]{5}[0-9]{4}[A-Z]', patternMessage: L('Enter the PAN like ABCDE1234F', 'पैन ABCDE1234F जैसा लिखें'), maxLength: 10 },
    },
    { key: 'family_members', type: 'number', label: L('Family members', 'परिवार के सदस्य'), required: true, rules: { min: 1, max: 20, integer: true } },
    { key: 'date_of_birth', type: 'date', label: L('Date of birth', 'जन्म तिथि'), required: true, rules: { minDate: '1900-01-01', maxDate: '-18y' } },
    {
      key: 'gender',
      type: 'select',
      label: L('Gender', 'लिंग'),
      required: true,
      options: [
        { value: 'female', label: L('Female', 'महिला') },
        { value: 'male', label: L('Male', 'पुरुष') },
        { value: 'transgender', label: L('Transgender', 'ट्रांसजेंडर') },
      ],
    },
    { key: 'address', type: 'text', label: L('Address', 'पता'), required: false, rules: { multiline: true, maxLength: 500 } },
    { key: 'photo', type: 'file', label: L('Photo', 'फ़ोटो'), required: true, document: 'photo' },
    { key: 'declaration', type: 'checkbox', label: L('I declare the above is true', 'मैं घोषणा करता/करती हूँ'), required: true },
  ],
  documents: [
    { key: 'photo', label: L('Passport photo', 'पासपोर्ट फ़ोटो'), types: ['jpeg', 'png'], maxSizeBytes: 1_048_576, required: true },
    { key: 'address_proof', label: L('Address proof', 'पते का प्रमाण'), types: ['pdf', 'jpeg'], maxSizeBytes: 2_097_152, required: false },
  ],
};

function definition(input: unknown = SAMPLE): FormDefinition {
  const r = validateFormDefinition(input);
  if (!r.ok) assert.fail(`definition refused: ${JSON.stringify(r.issues)}`);
  return r.value;
}

function issuesOf<T>(r: Result<T>): FormIssue[] {
  assert.equal(r.ok, false, 'expected issues');
  return r.ok ? [] : r.issues;
}

const rulesOf = (r: Result<unknown>) => issuesOf(r).map((i) => `${i.field}:${i.rule}`);
const clone = <T>(v: T): T => structuredClone(v);
const TODAY = '2025-06-15';
const GOOD = {
  full_name: '  Sunita   Devi ',
  family_members: 4,
  date_of_birth: '1990-02-28',
  gender: 'female',
  photo: '3F2504E0-4F89-41D3-9A0C-0305E82C3301',
  declaration: true,
};

describe('form definitions', () => {
  test('a definition with every field type is accepted and normalised (defaults filled in)', () => {
    const def = definition();
    assert.equal(def.fields.length, 8);
    const pan = def.fields[1]!;
    assert.equal(pan.type, 'text');
    assert.deepEqual(pan.type === 'text' && pan.rules, { maxLength: 10, pattern: '[A-Z]{5}[0-9]{4}[A-Z]', patternMessage: L('Enter the PAN like ABCDE1234F', 'पैन ABCDE1234F जैसा लिखें') });
    const plain = definition({ fields: [{ key: 'note', type: 'text', label: L(' Note ', 'टिप्पणी') }] });
    assert.deepEqual(plain, { fields: [{ key: 'note', type: 'text', label: L('Note', 'टिप्पणी'), required: false, rules: { maxLength: 200 } }], documents: [] });
    assert.deepEqual(definition({ fields: [], documents: [] }), { fields: [], documents: [] });
    // Documents come back with their types in a fixed order.
    const docs = definition({ fields: [], documents: [{ key: 'x', label: L('X', 'X'), types: ['png', 'pdf'], maxSizeBytes: 5000 }] }).documents;
    assert.deepEqual(docs[0]!.types, ['pdf', 'png']);
    assert.equal(docs[0]!.required, false);
  });

  test('keys must be unique, well-formed and not reserved', () => {
    const dup = clone(SAMPLE);
    dup.fields[1]!.key = 'full_name';
    assert.deepEqual(rulesOf(validateFormDefinition(dup)), ['fields.1.key:duplicate']);
    for (const key of ['Full', '1abc', 'a-b', '__proto__', 'x'.repeat(41), '', 'नाम']) {
      const bad = clone(SAMPLE);
      bad.fields[0]!.key = key;
      assert.deepEqual(rulesOf(validateFormDefinition(bad)), ['fields.0.key:key_format'], key);
    }
    const reserved = clone(SAMPLE);
    reserved.fields[0]!.key = 'constructor';
    assert.deepEqual(rulesOf(validateFormDefinition(reserved)), ['fields.0.key:reserved']);
    const dupDoc = clone(SAMPLE);
    dupDoc.documents[1]!.key = 'photo';
    assert.ok(rulesOf(validateFormDefinition(dupDoc)).includes('documents.1.key:duplicate'));
  });

  test('at most 50 fields and 20 documents; choice fields need options with unique values', () => {
    const many = { fields: Array.from({ length: FORM_LIMITS.fields + 1 }, (_, i) => ({ key: `f${i}`, type: 'checkbox', label: L('x', 'x') })) };
    assert.deepEqual(rulesOf(validateFormDefinition(many)), ['fields:too_many']);
    assert.ok(validateFormDefinition({ fields: many.fields.slice(0, 50) }).ok);
    const docs = Array.from({ length: 21 }, (_, i) => ({ key: `d${i}`, label: L('d', 'd'), types: ['pdf'], maxSizeBytes: 2048 }));
    assert.deepEqual(rulesOf(validateFormDefinition({ fields: [], documents: docs })), ['documents:too_many']);

    const noOptions = clone(SAMPLE);
    (noOptions.fields[4] as { options: unknown[] }).options = [];
    assert.deepEqual(rulesOf(validateFormDefinition(noOptions)), ['fields.4.options:required']);
    const missingOptions = clone(SAMPLE);
    delete (missingOptions.fields[4] as { options?: unknown[] }).options;
    assert.deepEqual(rulesOf(validateFormDefinition(missingOptions)), ['fields.4.options:required']);
    const dupOption = clone(SAMPLE);
    (dupOption.fields[4] as { options: { value: string }[] }).options[1]!.value = 'female';
    assert.deepEqual(rulesOf(validateFormDefinition(dupOption)), ['fields.4.options.1.value:duplicate']);
    const badValue = clone(SAMPLE);
    (badValue.fields[4] as { options: { value: string }[] }).options[0]!.value = 'a b';
    assert.deepEqual(rulesOf(validateFormDefinition(badValue)), ['fields.4.options.0.value:option_format']);
  });

  test('rules must fit the field type and make sense together', () => {
    const cases: [unknown, string[]][] = [
      [{ key: 'a', type: 'number', label: L('a', 'a'), rules: { pattern: 'x' } }, ['fields.0.rules.pattern:not_applicable']],
      [{ key: 'a', type: 'text', label: L('a', 'a'), rules: { min: 1 } }, ['fields.0.rules.min:not_applicable']],
      [{ key: 'a', type: 'text', label: L('a', 'a'), options: [] }, ['fields.0.options:not_applicable']],
      [{ key: 'a', type: 'text', label: L('a', 'a'), document: 'photo' }, ['fields.0.document:not_applicable']],
      [{ key: 'a', type: 'text', label: L('a', 'a'), rules: { minLength: 10, maxLength: 5 } }, ['fields.0.rules.minLength:range']],
      [{ key: 'a', type: 'text', label: L('a', 'a'), rules: { maxLength: 5000 } }, ['fields.0.rules.maxLength:range']],
      [{ key: 'a', type: 'text', label: L('a', 'a'), rules: { maxLength: 1.5 } }, ['fields.0.rules.maxLength:type']],
      [{ key: 'a', type: 'text', label: L('a', 'a'), rules: { patternMessage: L('x', 'x') } }, ['fields.0.rules.patternMessage:not_applicable']],
      [{ key: 'a', type: 'number', label: L('a', 'a'), rules: { min: 5, max: 1 } }, ['fields.0.rules.min:range']],
      [{ key: 'a', type: 'number', label: L('a', 'a'), rules: { min: 1.2, max: 1.8, integer: true } }, ['fields.0.rules.min:range']],
      [{ key: 'a', type: 'number', label: L('a', 'a'), rules: { max: 1e300 } }, ['fields.0.rules.max:range']],
      [{ key: 'a', type: 'number', label: L('a', 'a'), rules: { min: '1' } }, ['fields.0.rules.min:type']],
      [{ key: 'a', type: 'date', label: L('a', 'a'), rules: { minDate: '2025-02-30' } }, ['fields.0.rules.minDate:date_bound']],
      [{ key: 'a', type: 'date', label: L('a', 'a'), rules: { maxDate: '18y' } }, ['fields.0.rules.maxDate:date_bound']],
      [{ key: 'a', type: 'date', label: L('a', 'a'), rules: { minDate: '2030-01-01', maxDate: '2020-01-01' } }, ['fields.0.rules.minDate:range']],
      [{ key: 'a', type: 'date', label: L('a', 'a'), rules: { minDate: '+1d', maxDate: '-18y' } }, ['fields.0.rules.minDate:range']],
      [{ key: 'a', type: 'color', label: L('a', 'a') }, ['fields.0.type:field_type']],
      [{ key: 'a', type: 'text', label: L('a', '') }, ['fields.0.label.hi:required']],
      [{ key: 'a', type: 'text', label: 'a' }, ['fields.0.label:type']],
      [{ key: 'a', type: 'text', label: L('a\u202e', 'a') }, ['fields.0.label.en:invalid_characters']],
      [{ key: 'a', type: 'text', label: L('a', 'a'), extra: 1 }, ['fields.0.extra:unknown']],
      [{ key: 'a', type: 'file', label: L('a', 'a') }, ['fields.0.document:required']],
      [{ key: 'a', type: 'file', label: L('a', 'a'), document: 'nope' }, ['fields.0.document:unknown_document']],
    ];
    for (const [field, expected] of cases) {
      assert.deepEqual(rulesOf(validateFormDefinition({ fields: [field], documents: SAMPLE.documents })), expected, JSON.stringify(field));
    }
    // Relative and absolute bounds cannot be compared without knowing the day: both are kept.
    assert.ok(validateFormDefinition({ fields: [{ key: 'a', type: 'date', label: L('a', 'a'), rules: { minDate: '2030-01-01', maxDate: 'today' } }] }).ok);
  });

  test('a file field uploads a declared document, once, with the same "required"', () => {
    const twice = clone(SAMPLE);
    twice.fields.push({ key: 'photo_again', type: 'file', label: L('Photo', 'फ़ोटो'), required: true, document: 'photo' });
    assert.deepEqual(rulesOf(validateFormDefinition(twice)), ['fields.8.document:duplicate']);
    const mismatch = clone(SAMPLE);
    mismatch.fields[6]!.required = false;
    assert.deepEqual(rulesOf(validateFormDefinition(mismatch)), ['fields.6.required:mismatch']);
  });

  test('unsafe or invalid patterns are refused with the reason', () => {
    for (const [pattern, rule] of [
      ['(a+)+$', 'unsafe_pattern'],
      ['(\\w|\\d)*', 'unsafe_pattern'],
      ['(x)\\1', 'unsafe_pattern'],
      ['(?=x)', 'unsafe_pattern'],
      ['[a-', 'invalid_pattern'],
      ['a'.repeat(201), 'invalid_pattern'],
    ] as const) {
      const r = validateFormDefinition({ fields: [{ key: 'a', type: 'text', label: L('a', 'a'), rules: { pattern } }] });
      const issues = issuesOf(r);
      assert.deepEqual(issues.map((i) => `${i.field}:${i.rule}`), [`fields.0.rules.pattern:${rule}`], pattern);
      assert.match(issues[0]!.message, /^Pattern /);
    }
    // Three open-ended runs are fine for a short text, not for a long one.
    const email = '[^@\\s]+@[^@\\s]+\\.[^@\\s]+';
    assert.ok(validateFormDefinition({ fields: [{ key: 'e', type: 'text', label: L('e', 'e'), rules: { pattern: email, maxLength: 254 } }] }).ok);
    assert.deepEqual(
      rulesOf(validateFormDefinition({ fields: [{ key: 'e', type: 'text', label: L('e', 'e'), rules: { pattern: email, maxLength: 2000 } }] })),
      ['fields.0.rules.pattern:unsafe_pattern'],
    );
  });

  test('document rules: known types, a size within the platform limit', () => {
    const doc = (over: Record<string, unknown>) => ({ fields: [], documents: [{ key: 'd', label: L('d', 'd'), types: ['pdf'], maxSizeBytes: 4096, ...over }] });
    assert.deepEqual(rulesOf(validateFormDefinition(doc({ types: ['exe'] }))), ['documents.0.types:document_type']);
    assert.deepEqual(rulesOf(validateFormDefinition(doc({ types: [] }))), ['documents.0.types:required']);
    assert.deepEqual(rulesOf(validateFormDefinition(doc({ types: ['pdf', 'pdf'] }))), ['documents.0.types:duplicate']);
    assert.deepEqual(rulesOf(validateFormDefinition(doc({ maxSizeBytes: 10 }))), ['documents.0.maxSizeBytes:range']);
    assert.deepEqual(rulesOf(validateFormDefinition(doc({ maxSizeBytes: undefined }))), ['documents.0.maxSizeBytes:required']);
    assert.deepEqual(rulesOf(validateFormDefinition(doc({ maxSizeBytes: 6_000_000 }), { maxFileBytes: 5_242_880 })), ['documents.0.maxSizeBytes:range']);
    assert.ok(validateFormDefinition(doc({ maxSizeBytes: 5_242_880 }), { maxFileBytes: 5_242_880 }).ok);
  });

  test('not an object, or the wrong shapes anywhere: issues, never an exception', () => {
    for (const input of [null, undefined, 42, 'x', [], [SAMPLE], { fields: {} }, { fields: null }, { fields: [null, 1, 'a', []] }, { fields: [], documents: 'x' }, { fields: [], extra: 1 }]) {
      const r = validateFormDefinition(input);
      assert.equal(r.ok, false, JSON.stringify(input));
    }
    const poisoned = JSON.parse('{"fields": [], "documents": [], "__proto__": {"admin": true}}') as unknown;
    assert.deepEqual(rulesOf(validateFormDefinition(poisoned)), ['.__proto__:unknown']);
    assert.equal(({} as Record<string, unknown>).admin, undefined);
  });

  test('fuzz: mangled definitions never throw (seeded)', () => {
    const SEED = 5_150_002;
    const rng = mulberry32(SEED);
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const input = mangle(rng, clone(SAMPLE), 3);
      let r: Result<FormDefinition>;
      try {
        r = validateFormDefinition(input);
      } catch (err) {
        assert.fail(`threw on case ${i} (seed ${SEED}): ${String(err)} for ${JSON.stringify(input)?.slice(0, 300)}`);
      }
      if (r.ok) {
        // Whatever was accepted is itself a valid definition and stays the same when checked again.
        accepted++;
        assert.deepEqual(validateFormDefinition(r.value), r, `case ${i}`);
      } else assert.ok(r.issues.length > 0 && r.issues.every((x) => typeof x.field === 'string' && typeof x.rule === 'string' && x.message));
    }
    assert.ok(accepted > 100 && accepted < 2900, `a useful mix: ${accepted} of 3000 accepted`);
  });
});

describe('form submissions', () => {
  const def = definition();

  test('good answers come back clean: trimmed NFC text, lower-case file ids, checkbox booleans', () => {
    const r = validateSubmission(def, { ...GOOD, address: 'Ward 5\nVillage Rampur', pan: '' }, { today: TODAY });
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.value, {
      full_name: 'Sunita   Devi',
      family_members: 4,
      date_of_birth: '1990-02-28',
      gender: 'female',
      address: 'Ward 5\nVillage Rampur',
      photo: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
      declaration: true,
    });
    // Decomposed Devanagari (क + ़) is stored composed (क़), so it compares equal later.
    const nfc = validateSubmission(def, { ...GOOD, full_name: 'क\u093C\u093Eमिल' }, { today: TODAY });
    assert.ok(nfc.ok);
    assert.equal(nfc.value.full_name, 'क़ामिल'.normalize('NFC'));
  });

  test('required answers, types and rules, each with its field and rule code', () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{ ...GOOD, full_name: undefined }, ['full_name:required']],
      [{ ...GOOD, full_name: '   ' }, ['full_name:required']],
      [{ ...GOOD, full_name: null }, ['full_name:required']],
      [{ ...GOOD, full_name: 'A' }, ['full_name:min_length']],
      [{ ...GOOD, full_name: 'x'.repeat(101) }, ['full_name:max_length']],
      [{ ...GOOD, full_name: 'line\nbreak' }, ['full_name:invalid_characters']],
      [{ ...GOOD, full_name: 'nul\u0000' }, ['full_name:invalid_characters']],
      [{ ...GOOD, full_name: 'bidi \u202e' }, ['full_name:invalid_characters']],
      [{ ...GOOD, full_name: 'lone \ud800' }, ['full_name:invalid_characters']],
      [{ ...GOOD, pan: 'abcde1234f' }, ['pan:pattern']],
      [{ ...GOOD, family_members: 0 }, ['family_members:min']],
      [{ ...GOOD, family_members: 21 }, ['family_members:max']],
      [{ ...GOOD, family_members: 2.5 }, ['family_members:integer']],
      [{ ...GOOD, family_members: '4' }, ['family_members:type']],
      [{ ...GOOD, family_members: NaN }, ['family_members:type']],
      [{ ...GOOD, family_members: Infinity }, ['family_members:type']],
      [{ ...GOOD, family_members: 1e300 }, ['family_members:max']],
      [{ ...GOOD, date_of_birth: '2010-01-01' }, ['date_of_birth:max_date']],
      [{ ...GOOD, date_of_birth: '1899-12-31' }, ['date_of_birth:date']],
      [{ ...GOOD, date_of_birth: '2023-02-29' }, ['date_of_birth:date']],
      [{ ...GOOD, date_of_birth: '1990-2-3' }, ['date_of_birth:date']],
      [{ ...GOOD, date_of_birth: '1990-02-03T00:00:00Z' }, ['date_of_birth:date']],
      [{ ...GOOD, date_of_birth: 19900203 }, ['date_of_birth:date']],
      [{ ...GOOD, gender: 'other' }, ['gender:option']],
      [{ ...GOOD, gender: ['female'] }, ['gender:type']],
      [{ ...GOOD, photo: 'not-a-file' }, ['photo:file']],
      [{ ...GOOD, photo: { id: GOOD.photo } }, ['photo:file']],
      [{ ...GOOD, declaration: false }, ['declaration:required']],
      [{ ...GOOD, declaration: 'yes' }, ['declaration:type']],
      [{ ...GOOD, declaration: [true] }, ['declaration:type']],
      [{ ...GOOD, extra: 'x' }, ['extra:unknown']],
    ];
    for (const [values, expected] of cases) {
      assert.deepEqual(rulesOf(validateSubmission(def, values, { today: TODAY })), expected, JSON.stringify(values));
    }
    const pattern = issuesOf(validateSubmission(def, { ...GOOD, pan: 'abc' }, { today: TODAY }));
    assert.equal(pattern[0]!.message, 'Enter the PAN like ABCDE1234F', "the admin's own message for the pattern");
    const limit = issuesOf(validateSubmission(def, { ...GOOD, date_of_birth: '2010-01-01' }, { today: TODAY }));
    assert.deepEqual(limit[0]!.params, { max: '2007-06-15' }, 'the resolved bound, for the UI');
  });

  test('hostile objects: prototype keys, arrays, huge strings, thousands of keys', () => {
    const poisoned = JSON.parse(`{"__proto__": {"isAdmin": true}, "constructor": {"prototype": {"x": 1}}, "full_name": "Asha"}`) as unknown;
    const r = validateSubmission(def, poisoned, { today: TODAY, partial: true });
    assert.deepEqual(rulesOf(r), ['__proto__:unknown', 'constructor:unknown']);
    assert.equal(({} as Record<string, unknown>).isAdmin, undefined, 'Object.prototype untouched');
    for (const input of [null, undefined, [], [GOOD], 'a', 1, true]) {
      assert.deepEqual(rulesOf(validateSubmission(def, input, { today: TODAY })), [':type'], JSON.stringify(input));
    }
    const huge = 'x'.repeat(5_000_000);
    const started = Date.now();
    assert.deepEqual(rulesOf(validateSubmission(def, { ...GOOD, full_name: huge, address: huge }, { today: TODAY })), ['full_name:max_length', 'address:max_length']);
    assert.ok(Date.now() - started < 200, 'refused without scanning the whole text');
    const many = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
    assert.deepEqual(rulesOf(validateSubmission(def, many, { today: TODAY })), [':too_many']);
    const fewUnknown = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`k${i}`, i]));
    assert.equal(issuesOf(validateSubmission(def, fewUnknown, { today: TODAY })).length, FORM_LIMITS.issues, 'at most 100 issues');
    // A pattern field is tested only after its length is checked, so a long input never reaches the regex.
    assert.deepEqual(rulesOf(validateSubmission(def, { ...GOOD, pan: 'A'.repeat(100_000) }, { today: TODAY })), ['pan:max_length']);
  });

  test('drafts (partial) skip missing required answers but still check what is given', () => {
    assert.deepEqual(validateSubmission(def, {}, { today: TODAY, partial: true }), { ok: true, value: { declaration: false } });
    assert.deepEqual(rulesOf(validateSubmission(def, { family_members: 99 }, { today: TODAY, partial: true })), ['family_members:max']);
    assert.deepEqual(
      rulesOf(validateSubmission(def, {}, { today: TODAY })),
      ['full_name:required', 'family_members:required', 'date_of_birth:required', 'gender:required', 'photo:required', 'declaration:required'],
    );
  });

  test('relative dates: an adult is 18 on the day of submission; month ends are clamped', () => {
    const adult = validateSubmission(def, { ...GOOD, date_of_birth: '2007-06-15' }, { today: TODAY });
    assert.ok(adult.ok, 'eighteenth birthday today');
    assert.deepEqual(rulesOf(validateSubmission(def, { ...GOOD, date_of_birth: '2007-06-16' }, { today: TODAY })), ['date_of_birth:max_date']);
    assert.equal(resolveDateBound('-18y', '2024-02-29'), '2006-02-28');
    assert.equal(resolveDateBound('-1m', '2025-03-31'), '2025-02-28');
    assert.equal(resolveDateBound('+1m', '2024-01-31'), '2024-02-29');
    assert.equal(resolveDateBound('+30d', '2025-12-15'), '2026-01-14');
    assert.equal(resolveDateBound('-2w', '2025-01-03'), '2024-12-20');
    assert.equal(resolveDateBound('+13m', '2025-12-01'), '2027-01-01');
    assert.equal(resolveDateBound('today', '2025-06-15'), '2025-06-15');
    assert.equal(resolveDateBound('2020-01-01', '2025-06-15'), '2020-01-01');
    // India is UTC+5:30: 20:00 UTC on the 14th is already the 15th there.
    assert.equal(todayInIndia(new Date('2025-06-14T20:00:00Z')), '2025-06-15');
    assert.equal(todayInIndia(new Date('2025-06-14T18:29:59Z')), '2025-06-14');
  });

  test('fuzz: hostile answers never throw; the result is issues or values that satisfy the form (seeded)', () => {
    const SEED = 5_150_003;
    const rng = mulberry32(SEED);
    const keys = [...def.fields.map((f) => f.key), '__proto__', 'constructor', 'toString', 'extra', ''];
    let clean = 0;
    for (let i = 0; i < 5000; i++) {
      const input: unknown =
        rng() < 0.05
          ? hostileValue(rng, 0)
          : Object.fromEntries(
              Array.from({ length: Math.floor(rng() * 10) }, () => [pick(rng, keys), rng() < 0.5 ? pick(rng, Object.values(GOOD)) : hostileValue(rng, 0)]),
            );
      const partial = rng() < 0.3;
      let r: Result<Record<string, unknown>>;
      try {
        r = validateSubmission(def, input, { today: TODAY, partial });
      } catch (err) {
        assert.fail(`threw on case ${i} (seed ${SEED}): ${String(err)}`);
      }
      if (!r.ok) {
        assert.ok(r.issues.length > 0 && r.issues.length <= FORM_LIMITS.issues);
        continue;
      }
      // A clean result holds only known keys with values of the right type, and re-validates to itself.
      for (const [k, v] of Object.entries(r.value)) {
        const field = def.fields.find((f) => f.key === k);
        assert.ok(field, `unknown key ${k} in a clean result (case ${i})`);
        const expected = { text: 'string', number: 'number', date: 'string', select: 'string', checkbox: 'boolean', file: 'string' }[field.type];
        assert.equal(typeof v, expected, `case ${i}: ${k}`);
        if (typeof v === 'number') assert.ok(Number.isFinite(v));
      }
      assert.deepEqual(validateSubmission(def, r.value, { today: TODAY, partial }), r, `case ${i} is stable`);
      clean++;
    }
    assert.ok(clean > 100 && clean < 4900, `a useful mix: ${clean} of 5000 clean`);
  });

  test('uploaded files are checked against the document: type and size', () => {
    const photo = def.documents[0]!;
    assert.equal(checkDocumentFile(photo, { type: 'png', sizeBytes: 1000 }), null);
    assert.equal(checkDocumentFile(photo, { type: 'pdf', sizeBytes: 1000 })?.rule, 'document_type');
    assert.equal(checkDocumentFile(photo, { type: 'jpeg', sizeBytes: 1_048_577 })?.rule, 'document_size');
    assert.equal(checkDocumentFile(photo, { type: 'jpeg', sizeBytes: NaN })?.rule, 'document_size');
  });
});

describe('fees', () => {
  test('GST applies to the platform fee only and is rounded half up to the paisa', () => {
    assert.deepEqual(computeFees({ platformFeePaise: 5_000, governmentFeePaise: 10_700, gstRateBps: 1_800 }), {
      platformFee: 5_000,
      governmentFee: 10_700,
      gstRateBps: 1_800,
      gst: 900,
      total: 16_600,
    });
    const gst = (platform: number, bps = 1_800) => computeFees({ platformFeePaise: platform, governmentFeePaise: 0, gstRateBps: bps }).gst;
    assert.equal(gst(25), 5, '4.5 paise → 5');
    assert.equal(gst(24), 4, '4.32 paise → 4');
    assert.equal(gst(2_999), 540, '539.82 → 540');
    assert.equal(gst(1_111), 200, '199.98 → 200');
    assert.equal(gst(1), 0, '0.18 → 0');
    assert.equal(gst(3), 1, '0.54 → 1');
    assert.equal(gst(10, 500), 1, '0.5 at 5 % → 1');
    assert.equal(gst(9, 500), 0, '0.45 → 0');
    assert.equal(gst(0), 0);
    assert.equal(gst(12_345, 0), 0);
    assert.equal(gst(10_000_000, 4_000), 4_000_000);
    // Exhaustively against exact rational arithmetic for small fees and every whole-percent rate.
    for (let p = 0; p <= 2_000; p++) {
      for (const bps of [0, 100, 250, 500, 1_200, 1_800, 2_800, 4_000]) {
        const exact = BigInt(p) * BigInt(bps);
        const want = Number((exact * 2n + 10_000n) / 20_000n); // floor(x + 0.5)
        assert.equal(gst(p, bps), want, `${p} at ${bps}`);
      }
    }
  });

  test('fees must be non-negative whole paise', () => {
    for (const bad of [
      { platformFeePaise: -1, governmentFeePaise: 0, gstRateBps: 0 },
      { platformFeePaise: 1.5, governmentFeePaise: 0, gstRateBps: 0 },
      { platformFeePaise: 0, governmentFeePaise: NaN, gstRateBps: 0 },
      { platformFeePaise: 0, governmentFeePaise: 0, gstRateBps: 10_001 },
    ]) {
      assert.throws(() => computeFees(bad), RangeError, JSON.stringify(bad));
    }
  });
});

// ---------------------------------------------------------------------------------------------------

const NASTY: unknown[] = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  'नमस्ते',
  '1e309',
  'NaN',
  '2023-02-30',
  '0000-00-00',
  '9999-12-31',
  '1990-01-01',
  '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  'female',
  'ABCDE1234F',
  '__proto__',
  '<script>',
  "' OR 1=1 --",
  NaN,
  Infinity,
  -Infinity,
  -0,
  0,
  1,
  4,
  2 ** 53,
  -1e308,
  0.1,
  true,
  false,
  null,
  undefined,
  [],
  {},
];

function hostileValue(rng: Rng, depth: number): unknown {
  const r = rng();
  if (r < 0.55) return pick(rng, NASTY);
  if (r < 0.62) return 'z'.repeat(Math.floor(rng() * 20_000));
  if (r < 0.7) return String.fromCharCode(...Array.from({ length: 1 + Math.floor(rng() * 30) }, () => Math.floor(rng() * 0x10000)));
  if (r < 0.8 && depth < 3) return Array.from({ length: Math.floor(rng() * 3) }, () => hostileValue(rng, depth + 1));
  if (r < 0.9 && depth < 3) return Object.fromEntries([[pick(rng, ['a', '__proto__', 'value', 'en']), hostileValue(rng, depth + 1)]]);
  return rng() * 1e6 - 5e5;
}

/** Randomly breaks parts of a valid definition: replaces, deletes or adds values at any depth. */
function mangle(rng: Rng, value: unknown, budget: number): unknown {
  if (budget <= 0 || rng() < 0.15) return rng() < 0.5 ? hostileValue(rng, 0) : value;
  if (Array.isArray(value)) {
    const out = value.map((v) => (rng() < 0.3 ? mangle(rng, v, budget - 1) : v));
    if (rng() < 0.1) out.push(hostileValue(rng, 0));
    if (rng() < 0.1) out.splice(Math.floor(rng() * out.length), 1);
    return out;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const k of Object.keys(out)) {
      if (rng() < 0.3) out[k] = mangle(rng, out[k], budget - 1);
      else if (rng() < 0.05) delete out[k];
    }
    if (rng() < 0.1) out[pick(rng, ['extra', 'rules', 'options', 'document', 'help', 'pattern'])] = hostileValue(rng, 0);
    return out;
  }
  return value;
}
