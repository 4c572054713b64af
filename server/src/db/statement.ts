/**
 * One statement built from parts. On the hot paths a round trip to the database costs more than the
 * rows it writes (PGlite runs every statement through its wire protocol; PostgreSQL over the
 * network), so writes that belong together go as one statement: the parts add their values to one
 * `Params` and run as data-modifying WITH clauses — atomic like a transaction, in one round trip.
 */
export class Params {
  readonly values: unknown[] = [];

  /** Adds a value; returns its placeholder (`$n`). */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** INSERT / UPDATE / DELETE statements run as one: all but the last in WITH clauses (each runs, referenced or not). */
export function asOneStatement(parts: readonly string[]): string {
  if (!parts.length) throw new Error('asOneStatement needs at least one part');
  const last = parts[parts.length - 1]!;
  const before = parts.slice(0, -1);
  return before.length ? `WITH ${before.map((p, i) => `part${i} AS (${p})`).join(',\n')}\n${last}` : last;
}

/**
 * Rows for an `INSERT … SELECT`, sent as one JSON parameter and unpacked by jsonb_to_recordset:
 * `jsonRows(ps, { hold_id: 'uuid', amount: 'bigint' }, rows)` gives
 * `SELECT hold_id, amount FROM jsonb_to_recordset($1::jsonb) AS r(hold_id uuid, amount bigint)`.
 * A group of a dozen rows of twenty columns is otherwise 240 parameters, each serialised by the
 * driver and bound by the server, and a statement text that changes with the group's size; this is
 * one string and the same text for every size (about a sixth less per grouped send on PGlite).
 * Each row's keys are the column names; a missing key is NULL.
 */
export function jsonRows(ps: Params, columns: Readonly<Record<string, string>>, rows: readonly Readonly<Record<string, unknown>>[]): string {
  const names = Object.keys(columns);
  return `SELECT ${names.join(', ')} FROM jsonb_to_recordset(${ps.add(JSON.stringify(rows))}::jsonb) AS r(${names.map((n) => `${n} ${columns[n]}`).join(', ')})`;
}
