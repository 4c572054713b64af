import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requestMeta, userActor } from '../../platform/http.js';
import { errorResponses } from '../../platform/schemas.js';
import { CloseAccountBody, CloseOwnAccountBody, IdParams, User, toUserDto } from './accounts.schemas.js';
import type { AccountClosure } from './closure.js';
import type { SessionCookies } from './session-cookie.js';

const tags = ['account'];

export const closureRoutes: FastifyPluginAsyncTypebox<{ closure: AccountClosure; cookies: SessionCookies }> = async (app, { closure, cookies }) => {
  app.post(
    '/api/me/close',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'Close your account (final): you are signed out everywhere; KYC records are kept for the legal retention period, then deleted',
        body: CloseOwnAccountBody,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await closure.closeOwnAccount(userActor(request), request.body.password, requestMeta(request));
      cookies.clearSession(reply);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/admin/users/:id/close',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['users'],
        summary: "Close someone's account (final), with a reason",
        params: IdParams,
        body: CloseAccountBody,
        response: { 200: Type.Object({ user: Type.Ref(User) }), ...errorResponses },
      },
    },
    async (request) => ({ user: toUserDto(await closure.closeByAdmin(userActor(request), request.params.id, request.body.reason, requestMeta(request))) }),
  );
};
