import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { signedInClient, testPlatform, type Client, type TestPlatform } from '../../../test/harness.js';
import { EXAMPLE_TEMPLATES, captureServer } from '../../../test/meta.js';
import { sendKit, type Connected, type SendKit } from './test-fixtures.js';

/** The web app's "Send a test message": the signed-in customer's numbers, templates and sends. */

describe('test send from the web app', () => {
  let t: TestPlatform;
  let hook: Awaited<ReturnType<typeof captureServer>>;
  let s: SendKit;
  let me: { client: Client; person: { id: string } };
  let c: Connected;

  before(async () => {
    hook = await captureServer();
    t = await testPlatform({ env: { META_SANDBOX_WEBHOOK_URL: hook.url } });
    s = sendKit(t, hook);
    me = await signedInClient(t, 'customer');
    await s.fund(me.person.id, 50_000);
    c = await s.connect(me.person.id);
    await s.kit.template(c.sim, EXAMPLE_TEMPLATES[1]!);
    await s.kit.template(c.sim, EXAMPLE_TEMPLATES[0]!);
  });
  after(async () => {
    await t.close();
    await hook.close();
  });

  test('lists only the customer’s own live numbers, and the number’s approved templates with their variables', async () => {
    const other = await s.connect(await s.tenant());
    const numbers = await me.client.get('/api/whatsapp/test-send/numbers');
    assert.equal(numbers.statusCode, 200, numbers.body);
    assert.deepEqual((numbers.json() as { items: { id: string }[] }).items.map((n) => n.id), [c.number.id]);
    const templates = await me.client.get(`/api/whatsapp/test-send/numbers/${c.number.id}/templates`);
    assert.equal(templates.statusCode, 200, templates.body);
    const items = (templates.json() as { items: { name: string; variables: string[]; parameterFormat: string; hasHeaderVariables: boolean; category: string }[] }).items;
    const named = items.find((i) => i.name === 'order_confirmation_named')!;
    assert.deepEqual({ variables: named.variables, format: named.parameterFormat, header: named.hasHeaderVariables, category: named.category }, { variables: ['first_name', 'order_id'], format: 'NAMED', header: false, category: 'UTILITY' });
    assert.equal(items.find((i) => i.name === 'order_update_v2')!.hasHeaderVariables, true);
    assert.equal((await me.client.get(`/api/whatsapp/test-send/numbers/${other.number.id}/templates`)).statusCode, 404);
  });

  test('sends a text inside the window and a template with named parameters, as the person (activity log, source ui)', async () => {
    await s.openWindow(c, '919876543210');
    const sent = await me.client.post('/api/whatsapp/test-send', { numberId: c.number.id, to: '+91 98765 43210', text: 'Namaste from the test page' });
    assert.equal(sent.statusCode, 200, sent.body);
    const r = sent.json() as { id: string; status: string; wamid: string; category: string; reservedPaise: number };
    assert.equal(r.status, 'accepted');
    assert.equal(r.category, 'service');
    assert.equal(r.reservedPaise, 14, 'India’s service price');

    await s.optIn(me.person.id, '919876543210');
    const tpl = await me.client.post('/api/whatsapp/test-send', {
      numberId: c.number.id,
      to: '919876543210',
      template: { name: 'order_confirmation_named', language: 'en', parameters: [{ name: 'first_name', value: 'Asha' }, { name: 'order_id', value: 'A-12' }] },
    });
    assert.equal(tpl.statusCode, 200, tpl.body);
    assert.equal((tpl.json() as { category: string }).category, 'utility');

    const rows = await t.db.query<{ source: string; sent_by: string }>('SELECT source, sent_by FROM wa_messages WHERE tenant_id = $1', [me.person.id]);
    assert.deepEqual(rows.map((x) => ({ ...x })), [
      { source: 'ui', sent_by: me.person.id },
      { source: 'ui', sent_by: me.person.id },
    ]);
    const activity = await t.db.query<{ actor_type: string; ip: string | null }>("SELECT actor_type, ip FROM activity_log WHERE action = 'whatsapp.message_sent' AND subject_user_id = $1", [me.person.id]);
    assert.equal(activity.length, 2);
    assert.ok(activity.every((a) => a.actor_type === 'user' && a.ip));
  });

  test('Meta’s refusal comes back with its code and a clear message; another customer’s number is not found', async () => {
    const closed = await me.client.post('/api/whatsapp/test-send', { numberId: c.number.id, to: '919000000001', text: 'No window' });
    assert.equal(closed.statusCode, 400, closed.body);
    const err = (closed.json() as { error: { code: string; message: string; meta: { code: number } } }).error;
    assert.equal(err.code, 'meta_131047');
    assert.match(err.message, /24 hours/);
    const other = await s.connect(await s.tenant());
    assert.equal((await me.client.post('/api/whatsapp/test-send', { numberId: other.number.id, to: '919000000001', text: 'x' })).statusCode, 404);
    assert.equal((await me.client.post('/api/whatsapp/test-send', { numberId: c.number.id, to: '919000000001' })).statusCode, 400);
  });
});
