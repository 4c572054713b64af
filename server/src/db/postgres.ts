import pg from 'pg';
import { checkChannel, type Db, type Queryable, type Tx } from './types.js';

const INT8 = 20;

/** int8 counts and paise come back as JS numbers, as they do on PGlite; both stay exact below 2^53. */
function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`int8 value ${value} is beyond 2^53`);
  return n;
}

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return parseInt8;
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T>(sql: string, params?: readonly unknown[]) {
      const res = await client.query(sql, params as unknown[]);
      return res.rows as T[];
    },
    async execute(sql: string, params?: readonly unknown[]) {
      const res = await client.query(sql, params as unknown[]);
      return res.rowCount ?? 0;
    },
  };
}

export function createPostgresDb(connectionString: string, opts: { max?: number } = {}): Db {
  const pool = new pg.Pool({ connectionString, types, max: opts.max ?? 10, application_name: 'seva-kendra' });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const base = wrap(pool);
  return {
    kind: 'postgres',
    ...base,
    async tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({ ...wrap(client), inTransaction: true });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    listen: async (channel, onNotify, onReconnect) => listenOn(connectionString, checkChannel(channel), onNotify, onReconnect),
    async close() {
      await pool.end();
    },
  };
}

/**
 * LISTEN needs a connection of its own, outside the pool, held for as long as someone listens. When
 * it breaks (a restart of the server, a network cut) it is opened again with growing pauses (0.5 s
 * up to 30 s), and `onReconnect` tells the listener that notifications may have been missed.
 */
async function listenOn(connectionString: string, channel: string, onNotify: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>> {
  let client: pg.Client | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let failures = 0;

  async function open(): Promise<void> {
    const c = new pg.Client({ connectionString, application_name: 'seva-kendra-listen' });
    c.on('notification', (n) => {
      if (n.channel === channel) onNotify(n.payload ?? '');
    });
    c.on('error', () => lost(c));
    c.on('end', () => lost(c));
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
    } catch (err) {
      await c.end().catch(() => {});
      throw err;
    }
    client = c;
  }

  function lost(c: pg.Client): void {
    if (client !== c || stopped) return;
    client = null;
    c.end().catch(() => {});
    retry();
  }

  function retry(): void {
    if (stopped || timer) return;
    const delay = Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
    timer = setTimeout(() => {
      timer = null;
      open().then(
        () => {
          failures = 0;
          onReconnect?.();
        },
        () => {
          failures++;
          retry();
        },
      );
    }, delay);
    timer.unref();
  }

  await open();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    const c = client;
    client = null;
    await c?.end().catch(() => {});
  };
}
