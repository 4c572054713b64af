// npm run bench: throughput of the money paths, each as a ratio to a bare baseline measured in the
// same run on the same database. Runs on PGlite, and on PostgreSQL too when DATABASE_URL is set.
// Numbers on a shared 2-core machine are noisy; the ratios are what to compare between runs.
import { cloneTestDb } from '../server/src/test/test-db.js';
import type { Db } from '../server/src/db/index.js';
import { createWalletService } from '../server/src/modules/wallet/wallet.service.js';
import { CreditLeases } from '../server/src/modules/wallet/credit-leases.js';
import { spawnSync } from 'node:child_process';
import { benchWebhookDelivery } from './webhook-delivery.js'; // customer webhooks
import { benchWhatsAppSend } from './whatsapp-send.js'; // whatsapp sends
import { benchWhatsAppWebhooks } from './whatsapp-webhooks.js'; // whatsapp status webhooks

const SYSTEM = { type: 'system' } as const;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
/** The HTTP benches measure in interleaved rounds (bench-kit.ts measureRounds). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
/** Requests in flight for the sends' second pass, where the CPU binds (bench/whatsapp-send.ts). */
const SATURATION = Number(process.env.BENCH_SATURATION ?? 64);

/** Runs `op` from `CONCURRENCY` loops for SECONDS and returns operations per second. */
async function rate(op: (i: number) => Promise<unknown>): Promise<number> {
  let done = 0;
  let next = 0;
  const until = Date.now() + SECONDS * 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < until) {
        await op(next++);
        done++;
      }
    }),
  );
  return done / ((Date.now() - started) / 1000);
}

async function users(db: Db, n: number): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO users (name, email, mobile, password_hash)
     SELECT 'bench ' || g, 'bench' || g || '@example.com', '+919' || lpad(g::text, 9, '0'), 'x'
     FROM generate_series(1, $1) g RETURNING id`,
    [n],
  );
  return rows.map((r) => r.id);
}

async function benchWallet(kind: string): Promise<void> {
  const { db, drop } = await cloneTestDb();
  try {
    const wallet = createWalletService({ db });
    await db.query('CREATE TABLE bench_baseline (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v bigint NOT NULL)');
    const ids = await users(db, 200);
    for (const id of ids) await db.tx((tx) => wallet.creditTopup(tx, { userId: id, paymentId: `bench-${id}`, amount: 1e12, gateway: 'bench' }));
    const hot = ids[0]!;

    const baseline = await rate((i) => db.query('INSERT INTO bench_baseline (v) VALUES ($1)', [i]));
    const direct = (userOf: (i: number) => string) => (i: number) =>
      db.tx((tx) => wallet.debit(tx, { userId: userOf(i), amount: 86, description: 'bench', key: `b-${kind}-${i}-${Math.random()}`, actor: SYSTEM }));
    const leases = new CreditLeases(db, { blockPaise: 100_000, ttlSeconds: 300, marginSeconds: 60 });
    const leased = (userOf: (i: number) => string) => (i: number) => leases.charge(userOf(i), 86, `m-${i}`, async () => undefined);

    const results: [string, number][] = [
      ['bare single-row INSERT (baseline)', baseline],
      ['debit, one hot wallet (row lock per debit)', await rate(direct(() => hot))],
      ['debit, 200 wallets (row lock per debit)', await rate(direct((i) => ids[i % ids.length]!))],
      ['debit via credit lease, one hot wallet', await rate(leased(() => hot))],
      ['debit via credit lease, 200 wallets', await rate(leased((i) => ids[i % ids.length]!))],
    ];
    await leases.closeAll();
    console.log(`\nWallet debits on ${kind} (${CONCURRENCY} concurrent, ${SECONDS}s each)`);
    for (const [name, r] of results) console.log(`  ${name.padEnd(46)} ${r.toFixed(0).padStart(7)} /s   ratio ${(r / baseline).toFixed(2)}`);
    const hotLease = results[3]![1];
    const manyLease = results[4]![1];
    console.log(`  one hot wallet ÷ 200 wallets (leases): ${(hotLease / manyLease).toFixed(2)}`);
  } finally {
    await drop();
  }
}

/** `npm run bench -- wallet whatsapp-send`: only the parts named (all of them when none is). */
const PARTS: Record<string, (kind: string) => Promise<void>> = {
  wallet: benchWallet,
  'webhook-delivery': benchWebhookDelivery,
  'whatsapp-send': (kind) => benchWhatsAppSend(kind, { seconds: SECONDS, concurrency: CONCURRENCY, saturation: SATURATION, rounds: ROUNDS }),
  'whatsapp-webhooks': (kind) => benchWhatsAppWebhooks(kind, { seconds: SECONDS, concurrency: CONCURRENCY }),
};
const selected = process.argv.slice(2);
const unknown = selected.filter((name) => !(name in PARTS));
if (unknown.length) {
  console.error(`Unknown bench part ${unknown.join(', ')}; the parts are ${Object.keys(PARTS).join(', ')}.`);
  process.exit(2);
}

const kind = process.env.TEST_DB === 'postgres' ? 'PostgreSQL' : 'PGlite';
if (!process.env.BENCH_CHILD) {
  // Each database in its own process, with its template prepared first.
  const runs = [{ TEST_DB: 'pglite' }, ...(process.env.DATABASE_URL ? [{ TEST_DB: 'postgres' }] : [])];
  for (const env of runs) {
    const prep = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/prepare-test-db.ts', env.TEST_DB], { stdio: 'inherit', env: { ...process.env, ...env } });
    if (prep.status !== 0) process.exit(prep.status ?? 1);
    const res = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...selected], { stdio: 'inherit', env: { ...process.env, ...env, BENCH_CHILD: '1' } });
    if (res.status !== 0) process.exit(res.status ?? 1);
  }
} else {
  for (const [name, part] of Object.entries(PARTS)) if (!selected.length || selected.includes(name)) await part(kind);
}
