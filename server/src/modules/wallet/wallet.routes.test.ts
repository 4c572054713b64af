import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { json, signedInClient, testPlatform, type TestPlatform } from '../../test/harness.js';

describe('wallet over HTTP', () => {
  let t: TestPlatform;
  before(async () => {
    t = await testPlatform();
  });
  after(() => t.close());

  test('admin adjustments need a reason, move the balance, show in the passbook and the activity log', async () => {
    const { client: admin } = await signedInClient(t, 'admin');
    const { client: customer, person } = await signedInClient(t, 'customer');

    assert.deepEqual(json(await customer.get('/api/wallet')), {
      available: 0,
      held: 0,
      posted: 0,
      currency: 'INR',
      limits: { topupMinPaise: 1_000, topupMaxPaise: 5_000_000, kycLimitPaise: 1_000_000 },
    });
    const never = json<{ items: { userId: string; available: number }[]; total: number }>(await admin.get('/api/admin/wallets?q=' + encodeURIComponent(person.email)));
    assert.deepEqual(never.items.map((i) => [i.userId, i.available]), [[person.id, 0]], 'listed before the wallet is ever used');

    const noReason = await admin.post(`/api/admin/wallets/${person.id}/adjustments`, { amount: 5_000, reason: 'ok' });
    assert.equal(noReason.statusCode, 400);
    const overdraw = await admin.post(`/api/admin/wallets/${person.id}/adjustments`, { amount: -1, reason: 'Correction of a wrong entry' });
    assert.equal(overdraw.statusCode, 409);
    assert.equal(json<{ error: { code: string } }>(overdraw).error.code, 'insufficient_funds');

    const credit = await admin.post(`/api/admin/wallets/${person.id}/adjustments`, { amount: 25_000, reason: 'Cash deposited at the counter', idempotencyKey: 'counter-0001' });
    assert.equal(credit.statusCode, 201, credit.body);
    const replay = await admin.post(`/api/admin/wallets/${person.id}/adjustments`, { amount: 25_000, reason: 'Cash deposited at the counter', idempotencyKey: 'counter-0001' });
    assert.equal(json<{ replayed: boolean }>(replay).replayed, true);
    const reused = await admin.post(`/api/admin/wallets/${person.id}/adjustments`, { amount: 52_000, reason: 'Cash deposited at the counter', idempotencyKey: 'counter-0001' });
    assert.equal(reused.statusCode, 409);
    assert.equal(json<{ error: { code: string } }>(reused).error.code, 'idempotency_key_reused');
    const debit = await admin.post(`/api/admin/wallets/${person.id}/adjustments`, { amount: -5_000, reason: 'Reversal of duplicate deposit' });
    assert.equal(debit.statusCode, 201);

    assert.deepEqual(json<{ available: number }>(await customer.get('/api/wallet')).available, 20_000);
    const one = json<{ user: { id: string }; balances: { available: number } }>(await admin.get(`/api/admin/wallets/${person.id}`));
    assert.deepEqual([one.user.id, one.balances.available], [person.id, 20_000]);
    const adminCsv = await admin.get(`/api/admin/wallets/${person.id}/passbook.csv`);
    assert.equal(adminCsv.statusCode, 200);
    assert.equal(adminCsv.body.trim().split('\r\n').length, 3);

    const passbook = json<{ items: { amount: number; balanceAfter: number; kind: string; description: string }[]; nextBefore: number | null }>(await customer.get('/api/wallet/passbook?limit=1'));
    assert.equal(passbook.items.length, 1);
    assert.deepEqual([passbook.items[0]!.amount, passbook.items[0]!.balanceAfter, passbook.items[0]!.kind], [-5_000, 20_000, 'adjustment_debit']);
    assert.ok(passbook.nextBefore);
    const older = json<{ items: { amount: number; balanceAfter: number }[] }>(await customer.get(`/api/wallet/passbook?limit=10&before=${passbook.nextBefore}`));
    assert.deepEqual(older.items.map((i) => [i.amount, i.balanceAfter]), [[25_000, 25_000]]);
    const onlyCredits = json<{ items: unknown[] }>(await customer.get('/api/wallet/passbook?kind=adjustment_credit'));
    assert.equal(onlyCredits.items.length, 1);
    const [firstAt] = (await t.db.query<{ at: Date }>(
      `SELECT min(e.created_at) AS at FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id WHERE a.owner_user_id = $1 AND a.kind = 'customer_wallet'`,
      [person.id],
    )).map((r) => new Date(r.at));
    const between = async (from: Date | null, to: Date | null) => {
      const q = new URLSearchParams({ ...(from ? { from: from.toISOString() } : {}), ...(to ? { to: to.toISOString() } : {}) });
      const res = await customer.get(`/api/wallet/passbook?${q.toString()}`);
      assert.equal(res.statusCode, 200, res.body);
      return json<{ items: { amount: number }[] }>(res).items.map((i) => i.amount);
    };
    const day = 24 * 3600 * 1000;
    assert.deepEqual(await between(new Date(firstAt!.getTime() - day), new Date(firstAt!.getTime() + day)), [-5_000, 25_000]);
    assert.deepEqual(await between(new Date(firstAt!.getTime() + day), null), [], 'from after every movement');
    assert.deepEqual(await between(null, firstAt!), [], 'to is exclusive');
    assert.deepEqual(await between(firstAt!, null), [-5_000, 25_000], 'from is inclusive');
    assert.equal((await customer.get('/api/wallet/passbook?from=yesterday')).statusCode, 400);
    const filteredCsv = await customer.get(`/api/wallet/passbook.csv?kind=adjustment_credit&from=${encodeURIComponent(new Date(firstAt!.getTime() - day).toISOString())}`);
    assert.equal(filteredCsv.body.trim().split('\r\n').length, 2, 'the CSV takes the same filters');

    const csv = await customer.get('/api/wallet/passbook.csv');
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    assert.equal(lines[0], 'date,kind,description,amount_inr,balance_inr,transfer_id');
    assert.match(lines[1]!, /adjustment_debit,Reversal of duplicate deposit,'?-50\.00,200\.00,/);

    const log = await t.db.query<{ action: string; details: { amount: number } }>(
      "SELECT action, details FROM activity_log WHERE subject_user_id = $1 AND action = 'wallet.adjusted' ORDER BY id",
      [person.id],
    );
    assert.deepEqual(log.map((r) => r.details.amount), [25_000, -5_000]);

    const list = json<{ items: { userId: string; available: number }[]; total: number; totals: { available: number } }>(await admin.get('/api/admin/wallets?q=' + encodeURIComponent(person.email)));
    assert.deepEqual(list.items.map((i) => [i.userId, i.available]), [[person.id, 20_000]]);
    assert.equal(list.total, 1);
    assert.ok(list.totals.available >= 20_000);
  });

  test('a customer cannot read or adjust wallets through the admin routes; unknown users answer 404', async () => {
    const { client: customer, person } = await signedInClient(t, 'customer');
    assert.equal((await customer.get(`/api/admin/wallets/${person.id}/passbook`)).statusCode, 403);
    assert.equal((await customer.post(`/api/admin/wallets/${person.id}/adjustments`, { amount: 100, reason: 'trying my luck' })).statusCode, 403);
    const { client: admin } = await signedInClient(t, 'admin');
    assert.equal((await admin.get('/api/admin/wallets/00000000-0000-4000-8000-000000000000/passbook')).statusCode, 404);
    assert.equal((await admin.post('/api/admin/wallets/00000000-0000-4000-8000-000000000000/adjustments', { amount: 100, reason: 'nobody home' })).statusCode, 404);
  });
});
