import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Db } from '../../db/index.js';
import { rateLimit, requestMeta, userActor } from '../../platform/http.js';
import { errorResponses } from '../../platform/schemas.js';
import type { AccountsService } from './accounts.service.js';
import { normalizeEmail } from './accounts.service.js';
import { EmailBody, LoginBody, RegisterBody, ResetBody, TokenBody, User, toUserDto } from './accounts.schemas.js';
import type { SessionCookies } from './session-cookie.js';
import { findUserById } from './accounts.repo.js';

export interface AuthRoutesDeps {
  db: Db;
  accounts: AccountsService;
  cookies: SessionCookies;
}

const tags = ['auth'];

export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesDeps> = async (app, { db, accounts, cookies }) => {
  app.get(
    '/api/auth/session',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The signed-in user (or null) and the CSRF token to send as X-CSRF-Token',
        response: { 200: Type.Object({ user: Type.Union([Type.Ref(User), Type.Null()]), csrfToken: Type.String() }) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const s = request.signedIn;
      if (s) {
        const user = await findUserById(db, s.userId);
        if (user) return { user: toUserDto(user), csrfToken: s.csrfToken };
      }
      return { user: null, csrfToken: cookies.ensureCsrf(request, reply) };
    },
  );

  app.post(
    '/api/auth/register',
    {
      config: { access: 'public' },
      preHandler: rateLimit(db, { name: 'register', limit: 10, windowSeconds: 3600 }),
      schema: { tags, summary: 'Create a customer account', body: RegisterBody, response: { 201: Type.Object({ user: Type.Ref(User) }), ...errorResponses } },
    },
    async (request, reply) => {
      const user = await accounts.register(request.body, requestMeta(request));
      return reply.status(201).send({ user: toUserDto(user) });
    },
  );

  app.post(
    '/api/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Sign in; starts a new session and returns its CSRF token',
        body: LoginBody,
        response: { 200: Type.Object({ user: Type.Ref(User), csrfToken: Type.String() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const session = await accounts.login(request.body.email, request.body.password, requestMeta(request), cookies.readSession(request));
      cookies.setSession(reply, session.token, session.expiresAt);
      reply.header('cache-control', 'no-store');
      return { user: toUserDto(session.user), csrfToken: session.csrfToken };
    },
  );

  app.post(
    '/api/auth/logout',
    { config: { access: 'signed-in' }, schema: { tags, summary: 'End this session', response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await accounts.logout(userActor(request), requestMeta(request));
      cookies.clearSession(reply);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/auth/verify-email',
    {
      config: { access: 'public' },
      preHandler: rateLimit(db, { name: 'verify-email', limit: 30, windowSeconds: 900 }),
      schema: { tags, summary: 'Confirm an email address with the token from the mail', body: TokenBody, response: { 200: Type.Object({ verified: Type.Boolean() }), ...errorResponses } },
    },
    async (request) => {
      await accounts.verifyEmail(request.body.token, requestMeta(request));
      return { verified: true };
    },
  );

  app.post(
    '/api/auth/resend-verification',
    {
      config: { access: 'signed-in' },
      preHandler: rateLimit(db, { name: 'resend-verification', limit: 3, windowSeconds: 3600, key: (r) => r.signedIn?.userId ?? r.ip }),
      schema: { tags, summary: 'Send a new verification mail', response: { 202: Type.Object({ sent: Type.Boolean() }), ...errorResponses } },
    },
    async (request, reply) => {
      await accounts.resendVerification(userActor(request).userId);
      return reply.status(202).send({ sent: true });
    },
  );

  app.post(
    '/api/auth/forgot-password',
    {
      config: { access: 'public' },
      preHandler: [
        rateLimit(db, { name: 'forgot-ip', limit: 10, windowSeconds: 900 }),
        rateLimit(db, { name: 'forgot-email', limit: 3, windowSeconds: 3600, key: (r) => normalizeEmail(String((r.body as { email?: unknown })?.email ?? '')) }),
      ],
      schema: { tags, summary: 'Mail a password-reset link if the account exists', body: EmailBody, response: { 202: Type.Object({ message: Type.String() }), ...errorResponses } },
    },
    async (request, reply) => {
      await accounts.forgotPassword(request.body.email, requestMeta(request));
      return reply.status(202).send({ message: 'If an account exists for this address, we have sent a link to reset the password.' });
    },
  );

  app.post(
    '/api/auth/reset-password',
    {
      config: { access: 'public' },
      preHandler: rateLimit(db, { name: 'reset-password', limit: 20, windowSeconds: 900 }),
      schema: { tags, summary: 'Set a new password with the token from the mail; ends every session', body: ResetBody, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      await accounts.resetPassword(request.body.token, request.body.password, requestMeta(request));
      return reply.status(204).send(null);
    },
  );
};
