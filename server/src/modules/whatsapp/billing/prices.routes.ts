import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requestMeta, userActor } from '../../../platform/http.js';
import { errorResponses } from '../../../platform/schemas.js';
import { AddPriceBody, AdminPrice, AdminPricesQuery, CustomerPrice, PriceIdParams } from './prices.schemas.js';
import type { PriceRow, PricesService } from './prices.service.js';

const ADMIN = ['admin'] as const;

function toAdminPrice(p: PriceRow) {
  return {
    id: p.id,
    category: p.category,
    countryCode: p.country_code,
    metaRateMillipaise: p.meta_rate_millipaise,
    markupBps: p.markup_bps,
    pricePaise: p.price_paise,
    effectiveFrom: p.effective_from.toISOString(),
    state: p.state,
    createdAt: p.created_at.toISOString(),
    createdBy: p.created_by ? { id: p.created_by, name: p.created_by_name ?? '' } : null,
  };
}

/** The price table: customers read what a message costs; admins add and cancel rows. */
export const pricesRoutes: FastifyPluginAsyncTypebox<{ prices: PricesService }> = async (app, { prices }) => {
  app.get(
    '/api/whatsapp/prices',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['whatsapp billing'],
        summary: 'What one message costs by category and the recipient’s calling code (* = every other country): current prices and scheduled changes',
        response: { 200: Type.Object({ items: Type.Array(CustomerPrice) }), ...errorResponses },
      },
    },
    async () => ({
      items: (await prices.customerList()).map((p) => ({ category: p.category, countryCode: p.country_code, pricePaise: p.price_paise, effectiveFrom: p.effective_from.toISOString(), state: p.state })),
    }),
  );

  app.get(
    '/api/admin/whatsapp/prices',
    {
      config: { access: ADMIN },
      schema: { tags: ['whatsapp billing admin'], summary: 'The price table: current and scheduled rows (with history=true also replaced ones)', querystring: AdminPricesQuery, response: { 200: Type.Object({ items: Type.Array(AdminPrice) }), ...errorResponses } },
    },
    async (request) => ({ items: (await prices.adminList(request.query.history ?? false)).map(toAdminPrice) }),
  );

  app.post(
    '/api/admin/whatsapp/prices',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['whatsapp billing admin'],
        summary: 'Add a price (rows are never edited: a new row replaces the price from its start). The customer price is Meta’s rate plus the markup, rounded up to the paisa',
        body: AddPriceBody,
        response: { 201: Type.Object({ price: AdminPrice }), ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send({ price: toAdminPrice(await prices.add(userActor(request), request.body, requestMeta(request))) }),
  );

  app.delete(
    '/api/admin/whatsapp/prices/:id',
    {
      config: { access: ADMIN },
      schema: { tags: ['whatsapp billing admin'], summary: 'Cancel a price that has not started yet (409 once it has)', params: PriceIdParams, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      await prices.cancelScheduled(userActor(request), request.params.id, requestMeta(request));
      return reply.status(204).send(null);
    },
  );
};
