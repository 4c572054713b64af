import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { json, registerUser, signedInClient, testPlatform, type TestPlatform } from '../../test/harness.js';
import { createWalletService, type WalletService } from './wallet.service.js';
import { customerAccounts, findDrift, postTransfer, systemAccountId } from './ledger.js';
import { closeHold, placeHold, releaseHold, type HoldRow } from './holds.js';
import { LEASE_PURPOSE } from './credit-leases.js';

const SYSTEM = { type: 'system' } as const;

describe('ledger and holds', () => {
  let t: TestPlatform;
  let wallet: WalletService;
  before(async () => {
    t = await testPlatform({ captureLogs: true });
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
    await assert.rejects(
      t.db.tx(async (tx) => {
        const [tr] = await tx.query<{ id: string }>("INSERT INTO ledger_transfers (kind, description, actor_type) VALUES ('x', 'x', 'system') RETURNING id");
        await tx.query('INSERT INTO ledger_entries (transfer_id, account_id, amount, balance_after) VALUES ($1, $2, 5, 0)', [tr!.id, accounts.wallet]);
        await tx.query('INSERT INTO ledger_entries (transfer_id, account_id, amount, balance_after) VALUES ($1, $2, -4, 0)', [tr!.id, await systemAccountId(tx, 'revenue')]);
      }),
      /does not balance/,
      'two entries that do not cancel out',
    );
    await assert.rejects(t.db.query('UPDATE ledger_entries SET amount = amount + 1'), /append-only/);
    await assert.rejects(t.db.query('DELETE FROM ledger_entries'), /append-only/);
    await assert.rejects(t.db.query('TRUNCATE ledger_entries'), /append-only/);
    await assert.rejects(t.db.query("UPDATE ledger_transfers SET description = 'rewritten'"), /append-only/);
    await assert.rejects(t.db.query('DELETE FROM ledger_transfers'), /append-only/);
    await assert.rejects(t.db.query('UPDATE ledger_accounts SET balance = -1 WHERE id = $1', [accounts.wallet]), /no_overdraft/);
    // A customer account that could go below zero cannot even be created.
    const other = await registerUser(t.app, 'negative');
    await assert.rejects(
      t.db.query("INSERT INTO ledger_accounts (kind, owner_user_id, allow_negative, balance) VALUES ('customer_wallet', $1, true, NULL)", [other.id]),
      /ledger_accounts_customer_never_negative/,
    );
    await assert.rejects(t.db.query('UPDATE ledger_accounts SET allow_negative = true, balance = NULL WHERE id = $1', [accounts.wallet]), /ledger_accounts_customer_never_negative/);
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

    // Settled in full, and released in full.
    const all = await t.db.tx((tx) => placeHold(tx, { userId: u.id, amount: 2_000, purpose: 'all', ttlSeconds: 600, actor: SYSTEM }));
    const none = await t.db.tx((tx) => placeHold(tx, { userId: u.id, amount: 5_000, purpose: 'none', ttlSeconds: 600, actor: SYSTEM }));
    assert.deepEqual(await wallet.balances(u.id), { available: 1_800, held: 7_000, posted: 8_800 });
    assert.equal((await t.db.tx((tx) => closeHold(tx, all.id, 2_000, SYSTEM))).status, 'settled');
    assert.equal((await t.db.tx((tx) => releaseHold(tx, none.id, SYSTEM))).status, 'released');
    assert.deepEqual(await wallet.balances(u.id), { available: 6_800, held: 0, posted: 6_800 });
    await assert.rejects(t.db.tx((tx) => closeHold(tx, all.id, 2_001, SYSTEM)), (e: Error & { code?: string }) => e.code === 'invalid_amount');
  });

  test('expired holds are released by the expiry job', async () => {
    const u = await fundedCustomer(2_000);
    const hold = await t.db.tx((tx) => placeHold(tx, { userId: u.id, amount: 1_500, purpose: 'expiring', ttlSeconds: 1, actor: SYSTEM }));
    await t.db.query("UPDATE ledger_holds SET expires_at = now() - interval '1 minute' WHERE id = $1", [hold.id]);
    assert.ok((await wallet.expireHolds()) >= 1);
    assert.deepEqual(await wallet.balances(u.id), { available: 2_000, held: 0, posted: 2_000 });
  });

  test('hundreds of concurrent debits, holds and refunds, each sent twice, never overdraw the wallet or lose a paisa', async () => {
    const start = 60_000;
    const u = await fundedCustomer(start);
    const accounts = await customerAccounts(t.db, u.id);
    const refused = (e: Error & { code?: string }) => {
      if (e.code === 'insufficient_funds') return null;
      throw e;
    };

    // Phase 1: 300 operations at once, each sent twice under its idempotency key (a client that
    // retried): debits of ₹7, refunds of ₹1, and holds of ₹9 left open. The wallet runs dry.
    const calls: Promise<{ i: number; id: string } | null>[] = [];
    for (let i = 0; i < 300; i++) {
      const once = () =>
        t.db
          .tx(async (tx) => {
            if (i % 3 === 0) return (await wallet.debit(tx, { userId: u.id, amount: 700, description: 'c', key: `c-${u.id}-${i}`, actor: SYSTEM })).transfer.id;
            if (i % 3 === 1) return (await placeHold(tx, { userId: u.id, amount: 900, purpose: 'c', ttlSeconds: 600, idempotencyKey: `c-${u.id}-${i}`, actor: SYSTEM })).id;
            return (await wallet.refund(tx, { userId: u.id, amount: 100, reason: 'r', key: `r-${u.id}-${i}`, actor: SYSTEM })).transfer.id;
          })
          .then((id) => ({ i, id }), refused);
      calls.push(once(), once());
    }
    const results = await Promise.all(calls);
    assert.ok(results.includes(null), 'the wallet ran dry, so some were refused');
    const posted = new Map<number, string>();
    for (const r of results) {
      if (!r) continue;
      assert.ok(!posted.has(r.i) || posted.get(r.i) === r.id, `operation ${r.i}: the replay returned another transfer`);
      posted.set(r.i, r.id);
    }
    const count = (k: number) => [...posted.keys()].filter((i) => i % 3 === k).length;
    const [debits, holds, refunds] = [count(0), count(1), count(2)];
    const [stored] = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM ledger_transfers WHERE idempotency_key LIKE $1 OR idempotency_key LIKE $2 OR idempotency_key LIKE $3',
      [`debit:c-${u.id}-%`, `hold:c-${u.id}-%`, `refund:r-${u.id}-%`],
    );
    assert.equal(stored!.n, posted.size, 'one transfer per key, however often it was sent');
    const afterPhase1 = start - debits * 700 - holds * 900 + refunds * 100;
    assert.deepEqual(await wallet.balances(u.id), { available: afterPhase1, held: holds * 900, posted: afterPhase1 + holds * 900 });

    // Phase 2: every hold is past its expiry. The expiry job runs while the holds' owners settle all,
    // part or none of them and 100 more debits arrive.
    await t.db.query("UPDATE ledger_holds SET expires_at = now() - interval '1 minute' WHERE user_id = $1 AND status = 'open'", [u.id]);
    const holdIds = [...posted].filter(([i]) => i % 3 === 1).map(([, id]) => id);
    const closes = holdIds.map((id, n) =>
      t.db
        .tx((tx) => closeHold(tx, id, [900, 400, 0][n % 3]!, SYSTEM))
        .then(
          (h: HoldRow) => h.settled,
          (e: Error & { code?: string }) => {
            if (e.code === 'hold_closed') return 0; // the expiry job released it first
            throw e;
          },
        ),
    );
    const moreDebits = Array.from({ length: 100 }, (_, n) =>
      t.db.tx((tx) => wallet.debit(tx, { userId: u.id, amount: 700, description: 'c2', key: `c2-${u.id}-${n}`, actor: SYSTEM })).then(() => 1, refused),
    );
    const [, settled, more] = await Promise.all([wallet.expireHolds(), Promise.all(closes), Promise.all(moreDebits)]);
    const settledTotal = settled.reduce((a, b) => a + b, 0);
    const [h] = await t.db.query<{ open: number; settled: number }>(
      "SELECT count(*) FILTER (WHERE status = 'open')::int AS open, COALESCE(sum(settled), 0)::bigint AS settled FROM ledger_holds WHERE user_id = $1",
      [u.id],
    );
    assert.deepEqual([h!.open, h!.settled], [0, settledTotal], 'every hold closed once, settled as its owner was told');
    const final = afterPhase1 + holds * 900 - settledTotal - more.filter((x) => x === 1).length * 700;
    assert.deepEqual(await wallet.balances(u.id), { available: final, held: 0, posted: final }, 'every accepted operation counted exactly once');

    for (const [account, balance] of [[accounts.wallet, final], [accounts.holds, 0]] as const) {
      const [e] = await t.db.query<{ s: number; low: number }>('SELECT sum(amount)::bigint AS s, min(balance_after)::bigint AS low FROM ledger_entries WHERE account_id = $1', [account]);
      assert.equal(e!.s, balance, 'balance = sum of entries');
      assert.ok(e!.low >= 0, 'never below zero, not even for a moment');
    }
    assert.deepEqual(await findDrift(t.db), []);
    const [total] = await t.db.query<{ s: number }>('SELECT COALESCE(sum(amount), 0)::bigint AS s FROM ledger_entries');
    assert.equal(total!.s, 0, 'the whole ledger balances');
  });

  test('the scheduled reconciliation job reports drift between a cached balance and its entries', async () => {
    const u = await fundedCustomer(3_000);
    const accounts = await customerAccounts(t.db, u.id);
    const runJob = async () => {
      await t.platform.jobs.enqueue(t.db, 'wallet.reconcile', {});
      assert.equal(await t.platform.jobs.runPending('wallet.reconcile'), 1);
      const [report] = await t.db.query<{ checked: number; problems: number; details: { accountId: string; balance: number; entriesSum: number }[] }>(
        "SELECT checked, problems, details FROM ledger_reconciliations WHERE kind = 'balances' ORDER BY ran_at DESC, id LIMIT 1",
      );
      return report!;
    };
    const [accountCount] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_accounts');
    const clean = await runJob();
    assert.deepEqual([clean.checked, clean.problems, clean.details], [accountCount!.n, 0, []]);
    assert.doesNotMatch(t.logs(), /ledger drift/);

    // Nothing in the application writes a balance without an entry; a hand edit of the row does.
    await t.db.query('UPDATE ledger_accounts SET balance = balance + 7 WHERE id = $1', [accounts.wallet]);
    try {
      const drifted = await runJob();
      assert.equal(drifted.problems, 1);
      assert.deepEqual(drifted.details.map((d) => [d.accountId, d.balance, d.entriesSum]), [[accounts.wallet, 3_007, 3_000]]);
      assert.match(t.logs(), /ledger drift/);
      const { client: admin } = await signedInClient(t, 'admin');
      const reports = json<{ items: { kind: string; problems: number }[] }>(await admin.get('/api/admin/reconciliations?kind=balances'));
      assert.deepEqual(reports.items.slice(0, 2).map((r) => r.problems), [1, 0], 'admins see the report, newest first');
    } finally {
      await t.db.query('UPDATE ledger_accounts SET balance = balance - 7 WHERE id = $1', [accounts.wallet]);
    }
  });

  test('an expired hold that cannot be closed does not keep the other expired holds open', async () => {
    const u = await fundedCustomer(5_000);
    // A lease whose recorded usage exceeds its hold cannot be settled.
    const stuck = await t.db.tx((tx) => placeHold(tx, { userId: u.id, amount: 1_000, purpose: LEASE_PURPOSE, ttlSeconds: 600, actor: SYSTEM }));
    await t.db.query('INSERT INTO ledger_lease_usage (hold_id, amount, reference) VALUES ($1, 1500, $2)', [stuck.id, 'too-much']);
    const fine = await t.db.tx((tx) => placeHold(tx, { userId: u.id, amount: 2_000, purpose: 'fine', ttlSeconds: 600, actor: SYSTEM }));
    await t.db.query("UPDATE ledger_holds SET expires_at = now() - interval '2 minutes' WHERE id = $1", [stuck.id]);
    await t.db.query("UPDATE ledger_holds SET expires_at = now() - interval '1 minute' WHERE id = $1", [fine.id]);

    await assert.rejects(wallet.expireHolds(), (e: Error) => e.message.includes(stuck.id) && !e.message.includes(fine.id));
    assert.deepEqual(await wallet.balances(u.id), { available: 4_000, held: 1_000, posted: 5_000 }, 'the other hold was released');

    await t.db.query('DELETE FROM ledger_lease_usage WHERE hold_id = $1', [stuck.id]);
    await t.db.query('INSERT INTO ledger_lease_usage (hold_id, amount, reference) VALUES ($1, 600, $2)', [stuck.id, 'corrected']);
    assert.equal(await wallet.expireHolds(), 1);
    assert.deepEqual(await wallet.balances(u.id), { available: 4_400, held: 0, posted: 4_400 });
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
