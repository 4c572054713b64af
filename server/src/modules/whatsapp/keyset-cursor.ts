import { badRequest } from '../../platform/errors.js';

/**
 * Opaque cursors for lists read newest first by (created_at, id): the last row of a page becomes the
 * `before` of the next. A cursor is not a secret; a tampered one only reads the tenant's own rows.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(row: { created_at: Date; id: string }): string {
  return Buffer.from(`${row.created_at.toISOString()}|${row.id}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  if (!cursor) return undefined;
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const d = new Date(at ?? '');
  if (!id || !UUID.test(id) || !Number.isFinite(d.getTime())) throw badRequest('invalid_cursor', 'The cursor is not one this API gave out.');
  return { at: d, id };
}
