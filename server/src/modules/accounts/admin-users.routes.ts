import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Db } from '../../db/index.js';
import { requestMeta, userActor } from '../../platform/http.js';
import { errorResponses } from '../../platform/schemas.js';
import { searchUsers } from './accounts.repo.js';
import { AdminUserBody, IdParams, User, UserListQuery, toUserDto } from './accounts.schemas.js';
import type { AccountsService } from './accounts.service.js';

const tags = ['users'];

export const adminUserRoutes: FastifyPluginAsyncTypebox<{ db: Db; accounts: AccountsService }> = async (app, { db, accounts }) => {
  app.get(
    '/api/staff/users',
    {
      config: { access: ['operator', 'admin'] },
      schema: { tags, summary: 'Find users (operators and admins)', querystring: UserListQuery, response: { 200: Type.Object({ items: Type.Array(Type.Ref(User)), total: Type.Integer() }), ...errorResponses } },
    },
    async (request) => {
      const { items, total } = await searchUsers(db, request.query);
      return { items: items.map(toUserDto), total };
    },
  );

  app.patch(
    '/api/admin/users/:id',
    {
      config: { access: ['admin'] },
      schema: { tags, summary: "Change a user's role or suspend / reactivate them", params: IdParams, body: AdminUserBody, response: { 200: Type.Object({ user: Type.Ref(User) }), ...errorResponses } },
    },
    async (request) => ({
      user: toUserDto(await accounts.adminUpdateUser(userActor(request), request.params.id, request.body, requestMeta(request))),
    }),
  );
};
