import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testPlatform, type TestPlatform } from '../../test/harness.js';
import { captureServer, sandboxKit, type SimNumber } from '../../test/meta.js';
import { RecipientCache, type Recipient } from './recipient-cache.js';

const open: Recipient = { undeliverable: null, lastInboundAt: new Date(), marketing: 'subscribed' };

describe('recipient cache', () => {
  test('keeps what was read, forgets what a change touched, and drops a read that raced a change', () => {
    const cache = new RecipientCache();
    cache.fill(cache.generation(), '1', '911', open);
    cache.fill(cache.generation(), '2', '911', open);
    cache.fill(cache.generation(), '1', '912', open);
    assert.equal(cache.get('1', '911'), open);

    cache.forgetConversation('1', '911');
    assert.deepEqual([cache.get('1', '911'), cache.get('2', '911'), cache.get('1', '912')], [undefined, open, open]);
    cache.forgetUser('911');
    assert.deepEqual([cache.get('2', '911'), cache.get('1', '912')], [undefined, open], 'a user change reaches every number of that user, and only that user');

    // Read before a change was written and forgotten: the read may hold the old rows.
    const generation = cache.generation();
    cache.forgetConversation('1', '913');
    cache.fill(generation, '1', '913', open);
    assert.equal(cache.get('1', '913'), undefined);
  });

  test('stays within its size, oldest first', () => {
    const cache = new RecipientCache(3);
    for (const wa of ['1', '2', '3', '4']) cache.fill(cache.generation(), 'n', wa, open);
    assert.equal(cache.size, 3);
    assert.deepEqual(['1', '2', '3', '4'].map((wa) => cache.get('n', wa) !== undefined), [false, true, true, true]);
  });
});

/** Each write path of the rows a send reads, after a send that had the old rows cached: the next send must see the change. */
describe('recipient cache: the simulator’s writes reach the next send', () => {
  let t: TestPlatform;
  let hook: Awaited<ReturnType<typeof captureServer>>;
  let kit: ReturnType<typeof sandboxKit>;

  before(async () => {
    hook = await captureServer();
    t = await testPlatform({ env: { META_SANDBOX_WEBHOOK_URL: hook.url } });
    kit = sandboxKit(t, hook);
  });
  after(async () => {
    await t.close();
    await hook.close();
  });

  const text = (to: string) => ({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'Hello' } });
  const hello = (to: string) => ({ messaging_product: 'whatsapp', to, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
  const codeOf = async (n: SimNumber, body: unknown) => {
    const res = await kit.send(n, body);
    return res.statusCode === 200 ? 200 : (res.json() as { error: { code: number } }).error.code;
  };

  test('an inbound message opens the window of a recipient cached with it closed', async () => {
    const n = await kit.newNumber();
    assert.equal(await codeOf(n, text('16505553001')), 131047);
    await kit.inbound(n, '16505553001', [{ type: 'text', text: { body: 'Hi' } }]);
    assert.equal(await codeOf(n, text('16505553001')), 200);
  });

  test('a marketing stop set through the admin route refuses the next marketing template (sync refusal), a resume lets it through', async () => {
    const n = await kit.newNumber({ marketing_stop_refusal: 'sync' });
    const wa = '16505553002';
    assert.equal(await codeOf(n, hello(wa)), 200);
    assert.equal((await kit.sim('PATCH', `/numbers/${n.phone_number_id}/conversations/${wa}`, { marketing: 'stopped' })).statusCode, 200);
    assert.equal(await codeOf(n, hello(wa)), 131050);
    assert.equal((await kit.sim('PATCH', `/numbers/${n.phone_number_id}/conversations/${wa}`, { marketing: 'subscribed' })).statusCode, 200);
    assert.equal(await codeOf(n, hello(wa)), 200);
  });

  test('a user made unreachable is refused from every number that had it cached, and reachable again after', async () => {
    const [a, b] = [await kit.newNumber(), await kit.newNumber()];
    const wa = '16505553003';
    assert.deepEqual([await codeOf(a, hello(wa)), await codeOf(b, hello(wa))], [200, 200]);
    assert.equal((await kit.sim('PUT', `/users/${wa}`, { undeliverable: 'sync' })).statusCode, 200);
    assert.deepEqual([await codeOf(a, hello(wa)), await codeOf(b, hello(wa))], [131026, 131026]);
    assert.equal((await kit.sim('PUT', `/users/${wa}`, { undeliverable: null })).statusCode, 200);
    assert.deepEqual([await codeOf(a, hello(wa)), await codeOf(b, hello(wa))], [200, 200]);
  });
});
