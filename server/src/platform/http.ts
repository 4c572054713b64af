import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, RequestMeta, Role } from './actor.js';
import { forbidden, tooManyRequests, unauthorized } from './errors.js';
import type { Queryable } from '../db/index.js';
import { hitWindow } from './rate-limit.js';

/**
 * Who may call a route, declared on every route of /api (a route without it fails at start-up):
 * `public`, `signed-in`, or the roles allowed.
 */
export type Access = 'public' | 'signed-in' | readonly Role[];

export interface SignedIn {
  userId: string;
  role: Role;
  sessionId: string;
  csrfToken: string;
  lastSeenAt: Date;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    signedIn: SignedIn | null;
  }
}

export function requestMeta(request: FastifyRequest): RequestMeta {
  const ua = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof ua === 'string' ? ua : null, requestId: request.id };
}

export function userActor(request: FastifyRequest): Extract<Actor, { type: 'user' }> {
  const s = request.signedIn;
  if (!s) throw unauthorized();
  return { type: 'user', userId: s.userId, role: s.role, sessionId: s.sessionId };
}

export function checkAccess(access: Access, signedIn: SignedIn | null): void {
  if (access === 'public') return;
  if (!signedIn) throw unauthorized();
  if (access !== 'signed-in' && !access.includes(signedIn.role)) throw forbidden();
}

/**
 * A preHandler that counts requests per key in a fixed window shared by all instances and answers
 * 429 with Retry-After past the limit.
 */
export function rateLimit(db: Queryable, opts: { name: string; limit: number; windowSeconds: number; key?: (r: FastifyRequest) => string }) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const key = `rl:${opts.name}:${opts.key ? opts.key(request) : request.ip}`;
    const { hits, resetInSeconds } = await hitWindow(db, key, opts.windowSeconds);
    reply.header('ratelimit-limit', opts.limit);
    reply.header('ratelimit-remaining', Math.max(0, opts.limit - hits));
    if (hits > opts.limit) throw tooManyRequests('Too many requests. Please wait a little and try again.', resetInSeconds);
  };
}
