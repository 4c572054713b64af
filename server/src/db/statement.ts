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
