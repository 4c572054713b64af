import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Db } from '../../db/index.js';
import { notFound } from '../../platform/errors.js';
import { requestMeta, userActor } from '../../platform/http.js';
import { errorResponses } from '../../platform/schemas.js';
import { findUserById } from './accounts.repo.js';
import { ChangePasswordBody, IdParams, PreferencesBody, PreferencesResponse, ProfileBody, Session, User, toUserDto } from './accounts.schemas.js';
import type { AccountsService } from './accounts.service.js';

const tags = ['account'];

export const meRoutes: FastifyPluginAsyncTypebox<{ db: Db; accounts: AccountsService }> = async (app, { db, accounts }) => {
  app.get(
    '/api/me',
    { config: { access: 'signed-in' }, schema: { tags, summary: 'Your profile', response: { 200: Type.Object({ user: Type.Ref(User) }), ...errorResponses } } },
    async (request) => {
      const user = await findUserById(db, userActor(request).userId);
      if (!user) throw notFound('User');
      return { user: toUserDto(user) };
    },
  );

  app.patch(
    '/api/me',
    {
      config: { access: 'signed-in' },
      schema: { tags, summary: 'Edit your profile; a new email must be verified again', body: ProfileBody, response: { 200: Type.Object({ user: Type.Ref(User) }), ...errorResponses } },
    },
    async (request) => ({ user: toUserDto(await accounts.updateProfile(userActor(request), request.body, requestMeta(request))) }),
  );

  app.post(
    '/api/me/password',
    {
      config: { access: 'signed-in' },
      schema: { tags, summary: 'Change your password; your other sessions end', body: ChangePasswordBody, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      await accounts.changePassword(userActor(request), request.body.currentPassword, request.body.newPassword, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/me/preferences',
    { config: { access: 'signed-in' }, schema: { tags, summary: 'Your communication preferences', response: { 200: PreferencesResponse, ...errorResponses } } },
    async (request) => ({ preferences: await accounts.getPreferences(userActor(request).userId) }),
  );

  app.put(
    '/api/me/preferences',
    {
      config: { access: 'signed-in' },
      schema: { tags, summary: 'Change communication preferences; each change is stored with its time', body: PreferencesBody, response: { 200: PreferencesResponse, ...errorResponses } },
    },
    async (request) => ({ preferences: await accounts.setPreferences(userActor(request), request.body.preferences, requestMeta(request)) }),
  );

  app.get(
    '/api/me/sessions',
    { config: { access: 'signed-in' }, schema: { tags, summary: 'Where you are signed in', response: { 200: Type.Object({ sessions: Type.Array(Session) }), ...errorResponses } } },
    async (request) => {
      const actor = userActor(request);
      const rows = await accounts.listSessions(actor.userId);
      return {
        sessions: rows.map((s) => ({
          id: s.id,
          ip: s.ip,
          userAgent: s.user_agent,
          createdAt: s.created_at.toISOString(),
          lastSeenAt: s.last_seen_at.toISOString(),
          expiresAt: s.expires_at.toISOString(),
          current: s.id === actor.sessionId,
        })),
      };
    },
  );

  app.delete(
    '/api/me/sessions/:id',
    { config: { access: 'signed-in' }, schema: { tags, summary: 'End one of your sessions', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await accounts.revokeSession(userActor(request), request.params.id, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/me/sessions',
    { config: { access: 'signed-in' }, schema: { tags, summary: 'End all your sessions except this one', response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await accounts.revokeOtherSessions(userActor(request), requestMeta(request));
      return reply.status(204).send(null);
    },
  );
};
