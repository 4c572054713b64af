/** What every data-access function takes: the database itself, or a transaction on it. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** The affected row count, for UPDATE/DELETE statements without RETURNING. */
  execute(sql: string, params?: readonly unknown[]): Promise<number>;
}

export interface Tx extends Queryable {
  readonly inTransaction: true;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * LISTEN on `channel` (lower-case letters, digits, `_`): `onNotify` gets every payload sent with
   * NOTIFY / pg_notify, once the sending transaction committed, in commit order. `onReconnect` runs
   * after the listening connection was lost and opened again (notifications in between are lost).
   * Resolves to a function that stops listening.
   */
  listen(channel: string, onNotify: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export async function one<T>(q: Queryable, sql: string, params?: readonly unknown[]): Promise<T | undefined> {
  const rows = await q.query<T>(sql, params);
  return rows[0];
}

/** A LISTEN channel name, checked because LISTEN takes no parameters. */
export function checkChannel(channel: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`invalid channel name ${channel}`);
  return channel;
}
