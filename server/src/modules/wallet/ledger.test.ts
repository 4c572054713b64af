import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { registerUser, testPlatform, type TestPlatform } from '../../test/harness.js';
import { createWalletService, type WalletService } from './wallet.service.js';
import { customerAccounts, findDrift, postTransfer, systemAccountId } from './ledger.js';
import { closeHold, placeHold } from './holds.js';

const SYSTEM = { type: 'system' } as const;

describe('ledger and holds', () => {
  let t: TestPlatform;
  let wallet: WalletService;
  before(async () => {
    t = await testPlatform();
    wallet = createWalletService({ db: t.db });
  });
  after(() => t.close());

  async function fundedCustomer(paise: number) {
    const u = await registerUser(t.app, 'ledger');
    await t.db.tx((tx) => wallet.creditTopup(tx, { userId: u.id, paymentId: `pay_${u.id}`, amount: paise, gateway: 'test' }));
    return u;
  }

  test('the database refuses unbalanced, edited and deleted ledger rows', async () => {
    const u = await fundedCustomer(10_000);
    const accounts = await customerAccounts(t.db, u.id);
    await assert.rejects(
      t.db.tx(async (tx) => {
        const [tr] = await tx.query<{ id: string }>("INSERT INTO ledger_transfers (kind, description, actor_type) VALUES ('x', 'x', 'system') RETURNING id");
        await tx.query('INSERT INTO ledger_entries (transfer_id, account_id, amount, balance_after) VALUES ($1, $2, 5, 0)', [tr!.id, accounts.wallet]);
      }),
      /does not balance/,
    );
    await assert.rejects(t.db.query('UPDATE ledger_entries SET amount = amount + 1'), /append-only/);
    await assert.rejects(t.db.query('DELETE FROM ledger_transfers'), /append-only/);
    await assert.rejects(t.db.query('UPDATE ledger_accounts SET balance = -1 WHERE id = $1', [accounts.wallet]), /no_overdraft/);
    assert.equal((await wallet.balances(u.id)).available, 10_000);
  });

  test('an idempotency key applies once; reusing it for another amount is refused', async () => {
    const u = await fundedCustomer(5_000);
    const first = await t.db.tx((tx) => wallet.debit(tx, { userId: u.id, amount: 1_000, description: 'x', key: `k-${u.id}`, actor: SYSTEM }));
    const replay = await t.db.tx((tx) => wallet.debit(tx, { userId: u.id, amount: 1_000, description: 'x', key: `k-${u.id}`, actor: SYSTEM }));
    assert.equal(replay.replayed, true);
    assert.equal(replay.transfer.id, first.transfer.id);
    await assert.rejects(
      t.db.tx((tx) => wallet.debit(tx, { userId: u.id, amount: 2_000, description: 'x', key: `k-${u.id}`, actor: SYSTEM })),
      (e: Error & { code?: string }) => e.code === 'idempotency_key_reused',
    );
    assert.equal((await wallet.balances(u.id)).available, 4_000);
  });

  test('holds reserve, settle part and release the rest; available = posted − held', async () => {
    const u = await fundedCustomer(10_000);
    const hold = await t.db.tx((tx) => placeHold(tx, { userId: u.id, amount: 3_000, purpose: 'test', ttlSeconds: 600, actor: SYSTEM }));
    assert.deepEqual(await wallet.balances(u.id), { available: 7_000, held: 3_000, posted: 10_000 });
    await assert.rejects(t.db.tx((tx) => placeHold(tx, { userId: u.id, amount: 7_001, purpose: 'too much', ttlSeconds: 600, actor: SYSTEM })), (e: Error & { code?: string }) => e.code === 'insufficient_funds');
    const closed = await t.db.tx((tx) => closeHold(tx, hold.id, 1_200, SYSTEM));
    assert.equal(closed.status, 'partially_settled');
    assert.deepEqual(await wallet.balances(u.id), { available: 8_800, held: 0, posted: 8_800 });
    // Same close again is a no-op; a different close is refused.
    await t.db.tx((tx) => closeHold(tx, hold.id, 1_200, SYSTEM));
    await assert.rejects(t.db.tx((tx) => closeHold(tx, hold.id, 0, SYSTEM)), (e: Error & { code?: string }) => e.code === 'hold_closed');
    assert.equal((await wallet.balances(u.id)).available, 8_800);
  });

  test('expired holds are released by the expiry job', async () => {
    const u = await fundedCustomer(2_000);
    const hold = await t.db.tx((tx) => placeHold(tx, { userId: u.id, amount: 1_500, purpose: 'expiring', ttlSeconds: 1, actor: SYSTEM }));
    await t.db.query("UPDATE ledger_holds SET expires_at = now() - interval '1 minute' WHERE id = $1", [hold.id]);
    assert.ok((await wallet.expireHolds()) >= 1);
    assert.deepEqual(await wallet.balances(u.id), { available: 2_000, held: 0, posted: 2_000 });
  });

  test('hundreds of concurrent debits, holds and refunds never overdraw or lose a paisa', async () => {
    const start = 50_000;
    const u = await fundedCustomer(start);
    const ops: Promise<string>[] = [];
    for (let i = 0; i < 300; i++) {
      const kind = i % 3;
      ops.push(
        t.db
          .tx(async (tx) => {
            if (kind === 0) await wallet.debit(tx, { userId: u.id, amount: 700, description: 'c', key: `c-${u.id}-${i}`, actor: SYSTEM });
            else if (kind === 1) {
              const h = await placeHold(tx, { userId: u.id, amount: 900, purpose: 'c', ttlSeconds: 600, actor: SYSTEM });
              await closeHold(tx, h.id, 400, SYSTEM);
            } else await wallet.refund(tx, { userId: u.id, amount: 100, reason: 'r', key: `r-${u.id}-${i}`, actor: SYSTEM });
            return 'ok';
          })
          .catch((e: Error & { code?: string }) => {
            if (e.code === 'insufficient_funds') return 'refused';
            throw e;
          }),
      );
    }
    const results = await Promise.all(ops);
    const b = await wallet.balances(u.id);
    assert.ok(b.available >= 0);
    const accounts = await customerAccounts(t.db, u.id);
    const [sum] = await t.db.query<{ s: number }>('SELECT COALESCE(sum(amount), 0)::bigint AS s FROM ledger_entries WHERE account_id = $1', [accounts.wallet]);
    assert.equal(sum!.s, b.available, 'balance = sum of entries');
    const debits = results.filter((r, i) => r === 'ok' && i % 3 === 0).length;
    const holds = results.filter((r, i) => r === 'ok' && i % 3 === 1).length;
    const refunds = results.filter((r, i) => r === 'ok' && i % 3 === 2).length;
    assert.equal(b.available, start - debits * 700 - holds * 400 + refunds * 100, 'every accepted operation counted exactly once');
    assert.ok(results.includes('refused'), 'the wallet ran dry, so some were refused');
    assert.deepEqual(await findDrift(t.db), []);
    const [total] = await t.db.query<{ s: number }>('SELECT COALESCE(sum(amount), 0)::bigint AS s FROM ledger_entries');
    assert.equal(total!.s, 0, 'the whole ledger balances');
  });

  test('a transfer touching a system account needs no funds there; a customer one does', async () => {
    const u = await registerUser(t.app, 'empty');
    const accounts = await customerAccounts(t.db, u.id);
    await assert.rejects(
      t.db.tx(async (tx) =>
        postTransfer(tx, { kind: 'debit', description: 'x', actor: SYSTEM, postings: [{ accountId: accounts.wallet, amount: -1 }, { accountId: await systemAccountId(tx, 'revenue'), amount: 1 }] }),
      ),
      (e: Error & { code?: string }) => e.code === 'insufficient_funds',
    );
  });
});
