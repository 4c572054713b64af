import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assignmentAllowed } from './inbox-access.js';
import { parseFeedEvent } from './inbox-feed.js';
import { consentOf, shownText } from './inbox.schemas.js';
import { replyMessage } from './reply.service.js';
import { WINDOW_MS, serviceWindow } from './service-window.js';

/** The team inbox's pure rules: who may assign whom, the 24-hour window, reply bodies, texts. */

describe('team inbox rules', () => {
  const me = 'a0000000-0000-4000-8000-000000000001';
  const colleague = 'a0000000-0000-4000-8000-000000000002';

  test('owners and managers assign anyone; agents take an unassigned conversation or give back their own', () => {
    for (const role of ['owner', 'manager'] as const) {
      assert.equal(assignmentAllowed(role, me, colleague, me), true);
      assert.equal(assignmentAllowed(role, me, null, colleague), true);
      assert.equal(assignmentAllowed(role, me, colleague, null), true);
    }
    assert.equal(assignmentAllowed('agent', me, null, me), true, 'take');
    assert.equal(assignmentAllowed('agent', me, me, null), true, 'give back');
    assert.equal(assignmentAllowed('agent', me, me, me), true);
    assert.equal(assignmentAllowed('agent', me, colleague, me), false, 'take from a colleague');
    assert.equal(assignmentAllowed('agent', me, null, colleague), false, 'hand out');
    assert.equal(assignmentAllowed('agent', me, colleague, null), false, 'unassign a colleague');
  });

  test('the window is open for 24 hours after the last inbound message, to the millisecond', () => {
    const last = new Date('2026-03-01T10:00:00Z');
    assert.deepEqual(serviceWindow(null), { open: false, lastInboundAt: null, openUntil: null });
    assert.equal(serviceWindow(last, last.getTime() + WINDOW_MS - 1).open, true);
    assert.equal(serviceWindow(last, last.getTime() + WINDOW_MS).open, false);
    assert.equal(serviceWindow(last).openUntil?.toISOString(), '2026-03-02T10:00:00.000Z');
  });

  test('reply bodies are Cloud API messages: text with link previews, templates with named or positional parameters', () => {
    assert.deepEqual(replyMessage('919876543210', { text: 'See https://example.com' }), {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '919876543210',
      type: 'text',
      text: { body: 'See https://example.com', preview_url: true },
    });
    const t = replyMessage('919876543210', { template: { name: 'order_ready', language: 'en', header: [{ value: 'Kurta' }], body: [{ name: 'customer', value: 'Asha' }] } });
    assert.deepEqual(t.template, {
      name: 'order_ready',
      language: { code: 'en' },
      components: [
        { type: 'header', parameters: [{ type: 'text', text: 'Kurta' }] },
        { type: 'body', parameters: [{ type: 'text', text: 'Asha', parameter_name: 'customer' }] },
      ],
    });
    assert.equal('components' in (replyMessage('91', { template: { name: 'hello_world', language: 'en_US' } }).template as object), false);
  });

  test('texts shown in the list: a template with its parameters, consent as the last decision says', () => {
    assert.equal(shownText({ type: 'template', template_name: 'order_ready', content: { template: { components: [{ type: 'body', parameters: [{ type: 'text', text: 'Asha' }] }] } } }), 'order_ready: Asha');
    assert.equal(shownText({ type: 'text', template_name: null, content: { text: { body: 'hi' } } }), 'hi');
    const d = (s: string) => new Date(s);
    assert.equal(consentOf({ opted_in_at: null, opted_out_at: null }), 'none');
    assert.equal(consentOf({ opted_in_at: d('2026-01-02'), opted_out_at: d('2026-01-01') }), 'opted_in');
    assert.equal(consentOf({ opted_in_at: d('2026-01-01'), opted_out_at: d('2026-01-02') }), 'opted_out');
  });

  test('feed notices that are not ours are ignored', () => {
    assert.equal(parseFeedEvent('not json'), null);
    assert.equal(parseFeedEvent('{"k":"message"}'), null);
    assert.deepEqual(parseFeedEvent('{"t":"x","k":"note","c":"y","id":"z"}'), { t: 'x', k: 'note', c: 'y', id: 'z' });
  });
});
