import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, type RuleLike } from './automation-decision.js';
import { hoursProblems, isOpen, isTimeZone, localTime, type BusinessHours } from './business-hours.js';
import { firstMatch, matches, patternProblem } from './keyword-match.js';
import { assertValidReply, messageBody } from './reply-body.js';

/** The pure parts of automations: keyword matching, opening hours, which rules fire, reply bodies. */

describe('keyword matching', () => {
  test('exact compares whole messages, ignoring case, punctuation, emoji and spacing', () => {
    assert.ok(matches('exact', 'price', 'Price?'));
    assert.ok(matches('exact', 'price list', '  PRICE   list!! 🙏'));
    assert.ok(!matches('exact', 'price', 'price please'));
    assert.ok(matches('exact', '👍', '👍'));
    assert.ok(!matches('exact', '👍', '👎'));
  });

  test('contains looks for whole words, not fragments', () => {
    assert.ok(matches('contains', 'hi', 'Hi there'));
    assert.ok(matches('contains', 'order status', 'what is my ORDER status?'));
    assert.ok(!matches('contains', 'hi', 'this is nothing'));
    assert.ok(!matches('contains', 'order status', 'status of order'));
  });

  test('Hindi: NFC/NFD and nukta forms compare equal; the danda separates words', () => {
    const composed = '\u095E\u0940\u0938'; // फ़ीस with the precomposed FA
    const decomposed = '\u092B\u093C\u0940\u0938'; // PHA + NUKTA
    assert.notEqual(composed, decomposed);
    assert.ok(matches('exact', composed, decomposed));
    assert.ok(matches('contains', 'फ़ीस', 'आपकी फ़ीस कितनी है।'));
    assert.ok(matches('exact', 'नमस्ते', 'नमस्ते।'));
    assert.ok(matches('contains', 'नमस्ते', 'नमस्ते जी'));
    assert.ok(!matches('contains', 'नम', 'नमस्ते जी'), 'part of a word does not match');
    // A zero-width joiner typed by some keyboards does not hide a word.
    assert.ok(matches('exact', 'क्षमा', 'क्\u200Dषमा'));
  });

  test('regex searches anywhere, case-insensitively, in Unicode', () => {
    assert.ok(matches('regex', 'order\\s*#?\\d{4,}', 'Where is ORDER #12345?'));
    assert.ok(!matches('regex', 'order\\s*#?\\d{4,}', 'order 12'));
    assert.ok(!matches('regex', 'refund', `${'x'.repeat(200)} refund`), 'only the first 200 characters are searched');
    assert.ok(matches('regex', '^(दाम|कीमत)', 'कीमत बताइए'));
    assert.equal(firstMatch('regex', ['nothing', 'pri[cz]e'], ['the PRIZE']), 'pri[cz]e');
  });

  test('unsafe or broken regexes are refused; plain keywords only need to be non-empty', () => {
    assert.equal(patternProblem('regex', '(a+)+$')?.code, 'unsafe_pattern');
    assert.equal(patternProblem('regex', '(a|aa)*b')?.code, 'unsafe_pattern');
    assert.equal(patternProblem('regex', '(\\w+)\\1')?.code, 'unsafe_pattern');
    assert.equal(patternProblem('regex', '.*a.*b.*c')?.code, 'unsafe_pattern', 'a search multiplies open-ended repetitions');
    assert.equal(patternProblem('regex', 'a)(b')?.code, 'invalid_pattern');
    assert.equal(patternProblem('regex', '[')?.code, 'invalid_pattern');
    assert.equal(patternProblem('regex', 'price|rate|दाम'), null);
    assert.equal(patternProblem('regex', 'order\\s*#?\\d{4,}'), null);
    assert.equal(patternProblem('exact', '   ')?.code, 'invalid_pattern');
    assert.equal(patternProblem('contains', '(a+)+'), null, 'not a regex: just characters');
  });
});

describe('opening hours', () => {
  const weekdays = [{ open: '09:00', close: '18:00' }];
  const hours: BusinessHours = {
    timezone: 'Asia/Kolkata',
    weekly: { mon: weekdays, tue: weekdays, wed: weekdays, thu: weekdays, fri: weekdays, sat: [{ open: '10:00', close: '14:00' }, { open: '16:00', close: '24:00' }], sun: [] },
    holidays: [{ date: '2026-01-26', name: 'Republic Day' }],
  };
  // 2026-01-05 is a Monday.
  const ist = (s: string) => new Date(`${s}+05:30`);

  test('open inside an interval, closed at its close minute and outside', () => {
    assert.equal(isOpen(hours, ist('2026-01-05T09:00:00')), true);
    assert.equal(isOpen(hours, ist('2026-01-05T17:59:00')), true);
    assert.equal(isOpen(hours, ist('2026-01-05T18:00:00')), false);
    assert.equal(isOpen(hours, ist('2026-01-05T08:59:00')), false);
    assert.equal(isOpen(hours, ist('2026-01-11T12:00:00')), false, 'Sunday is closed');
    assert.equal(isOpen(hours, ist('2026-01-10T15:00:00')), false, 'Saturday lunch break');
    assert.equal(isOpen(hours, ist('2026-01-10T23:59:00')), true, 'open until midnight');
  });

  test('the time zone decides the day: 03:45 UTC Monday is 09:15 in India', () => {
    assert.equal(isOpen(hours, new Date('2026-01-05T03:45:00Z')), true);
    assert.equal(isOpen({ ...hours, timezone: 'Europe/London' }, new Date('2026-01-05T03:45:00Z')), false);
    assert.deepEqual(localTime(new Date('2026-01-04T20:00:00Z'), 'Asia/Kolkata'), { date: '2026-01-05', day: 'mon', minutes: 90 });
  });

  test('a holiday is closed all day in the number’s zone', () => {
    assert.equal(isOpen(hours, ist('2026-01-26T11:00:00')), false);
    assert.equal(isOpen(hours, ist('2026-01-27T11:00:00')), true);
  });

  test('schedules are checked: zone, HH:MM, order, overlaps, dates', () => {
    assert.ok(isTimeZone('Asia/Kolkata') && isTimeZone('UTC') && !isTimeZone('Mars/Olympus') && !isTimeZone('../etc'));
    assert.deepEqual(hoursProblems(hours), []);
    const bad: BusinessHours = {
      timezone: 'Nowhere/City',
      weekly: { ...hours.weekly, mon: [{ open: '18:00', close: '09:00' }], tue: [{ open: '09:00', close: '13:00' }, { open: '12:00', close: '15:00' }], wed: [{ open: '9:00', close: '10:00' }] },
      holidays: [{ date: '2026-02-30' }, { date: '2026-01-26' }, { date: '2026-01-26' }],
    };
    const fields = hoursProblems(bad).map((p) => p.field);
    assert.deepEqual(fields, ['timezone', 'weeklyHours.mon[0]', 'weeklyHours.tue[1]', 'weeklyHours.wed[0]', 'holidays[0].date', 'holidays[2].date']);
  });
});

describe('which rules fire', () => {
  let n = 0;
  const rule = (r: Partial<RuleLike> & Pick<RuleLike, 'kind'>): RuleLike => ({
    id: `r${++n}`,
    enabled: true,
    stopped_at: null,
    position: 0,
    match_type: null,
    patterns: [],
    reply: { type: 'text', text: 'ok' },
    add_tags: [],
    ...r,
  });
  const welcome = rule({ kind: 'welcome' });
  const away = rule({ kind: 'away' });
  const optOut = rule({ kind: 'opt_out' });
  const price = rule({ kind: 'keyword', match_type: 'contains', patterns: ['price', 'दाम'], position: 1 });
  const anything = rule({ kind: 'keyword', match_type: 'regex', patterns: ['.'], position: 2 });
  const tagOnly = rule({ kind: 'keyword', match_type: 'exact', patterns: ['vip'], reply: null, add_tags: ['VIP'], position: 0 });
  const rules = [welcome, away, optOut, price, anything, tagOnly];
  const base = { messageType: 'text', consent: { intent: null, changed: null }, firstContact: false, open: true, rules };
  const ids = (d: ReturnType<typeof decide>) => d.fired.map((f) => f.rule.id);

  test('the first keyword rule by position fires, not every match', () => {
    assert.deepEqual(ids(decide({ ...base, texts: ['price?'] })), [price.id]);
    assert.deepEqual(ids(decide({ ...base, texts: ['hello'] })), [anything.id]);
    assert.equal(decide({ ...base, texts: ['दाम क्या है'] }).fired[0]!.matched, 'दाम');
  });

  test('welcome only for a first-time contact, and not when a keyword rule replied', () => {
    const quiet = rules.filter((r) => r !== anything);
    assert.deepEqual(ids(decide({ ...base, rules: quiet, texts: ['hi'], firstContact: true })), [welcome.id]);
    assert.deepEqual(ids(decide({ ...base, rules: quiet, texts: ['hi'], firstContact: false })), []);
    assert.deepEqual(ids(decide({ ...base, rules: quiet, texts: ['price'], firstContact: true })), [price.id]);
    assert.deepEqual(ids(decide({ ...base, rules: quiet, texts: ['VIP'], firstContact: true })), [tagOnly.id, welcome.id], 'a tag-only rule does not answer');
  });

  test('away outside hours, as well as the answer', () => {
    assert.deepEqual(ids(decide({ ...base, texts: ['price'], open: false })), [price.id, away.id]);
    assert.deepEqual(ids(decide({ ...base, texts: ['price'], open: true })), [price.id]);
  });

  test('a consent keyword only gets its confirmation, and only when it changed something', () => {
    const stop = decide({ ...base, texts: ['STOP'], consent: { intent: 'opt_out', changed: 'opt_out' }, open: false, firstContact: true });
    assert.deepEqual(ids(stop), [optOut.id]);
    assert.equal(stop.note, 'consent_keyword');
    assert.deepEqual(ids(decide({ ...base, texts: ['STOP'], consent: { intent: 'opt_out', changed: null } })), []);
    assert.deepEqual(ids(decide({ ...base, texts: ['START'], consent: { intent: 'opt_in', changed: 'opt_in' } })), [], 'no opt-in confirmation configured');
  });

  test('disabled and stopped rules never fire; reactions and system messages trigger nothing', () => {
    const off = [rule({ kind: 'keyword', match_type: 'exact', patterns: ['a'], enabled: false }), rule({ kind: 'keyword', match_type: 'exact', patterns: ['a'], stopped_at: new Date() })];
    assert.deepEqual(ids(decide({ ...base, rules: off, texts: ['a'] })), []);
    assert.equal(decide({ ...base, messageType: 'reaction', texts: [], firstContact: true, open: false }).note, 'ignored_type');
    assert.deepEqual(ids(decide({ ...base, messageType: 'system', texts: [], firstContact: true, open: false })), []);
    assert.deepEqual(ids(decide({ ...base, messageType: 'request_welcome', texts: [], firstContact: true, open: false })), [welcome.id]);
  });
});

describe('reply bodies', () => {
  test('each kind becomes Meta’s message and passes Meta’s rules', () => {
    const buttons = messageBody({ type: 'buttons', body: 'Choose', buttons: [{ id: 'a', title: 'Yes' }, { id: 'b', title: 'No' }] }, '919812345678');
    assert.deepEqual(buttons.interactive, { type: 'button', body: { text: 'Choose' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'Yes' } }, { type: 'reply', reply: { id: 'b', title: 'No' } }] } });
    const media = messageBody({ type: 'media', mediaType: 'document', link: 'https://example.com/a.pdf', caption: 'Price list', filename: 'prices.pdf' }, '919812345678');
    assert.deepEqual(media.document, { link: 'https://example.com/a.pdf', caption: 'Price list', filename: 'prices.pdf' });
    assertValidReply({ type: 'list', body: 'Menu', button: 'Open', sections: [{ title: 'S', rows: [{ id: '1', title: 'One' }] }] });
    assert.throws(() => assertValidReply({ type: 'buttons', body: 'x', buttons: [{ id: 'a', title: 'Same' }, { id: 'b', title: 'Same' }] }), /invalid_reply|WhatsApp would refuse/);
    assert.throws(() => assertValidReply({ type: 'media', mediaType: 'image', link: 'http://example.com/a.png' }), /https/);
    assert.throws(() => assertValidReply({ type: 'media', mediaType: 'image' }), /link or an uploaded media id/);
  });
});
