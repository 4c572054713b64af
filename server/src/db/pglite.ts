import { PGlite, type Transaction } from '@electric-sql/pglite';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { checkChannel, type Db, type Queryable, type Tx } from './types.js';

function wrap(client: PGlite | Transaction): Queryable {
  return {
    async query<T>(sql: string, params?: readonly unknown[]) {
      const res = await client.query<T>(sql, params as unknown[]);
      return res.rows;
    },
    async execute(sql: string, params?: readonly unknown[]) {
      const res = await client.query(sql, params as unknown[]);
      return res.affectedRows ?? 0;
    },
  };
}

/**
 * PGlite is one connection: while a transaction runs, other queries wait for it. Code inside `tx`
 * must therefore use the transaction handle it was given, never the Db, or it waits for itself.
 */
export function pgliteDb(pglite: PGlite): Db {
  return {
    kind: 'pglite',
    ...wrap(pglite),
    async tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      // PGlite runs in this thread and a query never waits for I/O: a loop of transactions (a job
      // applying a thousand statuses) would otherwise go on in microtasks and starve every socket.
      // Each transaction first lets the event loop take in what arrived.
      await yieldToEventLoop();
      return pglite.transaction(async (t) => fn({ ...wrap(t), inTransaction: true }));
    },
    async exec(sql: string) {
      await pglite.exec(sql);
    },
    // One in-process connection: NOTIFY reaches its listeners after the sending transaction commits.
    async listen(channel: string, onNotify: (payload: string) => void) {
      const unlisten = await pglite.listen(checkChannel(channel), onNotify);
      return async () => {
        if (!pglite.closed) await unlisten();
      };
    },
    async close() {
      await pglite.close();
    },
  };
}

export async function openPglite(dataDir: string | undefined, loadDataDir?: Blob): Promise<PGlite> {
  return PGlite.create({ ...(dataDir ? { dataDir } : {}), ...(loadDataDir ? { loadDataDir } : {}) });
}
