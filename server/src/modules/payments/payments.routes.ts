import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Db } from '../../db/index.js';
import { rateLimit, requestMeta, userActor } from '../../platform/http.js';
import { ErrorResponse, Uuid, errorResponses } from '../../platform/schemas.js';
import {
  AdminPayment,
  AdminPaymentQuery,
  Checkout,
  GatewayEvent,
  IdParams,
  Reconciliation,
  ReconciliationQuery,
  Topup,
  TopupBody,
  TopupListQuery,
  toAdminPaymentDto,
  toGatewayEventDto,
  toReconciliationDto,
  toTopupDto,
} from './payments.schemas.js';
import type { PaymentsService } from './payments.service.js';

const tags = ['wallet'];
const adminTags = ['admin'];
const gatewayErrors = { 502: Type.Ref(ErrorResponse), 503: Type.Ref(ErrorResponse) };

/** The web app's top-up API (session + CSRF) and the admin views of payments and reconciliations. */
export const paymentsRoutes: FastifyPluginAsyncTypebox<{ db: Db; payments: PaymentsService }> = async (app, { db, payments }) => {
  app.addSchema(Topup);

  app.post(
    '/api/wallet/topups',
    {
      config: { access: 'signed-in' },
      preHandler: rateLimit(db, { name: 'topup-create', limit: 20, windowSeconds: 600, key: (r) => r.signedIn?.userId ?? r.ip }),
      schema: {
        tags,
        summary: 'Start a wallet top-up: creates a gateway order and returns what checkout needs',
        body: TopupBody,
        response: { 201: Type.Object({ payment: Type.Ref(Topup), checkout: Checkout }), ...errorResponses, ...gatewayErrors },
      },
    },
    async (request, reply) => {
      const { payment, checkout } = await payments.createTopup(userActor(request), request.body.amount, requestMeta(request));
      return reply.status(201).send({ payment: toTopupDto(payment), checkout });
    },
  );

  app.get(
    '/api/wallet/topups',
    {
      config: { access: 'signed-in' },
      schema: { tags, summary: 'Your top-ups, newest first, with their status', querystring: TopupListQuery, response: { 200: Type.Object({ items: Type.Array(Type.Ref(Topup)), total: Type.Integer() }), ...errorResponses } },
    },
    async (request) => {
      const { items, total } = await payments.listForUser(userActor(request).userId, request.query);
      return { items: items.map(toTopupDto), total };
    },
  );

  app.get(
    '/api/wallet/topups/:id',
    { config: { access: 'signed-in' }, schema: { tags, summary: 'One of your top-ups', params: IdParams, response: { 200: Type.Object({ payment: Type.Ref(Topup) }), ...errorResponses } } },
    async (request) => ({ payment: toTopupDto(await payments.getForUser(userActor(request).userId, request.params.id)) }),
  );

  app.get(
    '/api/wallet/topups/:id/receipt.pdf',
    {
      config: { access: 'signed-in' },
      schema: { tags, summary: 'PDF receipt of a received top-up', params: IdParams, produces: ['application/pdf'], response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'PDF' }), ...errorResponses } },
    },
    async (request, reply) => {
      const { pdf, receiptNumber } = await payments.receipt(userActor(request).userId, request.params.id);
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="receipt-${receiptNumber.replace(/\//g, '-')}.pdf"`)
        .header('cache-control', 'private, no-store')
        .send(pdf);
    },
  );

  app.get(
    '/api/admin/payments',
    {
      config: { access: ['admin'] },
      schema: { tags: adminTags, summary: 'All gateway payments, newest first', querystring: AdminPaymentQuery, response: { 200: Type.Object({ items: Type.Array(AdminPayment), total: Type.Integer() }), ...errorResponses } },
    },
    async (request) => {
      const { items, total } = await payments.adminSearch(request.query);
      return { items: items.map(toAdminPaymentDto), total };
    },
  );

  app.get(
    '/api/admin/payments/:id',
    {
      config: { access: ['admin'] },
      schema: { tags: adminTags, summary: 'One gateway payment with the webhook events received for it', params: IdParams, response: { 200: Type.Object({ payment: AdminPayment, events: Type.Array(GatewayEvent) }), ...errorResponses } },
    },
    async (request) => {
      const { payment, events } = await payments.adminGet(request.params.id);
      return { payment: toAdminPaymentDto(payment), events: events.map(toGatewayEventDto) };
    },
  );

  app.get(
    '/api/admin/reconciliations',
    {
      config: { access: ['admin'] },
      schema: { tags: adminTags, summary: 'Latest reconciliation reports (ledger balances and gateway payments)', querystring: ReconciliationQuery, response: { 200: Type.Object({ items: Type.Array(Reconciliation) }), ...errorResponses } },
    },
    async (request) => ({ items: (await payments.reconciliations(request.query)).map(toReconciliationDto) }),
  );

  app.post(
    '/api/admin/reconciliations/gateway',
    {
      config: { access: ['admin'] },
      schema: {
        tags: adminTags,
        summary: 'Ask the gateway about unconfirmed top-ups now (also runs every 10 minutes)',
        response: { 200: Type.Object({ id: Type.Union([Uuid, Type.Null()]), checked: Type.Integer(), problems: Type.Integer(), findings: Type.Array(Type.Unknown()) }), ...errorResponses },
      },
    },
    async (request) => payments.runReconciliation(userActor(request), requestMeta(request)),
  );
};
