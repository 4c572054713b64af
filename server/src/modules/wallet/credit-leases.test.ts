import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { registerUser, testPlatform, type TestPlatform } from '../../test/harness.js';
import { createWalletService, type WalletService } from './wallet.service.js';
import { CreditLeases, settleLease } from './credit-leases.js';
import { findDrift } from './ledger.js';

describe('credit leases for hot wallets', () => {
  let t: TestPlatform;
  let wallet: WalletService;
  before(async () => {
    t = await testPlatform();
    wallet = createWalletService({ db: t.db });
  });
  after(() => t.close());

  async function funded(paise: number) {
    const u = await registerUser(t.app, 'lease');
    await t.db.tx((tx) => wallet.creditTopup(tx, { userId: u.id, paymentId: `pay_${u.id}`, amount: paise, gateway: 'test' }));
    return u;
  }

  async function expireAllLeases() {
    await t.db.query("UPDATE ledger_holds SET expires_at = now() - interval '1 second' WHERE status = 'open'");
    await wallet.expireHolds();
  }

  test('two processes charging one wallet concurrently never overdraw it, and every charge is billed once', async () => {
    const start = 20_000;
    const price = 86;
    const u = await funded(start);
    const processes = [
      new CreditLeases(t.db, { blockPaise: 2_000, ttlSeconds: 300, marginSeconds: 60 }),
      new CreditLeases(t.db, { blockPaise: 2_000, ttlSeconds: 300, marginSeconds: 60 }),
    ];
    const attempts = 400; // 400 × 86 = 34,400 > 20,000: the wallet must run dry
    const results = await Promise.all(
      Array.from({ length: attempts }, (_, i) =>
        processes[i % 2]!
          .charge(u.id, price, `msg-${i}`, async () => 'ok')
          .catch((e: Error & { code?: string }) => {
            if (e.code === 'insufficient_funds') return 'refused';
            throw e;
          }),
      ),
    );
    const ok = results.filter((r) => r === 'ok').length;
    assert.ok(results.includes('refused'));
    const during = await wallet.balances(u.id);
    assert.ok(during.available >= 0 && during.held >= 0);
    assert.equal(during.posted, start, 'nothing settled yet: everything is still held or available');

    await expireAllLeases();
    const afterSettle = await wallet.balances(u.id);
    assert.equal(afterSettle.held, 0);
    assert.equal(afterSettle.available, start - ok * price, 'charged exactly for the accepted charges');
    assert.ok(ok * price > start - 2 * 2_000 - price, 'leases did not strand much credit: most of the wallet was spendable');
    assert.deepEqual(await findDrift(t.db), []);
  });

  test('a charge in a rolled-back transaction is not billed, and a credit gives part of a charge back', async () => {
    const u = await funded(5_000);
    const leases = new CreditLeases(t.db, { blockPaise: 1_000, ttlSeconds: 300, marginSeconds: 60 });
    await assert.rejects(
      leases.charge(u.id, 300, 'rolled-back', async () => {
        throw new Error('send failed');
      }),
      /send failed/,
    );
    const holdId = await leases.charge(u.id, 300, 'kept', async (tx) => {
      const [row] = await tx.query<{ hold_id: string }>("SELECT hold_id FROM ledger_lease_usage WHERE reference = 'kept'");
      return row!.hold_id;
    });
    await leases.credit(t.db, holdId, 100, 'kept-partly-free');
    await leases.closeAll();
    assert.deepEqual(await wallet.balances(u.id), { available: 4_800, held: 0, posted: 4_800 });
  });

  test('a lease left by a crashed process is settled by the expiry job', async () => {
    const u = await funded(3_000);
    const crashed = new CreditLeases(t.db, { blockPaise: 1_000, ttlSeconds: 300, marginSeconds: 60 });
    for (let i = 0; i < 5; i++) await crashed.charge(u.id, 100, `c-${i}`, async () => undefined);
    assert.deepEqual(await wallet.balances(u.id), { available: 2_000, held: 1_000, posted: 3_000 });
    await expireAllLeases(); // the process never comes back
    assert.deepEqual(await wallet.balances(u.id), { available: 2_500, held: 0, posted: 2_500 });
  });

  test('a lease settled by the expiry job and by its process shutting down is settled once, without an error', async () => {
    const u = await funded(3_000);
    const slow = new CreditLeases(t.db, { blockPaise: 1_000, ttlSeconds: 300, marginSeconds: 60 });
    const holdId = await slow.charge(u.id, 400, 'late-shutdown', async (tx) => {
      const [row] = await tx.query<{ hold_id: string }>("SELECT hold_id FROM ledger_lease_usage WHERE reference = 'late-shutdown'");
      return row!.hold_id;
    });
    await expireAllLeases(); // the job came first
    await slow.closeAll(); // then the process stops: it settles the same hold, which is no longer open
    assert.equal(await settleLease(t.db, holdId), false);
    assert.deepEqual(await wallet.balances(u.id), { available: 2_600, held: 0, posted: 2_600 });
    assert.deepEqual(await findDrift(t.db), []);
  });
});
