import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from '@sinclair/typebox';
import type { Queryable } from '../../../db/index.js';
import { notFound } from '../../../platform/errors.js';
import { userActor } from '../../../platform/http.js';
import { Strict, Timestamp, Uuid, errorResponses } from '../../../platform/schemas.js';
import { findTenantNumber } from '../numbers/numbers.repo.js';
import { STATUSES, allTenantsUsage, reportRange, tenantUsage } from './usage.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Count = Type.Integer({ minimum: 0 });
const Paise = Type.Integer({ description: 'paise' });

const Range = {
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Start of the period (default: 30 days before `to`)' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'End of the period, exclusive (default: now); at most 366 days after `from`' })),
};
const UsageQuery = Strict({ ...Range, numberId: Type.Optional(Uuid) });
const RangeQuery = Strict(Range);

const SummaryProps = {
  outbound: Count,
  inbound: Count,
  chargedPaise: Paise,
  pendingPaise: Type.Integer({ description: 'Reserved at send, not yet settled by Meta’s report (paise)' }),
  byStatus: Type.Object(Object.fromEntries(STATUSES.map((s) => [s, Count]))),
  byCategory: Type.Array(Type.Object({ category: Type.String(), messages: Count, chargedPaise: Paise })),
};

const TenantUsage = Type.Object({
  from: Timestamp,
  to: Timestamp,
  totals: Type.Object(SummaryProps),
  numbers: Type.Array(
    Type.Object({ numberId: Uuid, label: Type.String(), phoneNumberId: Type.String(), displayPhoneNumber: Nullable(Type.String()), status: Type.String(), ...SummaryProps }),
  ),
  days: Type.Array(Type.Object({ day: Type.String({ description: 'YYYY-MM-DD (IST)' }), outbound: Count, inbound: Count, failed: Count, chargedPaise: Paise })),
});

const TenantTotals = { liveNumbers: Count, outbound: Count, inbound: Count, failed: Count, chargedPaise: Paise, pendingPaise: Paise };
const AllTenants = Type.Object({
  from: Timestamp,
  to: Timestamp,
  totals: Type.Object(TenantTotals),
  tenants: Type.Array(Type.Object({ tenantId: Uuid, name: Type.String(), email: Type.String(), ...TenantTotals })),
});

/** Usage and spend from the message log: a customer's own, and every tenant's for admins. */
export const usageRoutes: FastifyPluginAsyncTypebox<{ db: Queryable }> = async (app, { db }) => {
  app.get(
    '/api/whatsapp/usage',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['whatsapp billing'],
        summary: 'Your messages and spend over a period: totals, per number (or only `numberId`) and per day (IST)',
        querystring: UsageQuery,
        response: { 200: TenantUsage, ...errorResponses },
      },
    },
    async (request) => {
      const tenantId = userActor(request).userId;
      const range = reportRange(request.query);
      const { numberId } = request.query;
      if (numberId && !(await findTenantNumber(db, tenantId, numberId))) throw notFound('WhatsApp number');
      return tenantUsage(db, tenantId, range, numberId);
    },
  );

  app.get(
    '/api/admin/whatsapp/usage',
    {
      config: { access: ['admin'] },
      schema: { tags: ['whatsapp billing admin'], summary: 'Every tenant’s messages and spend over a period, biggest spenders first', querystring: RangeQuery, response: { 200: AllTenants, ...errorResponses } },
    },
    async (request) => allTenantsUsage(db, reportRange(request.query)),
  );

  app.get(
    '/api/admin/whatsapp/usage/:tenantId',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['whatsapp billing admin'],
        summary: 'One tenant’s usage report, as they see it',
        params: Strict({ tenantId: Uuid }),
        querystring: UsageQuery,
        response: { 200: Type.Object({ tenant: Type.Object({ id: Uuid, name: Type.String(), email: Type.String() }), usage: TenantUsage }), ...errorResponses },
      },
    },
    async (request) => {
      const [tenant] = await db.query<{ id: string; name: string; email: string }>('SELECT id, name, email FROM users WHERE id = $1', [request.params.tenantId]);
      if (!tenant) throw notFound('Customer');
      const range = reportRange(request.query);
      const { numberId } = request.query;
      if (numberId && !(await findTenantNumber(db, tenant.id, numberId))) throw notFound('WhatsApp number');
      return { tenant, usage: await tenantUsage(db, tenant.id, range, numberId) };
    },
  );
};
