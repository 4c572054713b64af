import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomToken } from '../../platform/crypto.js';

/**
 * The only cookies the platform sets, both essential: the session, and before sign-in a CSRF token
 * for the double-submit check. Over HTTPS they carry the `__Host-` prefix (Secure, no Domain, Path=/),
 * so a sibling subdomain cannot plant them.
 */
export function sessionCookies(secure: boolean) {
  const prefix = secure ? '__Host-' : '';
  const session = `${prefix}sk_session`;
  const csrf = `${prefix}sk_csrf`;
  const base = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure };

  return {
    sessionName: session,
    csrfName: csrf,
    readSession: (request: FastifyRequest): string | undefined => request.cookies[session],
    readCsrf: (request: FastifyRequest): string | undefined => request.cookies[csrf],
    setSession(reply: FastifyReply, token: string, expires: Date) {
      reply.setCookie(session, token, { ...base, expires });
      reply.clearCookie(csrf, base);
    },
    clearSession(reply: FastifyReply) {
      reply.clearCookie(session, base);
    },
    /** The pre-sign-in CSRF token: the cookie's value, created when missing. */
    ensureCsrf(request: FastifyRequest, reply: FastifyReply): string {
      const existing = request.cookies[csrf];
      if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
      const token = randomToken(32);
      reply.setCookie(csrf, token, base);
      return token;
    },
  };
}

export type SessionCookies = ReturnType<typeof sessionCookies>;
