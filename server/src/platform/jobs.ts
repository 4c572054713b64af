import PgBoss from 'pg-boss';
import type { FastifyBaseLogger } from 'fastify';
import { Params, asOneStatement, type Db, type Queryable } from '../db/index.js';

/** pg-boss's start_after for a job due at once: a millisecond before now() (see `enqueue`). */
const DUE_NOW = '-0.001';

export interface JobDefinition<T extends object = object> {
  name: string;
  handler: (data: T) => Promise<void>;
  /** Retries with exponential backoff; a job failing every try ends up `failed` in pg-boss. */
  retryLimit?: number;
  retryDelaySeconds?: number;
  expireInSeconds?: number;
  /** Cron expression (UTC) for recurring jobs; pg-boss makes sure one instance runs each slot. */
  cron?: string;
  concurrency?: number;
  /**
   * Start the job as soon as its enqueuing transaction commits (a NOTIFY wakes the workers of every
   * process) rather than at the workers' next poll, up to a second later: for queues on a path
   * someone waits for, such as Meta's webhooks.
   */
  wakeOnEnqueue?: boolean;
}

/** The NOTIFY channel that wakes workers: the payload is the queue's name. */
const WAKE_CHANNEL = 'seva_jobs_wake';

/** A loop of its own (not a pg-boss queue) that runs only in processes that work jobs. */
export interface BackgroundWorker {
  start(): void;
  /** Stops taking work and waits for what is in progress. */
  stop(): Promise<void>;
}

export interface SendOptions {
  singletonKey?: string;
  startAfterSeconds?: number;
}

/**
 * Background jobs on pg-boss in the platform's own database. `enqueue` takes the caller's
 * transaction, so a job exists exactly when the change that needs it was committed (outbox).
 */
export class Jobs {
  private boss: PgBoss | undefined;
  private readonly definitions = new Map<string, JobDefinition>();
  private readonly workers: BackgroundWorker[] = [];
  private workersRunning = false;
  /** pg-boss worker ids of this process, by queue. */
  private readonly workerIds = new Map<string, string[]>();
  private readonly wakeTurns = new Map<string, number>();
  private unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly db: Db,
    private readonly log: FastifyBaseLogger,
    /** How often an idle worker looks for work (default 1 s). */
    private readonly opts: { pollingIntervalSeconds?: number } = {},
  ) {}

  define<T extends object>(definition: JobDefinition<T>): void {
    if (this.definitions.has(definition.name)) throw new Error(`Job ${definition.name} is defined twice`);
    this.definitions.set(definition.name, definition as unknown as JobDefinition);
  }

  /** Registers a worker that `start({ work: true })` starts and `stop()` stops (e.g. the webhook dispatcher). */
  addWorker(worker: BackgroundWorker): void {
    this.workers.push(worker);
  }

  /** Creates the schema and queues; with `work`, also runs handlers, maintenance and schedules. */
  async start({ work }: { work: boolean }): Promise<void> {
    const boss = new PgBoss({
      db: { executeSql: (text: string, values?: unknown[]) => rawSql(this.db, text, values) },
      schema: 'pgboss',
      // Only processes that work also run maintenance (expiry, archiving) and cron schedules.
      supervise: work,
      schedule: work,
      migrate: true,
    } as PgBoss.ConstructorOptions);
    boss.on('error', (err) => this.log.error({ err }, 'job system error'));
    await boss.start();
    this.boss = boss;
    for (const def of this.definitions.values()) {
      await boss.createQueue(def.name, {
        name: def.name,
        retryLimit: def.retryLimit ?? 5,
        retryDelay: def.retryDelaySeconds ?? 10,
        retryBackoff: true,
        expireInSeconds: def.expireInSeconds ?? 300,
      });
    }
    if (!work) return;
    for (const def of this.definitions.values()) {
      const ids: string[] = [];
      this.workerIds.set(def.name, ids);
      // PGlite is one connection: a second worker would only add polling.
      const concurrency = this.db.kind === 'pglite' ? 1 : Math.max(1, def.concurrency ?? 1);
      for (let slot = 0; slot < concurrency; slot++) {
        const id = await boss.work(def.name, { batchSize: 1, pollingIntervalSeconds: this.opts.pollingIntervalSeconds ?? 1 }, async (jobs) => {
          for (const job of jobs) await def.handler(job.data as object);
          // More may be waiting: this worker fetches again at once, not after the polling interval
          // (it sleeps only after a fetch that found nothing).
          const self = ids[slot];
          if (self) boss.notifyWorker(self);
        });
        ids.push(id);
      }
      if (def.cron) await boss.schedule(def.name, def.cron, {}, { tz: 'UTC' });
    }
    if ([...this.definitions.values()].some((d) => d.wakeOnEnqueue)) {
      // A notification missed while the listening connection was down costs at most the polling interval.
      this.unlisten = await this.db.listen(WAKE_CHANNEL, (name) => this.wake(name));
    }
    for (const worker of this.workers) worker.start();
    this.workersRunning = true;
  }

  private definitionOf(name: string): JobDefinition {
    const def = this.definitions.get(name);
    if (!def) throw new Error(`Unknown job ${name}`);
    return def;
  }

  private started(): PgBoss {
    if (!this.boss) throw new Error('Jobs.start() must run first');
    return this.boss;
  }

  /**
   * Enqueues a job together with the writes that need it, as one statement (db/statement.ts): the
   * writes run as WITH clauses of the job's insert — atomic without a transaction, in one round trip.
   * For hot paths (the simulator's accepted sends): the insert is pg-boss's row for a job without
   * options (SendOptions), built from the queue's settings as pg-boss's own insert builds it, at about
   * half its cost on PGlite. It knows pg-boss 10.4's job table (pinned, see jobs.test.ts, which also
   * compares the two rows).
   */
  async enqueueWith(q: Queryable, writes: (ps: Params) => string[], name: string, data: object): Promise<string | null> {
    const def = this.definitionOf(name);
    this.started();
    const ps = new Params();
    const parts = writes(ps);
    const due = ps.add(DUE_NOW);
    const job = `INSERT INTO pgboss.job (name, data, start_after, dead_letter, expire_in, keep_until, retry_limit, retry_delay, retry_backoff, policy)
      SELECT q.name, ${ps.add(JSON.stringify(data))}::jsonb, now() + ${due}::interval, q.dead_letter, COALESCE(q.expire_seconds * interval '1s', interval '15 minutes'),
             now() + ${due}::interval + COALESCE(CAST((q.retention_minutes * 60)::text AS interval), interval '14 days'), COALESCE(q.retry_limit, 2),
             CASE WHEN COALESCE(q.retry_backoff, false) THEN GREATEST(COALESCE(q.retry_delay, 0), 1) ELSE COALESCE(q.retry_delay, 0) END,
             COALESCE(q.retry_backoff, false), q.policy
        FROM pgboss.queue q WHERE q.name = ${ps.add(name)}
      ON CONFLICT DO NOTHING
      RETURNING id`;
    const id = (await q.query<{ id: string }>(asOneStatement([...parts, job]), ps.values))[0]?.id ?? null;
    if (def.wakeOnEnqueue && id) await q.query('SELECT pg_notify($1, $2)', [WAKE_CHANNEL, name]);
    return id;
  }

  async enqueue(q: Queryable, name: string, data: object, options: SendOptions = {}): Promise<string | null> {
    const def = this.definitionOf(name);
    const boss = this.started();
    const id = await boss.send(name, data, {
      db: { executeSql: (text: string, values?: unknown[]) => rawSql(q, text, values) },
      ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
      // Due at once means due before now(): pg-boss fetches jobs whose start_after < now(), and PGlite's
      // clock moves in whole milliseconds, so a job fetched in the millisecond it was queued (a woken
      // worker, runPending) was not found and waited for the next poll.
      startAfter: options.startAfterSeconds ? options.startAfterSeconds : DUE_NOW,
    } as PgBoss.SendOptions);
    // Delivered once the caller's transaction commits, so the woken worker finds the job.
    if (def.wakeOnEnqueue && id && !options.startAfterSeconds) await q.query('SELECT pg_notify($1, $2)', [WAKE_CHANNEL, name]);
    return id;
  }

  /** Runs one queued job of `name` now, in this process: for CLI tools and tests. */
  async runPending(name: string, limit = 100): Promise<number> {
    const def = this.definitionOf(name);
    const boss = this.started();
    let ran = 0;
    while (ran < limit) {
      const jobs = await boss.fetch(name, { batchSize: 1 });
      const job = jobs?.[0];
      if (!job) break;
      try {
        await def.handler(job.data as object);
        await boss.complete(name, job.id);
      } catch (err) {
        await boss.fail(name, job.id, { message: (err as Error).message });
      }
      ran++;
    }
    return ran;
  }

  /**
   * One job was enqueued: one of this process's workers of `name` fetches now rather than at its next
   * poll, in turn, so a burst spreads over all of them (a busy one fetches again when it is done).
   */
  private wake(name: string): void {
    const ids = this.workerIds.get(name);
    if (!ids?.length || !this.boss) return;
    const turn = this.wakeTurns.get(name) ?? 0;
    this.wakeTurns.set(name, turn + 1);
    this.boss.notifyWorker(ids[turn % ids.length]!);
  }

  async stop(): Promise<void> {
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    await unlisten?.();
    this.workerIds.clear();
    if (this.workersRunning) {
      this.workersRunning = false;
      await Promise.all(this.workers.map((w) => w.stop()));
    }
    const boss = this.boss;
    if (!boss) return;
    this.boss = undefined;
    await boss.stop({ graceful: true, close: false, wait: true, timeout: 10_000 });
  }
}

async function rawSql(q: Queryable, text: string, values?: unknown[]): Promise<{ rows: unknown[] }> {
  if (!values?.length && 'exec' in q && typeof (q as Db).exec === 'function' && /;\s*\S/.test(text)) {
    // pg-boss sends multi-statement scripts (schema install, locking) without parameters.
    await (q as Db).exec(text);
    return { rows: [] };
  }
  return { rows: await q.query(text, values ?? []) };
}
