import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Queryable } from '../../../db/index.js';
import { requestMeta, userActor } from '../../../platform/http.js';
import { errorResponses } from '../../../platform/schemas.js';
import { apiKeyAuth } from './api-key-auth.js';
import { CreateKeyBody, CreatedKey, KeyIdParams, KeyList, KeyUsage, MAX_KEYS_PER_TENANT, MeResponse, RangeQuery, ApiKey, toKeyDto } from './api-keys.schemas.js';
import type { ApiKeysService } from './api-keys.service.js';

const tags = ['whatsapp api keys'];

/** The web UI's management of API keys (cookie session). */
export const apiKeysRoutes: FastifyPluginAsyncTypebox<{ apiKeys: ApiKeysService }> = async (app, { apiKeys }) => {
  app.get(
    '/api/whatsapp/keys',
    { config: { access: 'signed-in' }, schema: { tags, summary: 'Your API keys, newest first (revoked ones too); never the secret', response: { 200: KeyList, ...errorResponses } } },
    async (request) => ({ items: (await apiKeys.list(userActor(request).userId)).map(toKeyDto), limit: MAX_KEYS_PER_TENANT }),
  );

  app.post(
    '/api/whatsapp/keys',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: `Create a key with scopes, optionally only for some numbers and with an expiry. The answer holds the key, shown this once. At most ${MAX_KEYS_PER_TENANT} usable keys`,
        body: CreateKeyBody,
        response: { 201: CreatedKey, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { key, secret } = await apiKeys.create(userActor(request), request.body, requestMeta(request));
      // The only answer that ever holds the key: no cache may keep it.
      reply.header('cache-control', 'no-store');
      return reply.status(201).send({ key: toKeyDto(key), secret });
    },
  );

  app.post(
    '/api/whatsapp/keys/:id/revoke',
    { config: { access: 'signed-in' }, schema: { tags, summary: 'Revoke a key: requests with it are refused from now on', params: KeyIdParams, response: { 200: Type.Object({ key: ApiKey }), ...errorResponses } } },
    async (request) => ({ key: toKeyDto(await apiKeys.revoke(userActor(request), request.params.id, requestMeta(request))) }),
  );

  app.get(
    '/api/whatsapp/keys/:id/usage',
    {
      config: { access: 'signed-in' },
      schema: { tags, summary: 'Messages sent with the key per day (IST) over a period (default the last 30 days), and its last use', params: KeyIdParams, querystring: RangeQuery, response: { 200: KeyUsage, ...errorResponses } },
    },
    async (request) => {
      const u = await apiKeys.usage(userActor(request).userId, request.params.id, request.query);
      return { ...u, key: toKeyDto(u.key) };
    },
  );
};

/** GET /v1/me: lets a developer check a key (Authorization: Bearer sk_…). */
export const apiKeyWhoAmIRoutes: FastifyPluginAsyncTypebox<{ db: Queryable; apiKeys: ApiKeysService }> = async (app, { db, apiKeys }) => {
  app.get(
    '/v1/me',
    {
      preHandler: apiKeyAuth(db),
      schema: {
        tags: ['v1'],
        summary: 'The key you called with: its account, name, scopes and the numbers it may use',
        response: { 200: MeResponse, 401: errorResponses[401], 403: errorResponses[403] },
      },
    },
    async (request) => apiKeys.describe(request.apiKey!),
  );
};
