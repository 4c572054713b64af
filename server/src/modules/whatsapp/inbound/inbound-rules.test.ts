import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keywordIntent, messageIntent } from './consent-keywords.js';
import { nextStatus, reportOrder, reportedStatus, type MessageStatus, type ReportedStatus } from './status-rules.js';
import { eventTime, parseEnvelope, storableJson } from './webhook-envelope.js';

test('a status only moves forward; failed ends it unless Meta later reports delivery', () => {
  const cases: [MessageStatus, ReportedStatus, MessageStatus][] = [
    ['accepted', 'sent', 'sent'],
    ['sent', 'read', 'read'],
    ['read', 'delivered', 'read'],
    ['delivered', 'sent', 'delivered'],
    ['read', 'read', 'read'],
    ['queued', 'delivered', 'delivered'],
    ['accepted', 'failed', 'failed'],
    ['sent', 'failed', 'failed'],
    ['delivered', 'failed', 'delivered'],
    ['read', 'failed', 'read'],
    ['failed', 'sent', 'failed'],
    ['failed', 'delivered', 'delivered'],
    ['failed', 'read', 'read'],
    ['received', 'read', 'received'],
  ];
  for (const [from, report, to] of cases) assert.equal(nextStatus(from, report), to, `${from} + ${report}`);
  assert.equal(reportedStatus('played'), 'read');
  assert.equal(reportedStatus('deleted'), null);
  const at = new Date(1000);
  const sorted = [{ status: 'read', occurredAt: at }, { status: 'failed', occurredAt: at }, { status: 'sent', occurredAt: at }, { status: 'delivered', occurredAt: new Date(500) }].sort(reportOrder);
  assert.deepEqual(sorted.map((s) => s.status), ['delivered', 'sent', 'read', 'failed']);
});

test('consent keywords: the whole message, any case and punctuation, Hindi in both scripts', () => {
  for (const s of ['STOP', 'stop', ' Stop! ', 'STOP ALL', 'unsubscribe.', 'रोकें', 'बंद करो।', 'बंद', 'band karo', 'Opt-out']) assert.equal(keywordIntent(s), 'opt_out', s);
  for (const s of ['START', 'start 🙂', 'शुरू', 'शुरू करें', 'Unstop']) assert.equal(keywordIntent(s), 'opt_in', s);
  for (const s of ['Stop promotions', 'STOP PROMOTIONS!', 'प्रचार बंद करें']) assert.equal(keywordIntent(s), 'marketing_stop', s);
  for (const s of ['please stop', 'stop sending the price list', 'non-stop', 'STOPPED', 'start my order', '', 'बंद है क्या?']) assert.equal(keywordIntent(s), null, s);
  assert.deepEqual(messageIntent({ type: 'button', button: { payload: 'Unsubscribe', text: 'Unsubscribe' } }), { intent: 'opt_out', keyword: 'Unsubscribe' });
  assert.deepEqual(messageIntent({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'x1', title: 'STOP' } } }), { intent: 'opt_out', keyword: 'STOP' });
  assert.equal(messageIntent({ type: 'image', image: { caption: 'STOP' } }), null, 'a caption is not a keyword reply');
});

test('the envelope is read defensively; times never in the future; text made storable', () => {
  assert.equal(parseEnvelope('[1,2]'), null);
  assert.equal(parseEnvelope('{"entry": 3}')!.changes.length, 0);
  const e = parseEnvelope(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: 'W', time: 5, changes: [{ field: 'messages', value: { metadata: { phone_number_id: 123 } } }, 'junk', { value: 7 }] }, null] }))!;
  assert.deepEqual(
    e.changes.map((c) => [c.path, c.field, c.wabaId, c.phoneNumberId, c.time]),
    [
      ['0.0', 'messages', 'W', '123', 5],
      ['0.2', 'unknown', 'W', null, 5],
    ],
  );
  const now = new Date('2026-11-25T00:00:00Z');
  assert.equal(eventTime('1750000000', now).toISOString(), new Date(1750000000 * 1000).toISOString());
  assert.equal(eventTime(String(Math.floor(now.getTime() / 1000) + 3600), now), now, 'a clock ahead is not believed');
  assert.equal(eventTime('yesterday', now), now);
  assert.equal(storableJson({ a: 'x\u0000y', b: '\ud800', 'k\u0000': 1 }), '{"a":"x\ufffdy","b":"\ufffd","k\ufffd":1}');
});
