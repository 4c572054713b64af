import type { FastifyInstance } from 'fastify';
import { safeEqual } from '../../platform/crypto.js';
import { AppError } from '../../platform/errors.js';
import { checkAccess } from '../../platform/http.js';
import type { Db } from '../../db/index.js';
import type { AccountsService } from './accounts.service.js';
import type { SessionCookies } from './session-cookie.js';
import { touchSession } from './sessions.repo.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// last_seen_at is written at most this often per session, not on every request.
const TOUCH_AFTER_MS = 60_000;

/**
 * Cookie sessions and CSRF for every route that declares `access`. Runs in onRequest, before the
 * body is parsed, so unauthenticated or forged requests are turned away without reading it.
 * The CSRF token must come back in `X-CSRF-Token`: the session's own once signed in, otherwise the
 * value of the pre-sign-in cookie (double submit). Cross-site pages can read neither.
 */
export function installSessionAuth(app: FastifyInstance, deps: { db: Db; accounts: AccountsService; cookies: SessionCookies }): void {
  const { db, accounts, cookies } = deps;
  app.decorateRequest('signedIn', null);

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/') && !route.config?.access) {
      throw new Error(`Route ${route.method} ${route.url} must declare config.access (deny by default)`);
    }
  });

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access;
    if (!access) return;
    const token = cookies.readSession(request);
    if (token) {
      const found = await accounts.authenticate(token);
      if (found) {
        request.signedIn = {
          userId: found.user.id,
          role: found.user.role,
          sessionId: found.session.id,
          csrfToken: found.session.csrf_token,
          lastSeenAt: found.session.last_seen_at,
        };
        if (Date.now() - found.session.last_seen_at.getTime() > TOUCH_AFTER_MS) {
          await touchSession(db, found.session.id, request.ip ?? null);
        }
      }
    }
    checkAccess(access, request.signedIn);
    if (UNSAFE.has(request.method)) {
      const expected = request.signedIn?.csrfToken ?? cookies.readCsrf(request);
      const sent = request.headers['x-csrf-token'];
      if (!expected || typeof sent !== 'string' || !safeEqual(sent, expected)) {
        throw new AppError(403, 'csrf_failed', 'The security token is missing or out of date. Reload the page and try again.');
      }
    }
  });
}
