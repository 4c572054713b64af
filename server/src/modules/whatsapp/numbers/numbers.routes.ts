import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Queryable } from '../../../db/index.js';
import { rateLimit, requestMeta, userActor } from '../../../platform/http.js';
import { errorResponses } from '../../../platform/schemas.js';
import { ConnectBody, IdParams, NumberList, RotateBody, SimulatorBody, UpdateBody, WaNumber, metaErrors, toNumberDto } from './numbers.schemas.js';
import type { NumbersService } from './numbers.service.js';

const tags = ['whatsapp numbers'];
const One = Type.Object({ number: WaNumber });

/** A customer's WhatsApp Business numbers (README.md beside this file). */
export const numbersRoutes: FastifyPluginAsyncTypebox<{ db: Queryable; numbers: NumbersService }> = async (app, { db, numbers }) => {
  // Each check costs two Graph calls with a token the caller supplies: without a limit the platform
  // would be a free oracle for guessing tokens, and Meta would throttle the platform's app.
  const metaChecks = rateLimit(db, { name: 'wa-number-check', limit: 60, windowSeconds: 3600, key: (r) => r.signedIn?.userId ?? r.ip });
  app.get(
    '/api/whatsapp/numbers',
    { config: { access: 'signed-in' }, schema: { tags, summary: 'Your numbers (live first, then disconnected ones), and whether WhatsApp and the simulator are available', response: { 200: NumberList, ...errorResponses } } },
    async (request) => {
      const list = await numbers.list(userActor(request).userId);
      return { ...list, items: list.items.map(toNumberDto) };
    },
  );

  app.post(
    '/api/whatsapp/numbers',
    {
      config: { access: 'signed-in' },
      preHandler: metaChecks,
      schema: {
        tags,
        summary: 'Connect a WhatsApp Business number: checked with Meta using the token, which is stored encrypted and never shown again (needs approved KYC)',
        body: ConnectBody,
        response: { 201: One, ...metaErrors },
      },
    },
    async (request, reply) => reply.status(201).send({ number: toNumberDto(await numbers.connect(userActor(request), request.body, requestMeta(request))) }),
  );

  app.post(
    '/api/whatsapp/numbers/simulator',
    {
      config: { access: 'signed-in' },
      preHandler: metaChecks,
      schema: {
        tags,
        summary: 'Create a test number in the built-in Cloud API simulator and connect it (only where the simulator runs; 404 elsewhere)',
        body: SimulatorBody,
        response: { 201: One, ...metaErrors },
      },
    },
    async (request, reply) => reply.status(201).send({ number: toNumberDto(await numbers.connectSimulator(userActor(request), request.body, requestMeta(request))) }),
  );

  app.get(
    '/api/whatsapp/numbers/:id',
    { config: { access: 'signed-in' }, schema: { tags, summary: 'One of your numbers', params: IdParams, response: { 200: One, ...errorResponses } } },
    async (request) => ({ number: toNumberDto(await numbers.get(userActor(request).userId, request.params.id)) }),
  );

  app.patch(
    '/api/whatsapp/numbers/:id',
    {
      config: { access: 'signed-in' },
      schema: { tags, summary: 'Change the label, or your own Meta app secret and verify token (null removes them)', params: IdParams, body: UpdateBody, response: { 200: One, ...errorResponses } },
    },
    async (request) => ({ number: toNumberDto(await numbers.update(userActor(request), request.params.id, request.body, requestMeta(request))) }),
  );

  app.post(
    '/api/whatsapp/numbers/:id/check',
    {
      config: { access: 'signed-in' },
      preHandler: metaChecks,
      schema: {
        tags,
        summary: 'Ask Meta about the number again: name, quality rating, messaging limit, throughput. A refusal puts the number in the error state (200); Meta unreachable: 502/503',
        params: IdParams,
        response: { 200: One, ...metaErrors },
      },
    },
    async (request) => ({ number: toNumberDto(await numbers.recheck(userActor(request), request.params.id, requestMeta(request))) }),
  );

  app.post(
    '/api/whatsapp/numbers/:id/token',
    {
      config: { access: 'signed-in' },
      preHandler: metaChecks,
      schema: { tags, summary: 'Replace the access token: the new one is checked with Meta first; the old one stays when it fails', params: IdParams, body: RotateBody, response: { 200: One, ...metaErrors } },
    },
    async (request) => ({ number: toNumberDto(await numbers.rotateToken(userActor(request), request.params.id, request.body.accessToken, requestMeta(request))) }),
  );

  app.post(
    '/api/whatsapp/numbers/:id/disconnect',
    {
      config: { access: 'signed-in' },
      schema: { tags, summary: 'Disconnect: the platform stops using the number and erases its token; the number can then be connected again (by anyone holding its token)', params: IdParams, response: { 200: One, ...errorResponses } },
    },
    async (request) => ({ number: toNumberDto(await numbers.disconnect(userActor(request), request.params.id, requestMeta(request))) }),
  );
};
