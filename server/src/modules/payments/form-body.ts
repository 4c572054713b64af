import type { FastifyInstance } from 'fastify';

/**
 * Parses `application/x-www-form-urlencoded` bodies (plain HTML forms, Razorpay's redirect-mode
 * callback) into a flat object; the last value of a repeated field wins. Register it inside an
 * encapsulated plugin so it applies to that plugin's routes only.
 */
export function acceptFormBodies(app: FastifyInstance, bodyLimit = 16 * 1024): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
}

/** A string field of a parsed form or query, or undefined. */
export function field(source: unknown, name: string, maxLength = 500): string | undefined {
  if (typeof source !== 'object' || source === null) return undefined;
  const v = (source as Record<string, unknown>)[name];
  return typeof v === 'string' && v.length <= maxLength ? v : undefined;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export { formatRupees } from '../../platform/money.js';
