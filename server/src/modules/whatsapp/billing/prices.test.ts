import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { json, signedInClient, testPlatform, type TestPlatform } from '../../../test/harness.js';
import { connectNumber, insertMessage, simNumber, waCustomer } from '../numbers/numbers-test-kit.js';
import { millipaiseOf } from './prices.service.js';
import { priceFor } from './pricing.js';

interface AdminPrice {
  id: string;
  category: string;
  countryCode: string;
  metaRateMillipaise: number;
  markupBps: number;
  pricePaise: number;
  effectiveFrom: string;
  state: 'current' | 'scheduled' | 'superseded';
  createdBy: { id: string; name: string } | null;
}
interface CustomerPrice {
  category: string;
  countryCode: string;
  pricePaise: number;
  effectiveFrom: string;
  state: 'current' | 'scheduled';
}
const code = (res: LightMyRequestResponse) => json<{ error: { code: string } }>(res).error.code;
const HOUR = 3600_000;

describe('WhatsApp price table', () => {
  let t: TestPlatform;
  before(async () => {
    t = await testPlatform();
  });
  after(() => t.close());

  const adminPrices = async (client: Awaited<ReturnType<typeof signedInClient>>['client'], history = false) =>
    json<{ items: AdminPrice[] }>(await client.get(`/api/admin/whatsapp/prices${history ? '?history=true' : ''}`)).items;

  test('customers see what a message costs now (no rates or markup); admins see the whole row', async () => {
    const { client } = await signedInClient(t, 'customer');
    const res = await client.get('/api/whatsapp/prices');
    assert.equal(res.statusCode, 200, res.body);
    const items = json<{ items: CustomerPrice[] }>(res).items;
    const indiaMarketing = items.find((p) => p.category === 'marketing' && p.countryCode === '91' && p.state === 'current')!;
    assert.equal(indiaMarketing.pricePaise, 104);
    assert.ok(!/metaRate|markup/i.test(res.body), 'the platform’s margin is not shown to customers');
    assert.equal((await client.get('/api/admin/whatsapp/prices')).statusCode, 403);
    assert.equal((await client.post('/api/admin/whatsapp/prices', { category: 'utility', countryCode: '91', metaRatePaise: '1', markupBps: 0 })).statusCode, 403);

    const admin = await signedInClient(t, 'admin');
    const row = (await adminPrices(admin.client)).find((p) => p.category === 'marketing' && p.countryCode === '91')!;
    assert.deepEqual([row.metaRateMillipaise, row.markupBps, row.pricePaise, row.state], [86310, 2000, 104, 'current']);
  });

  test('a price added for later is scheduled; the old one applies until then; rows are never edited', async () => {
    const admin = await signedInClient(t, 'admin');
    const from = new Date(Date.now() + 48 * HOUR);
    const res = await admin.client.post('/api/admin/whatsapp/prices', { category: 'utility', countryCode: '880', metaRatePaise: '90.125', markupBps: 1500, effectiveFrom: from.toISOString() });
    assert.equal(res.statusCode, 201, res.body);
    const price = json<{ price: AdminPrice }>(res).price;
    // ceil(90.125 paise × 1.15) = ceil(103.64375) = 104 paise.
    assert.deepEqual([price.metaRateMillipaise, price.markupBps, price.pricePaise, price.state], [90125, 1500, 104, 'scheduled']);
    assert.equal(price.effectiveFrom, from.toISOString());
    assert.equal(price.createdBy?.id, admin.person.id);

    const now = await priceFor(t.db, 'utility', '8801712345678');
    assert.equal(now?.countryCode, '*', 'until then, the rest-of-world price applies');
    const later = await priceFor(t.db, 'utility', '8801712345678', new Date(from.getTime() + 1000));
    assert.deepEqual([later?.countryCode, later?.pricePaise, later?.priceId], ['880', 104, price.id]);

    const customer = await signedInClient(t, 'customer');
    const seen = json<{ items: CustomerPrice[] }>(await customer.client.get('/api/whatsapp/prices')).items.filter((p) => p.countryCode === '880');
    assert.deepEqual(seen, [{ category: 'utility', countryCode: '880', pricePaise: 104, effectiveFrom: from.toISOString(), state: 'scheduled' }]);

    const [log] = await t.db.query<{ actor_id: string; ip: string; details: Record<string, unknown> }>(`SELECT actor_id, ip, details FROM activity_log WHERE action = 'whatsapp.price_added' AND object_id = $1`, [price.id]);
    assert.equal(log!.actor_id, admin.person.id);
    assert.equal(log!.ip, admin.client.ip);
    assert.equal(log!.details.pricePaise, 104);

    const again = await admin.client.post('/api/admin/whatsapp/prices', { category: 'utility', countryCode: '880', metaRatePaise: '1', markupBps: 0, effectiveFrom: from.toISOString() });
    assert.equal(again.statusCode, 409, again.body);
    assert.equal(code(again), 'price_exists');
  });

  test('a price from now replaces the current one at once; the replaced row stays as history', async () => {
    const admin = await signedInClient(t, 'admin');
    const res = await admin.client.post('/api/admin/whatsapp/prices', { category: 'service', countryCode: '977', metaRatePaise: '10', markupBps: 0 });
    assert.equal(res.statusCode, 201, res.body);
    const first = json<{ price: AdminPrice }>(res).price;
    assert.equal(first.state, 'current');
    // A start a moment in the past (a slow clock) is taken as now.
    const second = json<{ price: AdminPrice }>(
      await admin.client.post('/api/admin/whatsapp/prices', { category: 'service', countryCode: '977', metaRatePaise: '12.5', markupBps: 2000, effectiveFrom: new Date(Date.now() - 60_000).toISOString() }),
    ).price;
    assert.equal(second.state, 'current');
    assert.ok(Date.parse(second.effectiveFrom) >= Date.parse(first.effectiveFrom));
    assert.equal(second.pricePaise, 15);
    assert.equal((await priceFor(t.db, 'service', '9771234567'))?.priceId, second.id);

    const current = (await adminPrices(admin.client)).filter((p) => p.countryCode === '977');
    assert.deepEqual(current.map((p) => p.id), [second.id]);
    const history = (await adminPrices(admin.client, true)).filter((p) => p.countryCode === '977');
    assert.deepEqual(history.map((p) => [p.id, p.state]), [[second.id, 'current'], [first.id, 'superseded']]);
    const [stored] = await t.db.query<{ price_paise: number }>('SELECT price_paise FROM wa_prices WHERE id = $1', [first.id]);
    assert.equal(stored!.price_paise, 10, 'the replaced row is unchanged');
  });

  test('invalid prices are refused: past starts, more than 3 decimals, bad calling codes and categories', async () => {
    const admin = await signedInClient(t, 'admin');
    const ok = { category: 'marketing', countryCode: '44', metaRatePaise: '500', markupBps: 2000 };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...ok, effectiveFrom: new Date(Date.now() - HOUR).toISOString() }, 'effective_from_past'],
      [{ ...ok, metaRatePaise: '1.2345' }, 'validation_failed'],
      [{ ...ok, metaRatePaise: '-1' }, 'validation_failed'],
      [{ ...ok, countryCode: '+44' }, 'validation_failed'],
      [{ ...ok, countryCode: '12345' }, 'validation_failed'],
      [{ ...ok, category: 'promotional' }, 'validation_failed'],
      [{ ...ok, markupBps: -5 }, 'validation_failed'],
      [{ ...ok, note: 'x' }, 'validation_failed'],
    ];
    for (const [body, expected] of cases) {
      const res = await admin.client.post('/api/admin/whatsapp/prices', body);
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
      assert.equal(code(res), expected);
    }
    assert.equal((await t.db.query(`SELECT 1 FROM wa_prices WHERE country_code = '44'`)).length, 0);
    assert.equal(millipaiseOf('86.31'), 86310);
    assert.equal(millipaiseOf('0.001'), 1);
    assert.equal(millipaiseOf('7'), 7000);
  });

  test('a scheduled price can be cancelled; one in force cannot', async () => {
    const admin = await signedInClient(t, 'admin');
    const scheduled = json<{ price: AdminPrice }>(
      await admin.client.post('/api/admin/whatsapp/prices', { category: 'marketing', countryCode: '971', metaRatePaise: '300', markupBps: 1000, effectiveFrom: new Date(Date.now() + HOUR).toISOString() }),
    ).price;
    const res = await admin.client.delete(`/api/admin/whatsapp/prices/${scheduled.id}`);
    assert.equal(res.statusCode, 204, res.body);
    assert.equal((await t.db.query('SELECT 1 FROM wa_prices WHERE id = $1', [scheduled.id])).length, 0);
    assert.equal((await t.db.query(`SELECT 1 FROM activity_log WHERE action = 'whatsapp.price_cancelled' AND object_id = $1`, [scheduled.id])).length, 1);
    assert.equal((await admin.client.delete(`/api/admin/whatsapp/prices/${scheduled.id}`)).statusCode, 404);

    const current = (await adminPrices(admin.client)).find((p) => p.category === 'marketing' && p.countryCode === '91')!;
    const refused = await admin.client.delete(`/api/admin/whatsapp/prices/${current.id}`);
    assert.equal(refused.statusCode, 409, refused.body);
    assert.equal(code(refused), 'price_in_effect');
  });
});

describe('WhatsApp usage and spend', () => {
  let t: TestPlatform;
  before(async () => {
    t = await testPlatform();
  });
  after(() => t.close());

  interface Summary {
    outbound: number;
    inbound: number;
    chargedPaise: number;
    pendingPaise: number;
    byStatus: Record<string, number>;
    byCategory: { category: string; messages: number; chargedPaise: number }[];
  }
  interface Usage {
    totals: Summary;
    numbers: (Summary & { numberId: string })[];
    days: { day: string; outbound: number; inbound: number; failed: number; chargedPaise: number }[];
  }
  const period = 'from=2026-05-01T00:00:00Z&to=2026-06-01T00:00:00Z';

  test('per number and per tenant, by direction, status and category, with charged and pending money, per Indian day', async () => {
    const a = await waCustomer(t);
    const b = await waCustomer(t);
    const n1 = await connectNumber(a.client, await simNumber(t));
    const n2 = await connectNumber(a.client, await simNumber(t));
    const bn = await connectNumber(b.client, await simNumber(t));
    const at = (iso: string) => ({ createdAt: iso });
    const A1 = { tenantId: a.person.id, numberId: n1.id };
    const A2 = { tenantId: a.person.id, numberId: n2.id };
    await insertMessage(t, { ...A1, ...at('2026-05-10T05:00:00Z'), status: 'read', category: 'marketing', pricingCategory: 'marketing', billingState: 'charged', reservedPaise: 104, chargedPaise: 104 });
    // Expected utility, but Meta charged it as marketing: Meta's category counts.
    await insertMessage(t, { ...A1, ...at('2026-05-10T06:00:00Z'), status: 'delivered', category: 'utility', pricingCategory: 'marketing', billingState: 'charged', reservedPaise: 14, chargedPaise: 104 });
    await insertMessage(t, { ...A1, ...at('2026-05-10T19:00:00Z'), status: 'accepted', category: 'utility', billingState: 'reserved', reservedPaise: 14 });
    await insertMessage(t, { ...A1, ...at('2026-05-10T07:00:00Z'), direction: 'inbound' });
    await insertMessage(t, { ...A2, ...at('2026-05-11T07:00:00Z'), status: 'failed', category: 'marketing', billingState: 'released', reservedPaise: 104 });
    await insertMessage(t, { ...A2, ...at('2026-05-11T08:00:00Z'), status: 'sent', category: 'service', pricingCategory: 'service', billingState: 'charged', chargedPaise: 0 });
    // Outside the period, and another customer's.
    await insertMessage(t, { ...A1, ...at('2026-04-30T18:29:59Z'), billingState: 'charged', chargedPaise: 500, category: 'marketing' });
    await insertMessage(t, { tenantId: b.person.id, numberId: bn.id, ...at('2026-05-10T05:00:00Z'), billingState: 'charged', chargedPaise: 700, category: 'marketing' });

    const res = await a.client.get(`/api/whatsapp/usage?${period}`);
    assert.equal(res.statusCode, 200, res.body);
    const u = json<Usage>(res);
    assert.equal(u.totals.outbound, 5);
    assert.equal(u.totals.inbound, 1);
    assert.equal(u.totals.chargedPaise, 208);
    assert.equal(u.totals.pendingPaise, 14);
    assert.deepEqual(u.totals.byStatus, { queued: 0, accepted: 1, sent: 1, delivered: 1, read: 1, failed: 1, received: 1 });
    const byCategory = Object.fromEntries(u.totals.byCategory.map((c) => [c.category, [c.messages, c.chargedPaise]]));
    assert.deepEqual(byCategory, { marketing: [3, 208], utility: [1, 0], service: [1, 0] });

    const first = u.numbers.find((n) => n.numberId === n1.id)!;
    const second = u.numbers.find((n) => n.numberId === n2.id)!;
    assert.deepEqual([first.outbound, first.inbound, first.chargedPaise, first.pendingPaise], [3, 1, 208, 14]);
    assert.deepEqual([second.outbound, second.inbound, second.chargedPaise, second.byStatus.failed], [2, 0, 0, 1]);
    assert.ok(!u.numbers.some((n) => n.numberId === bn.id));
    // 19:00 UTC on the 10th is 00:30 on the 11th in India.
    assert.deepEqual(u.days, [
      { day: '2026-05-10', outbound: 2, inbound: 1, failed: 0, chargedPaise: 208 },
      { day: '2026-05-11', outbound: 3, inbound: 0, failed: 1, chargedPaise: 0 },
    ]);

    const only = json<Usage>(await a.client.get(`/api/whatsapp/usage?${period}&numberId=${n2.id}`));
    assert.equal(only.totals.outbound, 2);
    assert.deepEqual(only.numbers.map((n) => n.numberId), [n2.id]);
    const foreign = await a.client.get(`/api/whatsapp/usage?${period}&numberId=${bn.id}`);
    assert.equal(foreign.statusCode, 404, 'another customer’s number is not found');

    const admin = await signedInClient(t, 'admin');
    const all = json<{ tenants: { tenantId: string; outbound: number; chargedPaise: number; pendingPaise: number; liveNumbers: number }[]; totals: { chargedPaise: number } }>(
      await admin.client.get(`/api/admin/whatsapp/usage?${period}`),
    );
    const rowA = all.tenants.find((x) => x.tenantId === a.person.id)!;
    const rowB = all.tenants.find((x) => x.tenantId === b.person.id)!;
    assert.deepEqual([rowA.outbound, rowA.chargedPaise, rowA.pendingPaise, rowA.liveNumbers], [5, 208, 14, 2]);
    assert.deepEqual([rowB.outbound, rowB.chargedPaise, rowB.liveNumbers], [1, 700, 1]);
    assert.ok(all.tenants.indexOf(rowB) < all.tenants.indexOf(rowA), 'biggest spenders first');
    assert.equal(all.totals.chargedPaise, all.tenants.reduce((s, x) => s + x.chargedPaise, 0));

    const one = await admin.client.get(`/api/admin/whatsapp/usage/${a.person.id}?${period}`);
    assert.equal(one.statusCode, 200, one.body);
    assert.deepEqual(json<{ usage: Usage }>(one).usage.totals, u.totals);
    assert.equal((await a.client.get(`/api/admin/whatsapp/usage?${period}`)).statusCode, 403);
  });

  test('the period is checked: start before end, at most 366 days', async () => {
    const { client } = await signedInClient(t, 'customer');
    const backwards = await client.get('/api/whatsapp/usage?from=2026-06-01T00:00:00Z&to=2026-05-01T00:00:00Z');
    assert.equal(backwards.statusCode, 400);
    assert.equal(code(backwards), 'invalid_range');
    const long = await client.get('/api/whatsapp/usage?from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z');
    assert.equal(long.statusCode, 400);
    assert.equal(code(long), 'range_too_long');
    const empty = json<Usage>(await client.get('/api/whatsapp/usage'));
    assert.equal(empty.totals.outbound, 0);
    assert.deepEqual(empty.numbers, []);
  });
});
