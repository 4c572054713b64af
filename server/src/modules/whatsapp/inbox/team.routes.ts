import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../../db/index.js';
import { rateLimit, requestMeta, userActor } from '../../../platform/http.js';
import { errorResponses } from '../../../platform/schemas.js';
import { IdParams, InviteBody, Member, RoleBody } from './inbox.schemas.js';
import type { TeamService } from './team.service.js';

/** The tenant's own team page: invite existing accounts as agent or manager, change roles, remove. */

const tags = ['whatsapp team inbox'];
const access = { access: 'signed-in' as const };
const errors = { ...errorResponses, 422: Type.Ref('ErrorResponse') };
const perUser = (r: FastifyRequest) => r.signedIn?.userId ?? r.ip;

export const teamRoutes: FastifyPluginAsyncTypebox<{ db: Db; team: TeamService }> = async (app, { db, team }) => {
  app.get(
    '/api/whatsapp/team',
    { config: access, schema: { tags, summary: 'Your inbox team', response: { 200: Type.Object({ items: Type.Array(Member) }), ...errors } } },
    async (request) => team.list(userActor(request).userId),
  );

  app.post(
    '/api/whatsapp/team',
    {
      config: access,
      // Each invitation tells whether an email has an account: slow enough that nobody maps the user base through it.
      preHandler: rateLimit(db, { name: 'wa-team-invite', limit: 20, windowSeconds: 3600, key: perUser }),
      schema: { tags, summary: 'Invite an existing account by email as agent or manager of your inbox', body: InviteBody, response: { 201: Type.Object({ member: Member }), ...errors } },
    },
    async (request, reply) => reply.status(201).send(await team.invite(userActor(request), request.body, requestMeta(request))),
  );

  app.patch(
    '/api/whatsapp/team/:id',
    { config: access, schema: { tags, summary: 'Change a member’s role', params: IdParams, body: RoleBody, response: { 200: Type.Object({ member: Member }), ...errors } } },
    async (request) => team.changeRole(userActor(request), request.params.id, request.body.role, requestMeta(request)),
  );

  app.delete(
    '/api/whatsapp/team/:id',
    { config: access, schema: { tags, summary: 'Remove a member: their live inbox closes, their conversations become unassigned', params: IdParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await team.remove(userActor(request), request.params.id, requestMeta(request));
      return reply.status(204).send(null);
    },
  );
};
