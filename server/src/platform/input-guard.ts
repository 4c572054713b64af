import type { FastifyInstance } from 'fastify';
import { badRequest } from './errors.js';

// PostgreSQL cannot store NUL in text or jsonb, nor a lone UTF-16 surrogate in jsonb: such input would
// fail deep inside a query as a 500. It is refused up front instead, wherever it appears.
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The path of the first string (or key) in `value` that cannot be stored, or null. Iterative: bodies may nest deeply. */
export function findUnstorable(value: unknown): string | null {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (UNSTORABLE.test(v)) return path;
    } else if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)) {
      // (Raw bodies, such as signed webhooks kept as bytes, are not text and are left alone.)
      for (const [key, child] of Object.entries(v)) {
        const childPath = path ? `${path}.${key}` : key;
        if (UNSTORABLE.test(key)) return childPath;
        stack.push([child, childPath]);
      }
    }
  }
  return null;
}

/** Refuses NUL characters and broken Unicode in route parameters, query strings and bodies with a 400. */
export function installInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [['params', request.params], ['querystring', request.query], ['body', request.body]] as const) {
      const field = findUnstorable(value);
      if (field !== null) {
        throw badRequest('validation_failed', 'Text may not contain NUL characters or broken Unicode.', [
          { field: field || part, message: 'contains characters that cannot be stored' },
        ]);
      }
    }
  });
}

// Timestamps PostgreSQL and PGlite both accept, and JavaScript can represent: years 1 to 9999 in UTC.
const EARLIEST = Date.parse('0001-01-01T00:00:00Z');
const LATEST = Date.UTC(10000, 0, 1);

interface FormatValidator {
  validate: (s: string) => boolean;
  compare?: (a: string, b: string) => number | undefined;
}

/**
 * Ajv hook (the `ajv.onCreate` server option): `format: 'date-time'` additionally requires a moment
 * the databases can store, so a leap second or year 0000 is a 400 rather than a failed query.
 */
export function strictDateTime(ajv: { formats: Record<string, unknown>; addFormat(name: string, format: unknown): unknown }): void {
  const original = ajv.formats['date-time'] as FormatValidator | undefined;
  if (!original?.validate) throw new Error('the date-time format must be defined before it is tightened');
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (s: string) => {
      if (!original.validate(s)) return false;
      const t = Date.parse(s);
      return Number.isFinite(t) && t >= EARLIEST && t < LATEST;
    },
    ...(original.compare ? { compare: original.compare } : {}),
  });
}
