// Shared pieces of the HTTP benchmarks (bench/whatsapp-send.ts, bench/whatsapp-webhooks.ts): the
// measuring loop, helper processes that print their port, the bare Fastify POST + one INSERT
// baseline, and the printed row.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { Pool } from 'undici';
import type { Db } from '../server/src/db/index.js';

export interface Options {
  seconds: number;
  concurrency: number;
}

export interface Measured {
  rate: number;
  p50: number;
  p99: number;
  failures: number;
}

/** A log stream that drops everything: the benches log as the platform does, without the I/O. */
export const sink = () => new Writable({ write: (_chunk, _enc, done) => done() });

/**
 * Runs `op` from `concurrency` loops for `seconds` (or until `limit` operations have started);
 * counts successes and keeps every latency.
 */
export async function measure(opts: Options & { limit?: number }, op: (i: number) => Promise<boolean>): Promise<Measured> {
  const m = await measureWithLatencies(opts, op);
  return { rate: m.rate, ...percentiles(m.latencies), failures: m.failures };
}

/** p50 and p99 of a list of milliseconds. */
export function percentiles(values: number[]): { p50: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99) };
}

/** A script in another process that prints {"port": …} when ready (the simulator, or the Meta stub). */
export async function startProcess(script: string): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before it was ready`)));
    lines.once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
  });
  return { port, child };
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** POSTs JSON (an object, or the exact bytes) and tells whether the answer was 200. */
export async function post(pool: Pool, url: string, body: unknown, headers: Record<string, string> = {}): Promise<boolean> {
  const res = await pool.request({ method: 'POST', path: url, headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  await res.body.dump();
  return res.statusCode === 200;
}

/**
 * The baseline every HTTP bench is a ratio to: a bare Fastify POST that writes its body as one row,
 * logging the same way as the platform, on the same database. POST to `/bench`.
 */
export async function startBaseline(db: Db, concurrency: number): Promise<{ pool: Pool; close(): Promise<void> }> {
  await db.query('CREATE TABLE IF NOT EXISTS bench_post_baseline (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body jsonb NOT NULL)');
  const bare = Fastify({ logger: { level: 'info', stream: sink() } });
  bare.post('/bench', async (request) => {
    const [row] = await db.query<{ id: number }>('INSERT INTO bench_post_baseline (body) VALUES ($1) RETURNING id', [JSON.stringify(request.body)]);
    return { id: row!.id };
  });
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const pool = new Pool(`http://127.0.0.1:${(bare.server.address() as AddressInfo).port}`, { connections: concurrency });
  return {
    pool,
    async close() {
      await pool.close();
      await bare.close();
    },
  };
}

/** One printed line: rate, its ratio to the baseline's (when given), p50 / p99. */
export function row(name: string, m: Measured, baseline: number | null, unit = '/s'): string {
  return `  ${name.padEnd(50)} ${m.rate.toFixed(0).padStart(6)} ${unit}${baseline ? `   ratio ${(m.rate / baseline).toFixed(2)}` : '            '}   p50 ${m.p50.toFixed(1).padStart(6)} ms   p99 ${m.p99.toFixed(1).padStart(6)} ms${m.failures ? `   (${m.failures} failed)` : ''}`;
}

/** CPU seconds a process has used: this one, or another (a helper process) by pid, from /proc. */
export function cpuSeconds(pid?: number): number {
  if (pid === undefined) {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }
  try {
    const { utime, stime } = procStat(pid);
    return utime + stime;
  } catch {
    return NaN; // not Linux: the CPU column stays empty
  }
}

/** A process's command name and CPU seconds from /proc/<pid>/stat (its own, and its ended children's). Throws where there is no such file. */
function procStat(pid: number | string): { command: string; utime: number; stime: number; cutime: number; cstime: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // After the command name (in parentheses, and it may hold spaces): utime, stime, cutime and cstime
  // are the 12th to 15th fields, in clock ticks (100 a second).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = (i: number) => Number(fields[i]) / 100;
  return { command: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), utime: ticks(11), stime: ticks(12), cutime: ticks(13), cstime: ticks(14) };
}

/**
 * CPU seconds used by the local PostgreSQL server's processes (every process named `postgres`), or
 * 0 where there are none or /proc cannot be read: on PostgreSQL a statement's work is done there, not
 * in the process that sent it, and a comparison of CPU per operation must count it. A connection's
 * backend that has ended counts in its parent's children's time (the postmaster's cutime, cstime).
 */
export function postgresCpuSeconds(): number {
  let total = 0;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return 0;
  }
  for (const pid of pids) {
    try {
      const p = procStat(pid);
      if (p.command === 'postgres') total += p.utime + p.stime + p.cutime + p.cstime;
    } catch {
      // the process ended while the list was read
    }
  }
  return total;
}

export interface Scenario {
  name: string;
  op: (i: number) => Promise<boolean>;
  /** Helper processes whose CPU counts for this scenario besides this one's (the simulator, a stub). */
  pids?: number[];
}

export interface RoundsResult {
  /** Median over rounds of the rate, and of its ratio to the same round's baseline. */
  rate: number;
  ratio: number;
  /** Every latency of every round. */
  p50: number;
  p99: number;
  failures: number;
  /** CPU milliseconds per successful operation: this process, then each of `pids`. */
  cpuMs: number[];
  /** CPU milliseconds per successful operation of the processes every scenario shares (`sharedCpu`: the PostgreSQL server). */
  sharedCpuMs: number;
  /** All of it: what one operation costs the machine. */
  totalCpuMs: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * Measures the baseline and each scenario in turn, `rounds` times over, and compares each scenario
 * with the baseline of its own round: on a shared machine the load changes from one second to the
 * next, and measuring everything once, one after the other, compares different machines. CPU per
 * operation (this process and helper processes) is reported too: it is what the code costs, much
 * less affected by other load than throughput is.
 */
export async function measureRounds(
  opts: Options & { rounds: number; sharedCpu?: () => number },
  baseline: Scenario,
  scenarios: Scenario[],
): Promise<{ baseline: RoundsResult; results: RoundsResult[] }> {
  const all = [baseline, ...scenarios];
  const shared = opts.sharedCpu ?? (() => 0);
  const runs = all.map(() => ({ rates: [] as number[], ratios: [] as number[], latencies: [] as number[], failures: 0, cpu: [] as number[][], shared: 0, ops: 0 }));
  for (let round = 0; round < opts.rounds; round++) {
    let base = 0;
    for (const [i, s] of all.entries()) {
      const pids = s.pids ?? [];
      const before = [cpuSeconds(), ...pids.map((p) => cpuSeconds(p))];
      const sharedBefore = shared();
      const m = await measureWithLatencies(opts, s.op);
      const after = [cpuSeconds(), ...pids.map((p) => cpuSeconds(p))];
      const sharedAfter = shared();
      const r = runs[i]!;
      if (i === 0) base = m.rate;
      r.rates.push(m.rate);
      r.ratios.push(m.rate / base);
      r.latencies.push(...m.latencies);
      r.failures += m.failures;
      r.ops += m.ok;
      r.cpu.push(after.map((a, j) => a - before[j]!));
      r.shared += sharedAfter - sharedBefore;
    }
  }
  const summary = (i: number): RoundsResult => {
    const r = runs[i]!;
    const cpuTotals = r.cpu[0]!.map((_, j) => r.cpu.reduce((sum, c) => sum + c[j]!, 0));
    const perOp = (seconds: number) => (seconds * 1000) / Math.max(1, r.ops);
    const cpuMs = cpuTotals.map(perOp);
    const sharedCpuMs = perOp(r.shared);
    return { rate: median(r.rates), ratio: median(r.ratios), ...percentiles(r.latencies), failures: r.failures, cpuMs, sharedCpuMs, totalCpuMs: cpuMs.reduce((a, b) => a + b, 0) + sharedCpuMs };
  };
  return { baseline: summary(0), results: scenarios.map((_, i) => summary(i + 1)) };
}

async function measureWithLatencies(opts: Options & { limit?: number }, op: (i: number) => Promise<boolean>): Promise<{ rate: number; ok: number; failures: number; latencies: number[] }> {
  const latencies: number[] = [];
  let ok = 0;
  let failures = 0;
  let next = 0;
  const limit = opts.limit ?? Infinity;
  const started = performance.now();
  const until = started + opts.seconds * 1000;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (performance.now() < until && next < limit) {
        const t0 = performance.now();
        if (await op(next++)) ok++;
        else failures++;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { rate: ok / ((performance.now() - started) / 1000), ok, failures, latencies };
}

/** One printed line of a rounds result: median rate and ratio, p50 / p99, CPU ms per operation. */
export function roundsRow(name: string, r: RoundsResult, withRatio = true): string {
  const parts = [...r.cpuMs, ...(r.sharedCpuMs ? [r.sharedCpuMs] : [])];
  const cpu = parts.every((c) => Number.isNaN(c)) ? '' : `   CPU ${parts.map((c) => (Number.isNaN(c) ? '-' : c.toFixed(2))).join(' + ')} ms/op`;
  return `  ${name.padEnd(50)} ${r.rate.toFixed(0).padStart(6)} /s${withRatio ? `   ratio ${r.ratio.toFixed(2)}` : '            '}   p50 ${r.p50.toFixed(1).padStart(6)} ms   p99 ${r.p99.toFixed(1).padStart(6)} ms${cpu}${r.failures ? `   (${r.failures} failed)` : ''}`;
}
