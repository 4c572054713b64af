import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { Db } from '../../db/index.js';
import { toCsv } from '../../platform/csv.js';
import { containsPattern } from '../../platform/sql.js';
import { notFound } from '../../platform/errors.js';
import { requestMeta, userActor } from '../../platform/http.js';
import { Strict, Timestamp, Uuid, errorResponses } from '../../platform/schemas.js';
import { findUserById } from '../accounts/accounts.repo.js';
import type { PassbookFilter, PassbookLine, WalletService } from './wallet.service.js';

const tags = ['wallet'];
const Paise = Type.Integer({ description: 'Amount in paise (₹1 = 100 paise)' });
const Balances = Type.Object({ available: Paise, held: Paise, posted: Paise, currency: Type.Literal('INR') });
const Limits = Type.Object({ topupMinPaise: Paise, topupMaxPaise: Paise, kycLimitPaise: Paise });
export type TopupLimits = Static<typeof Limits>;
const Line = Type.Object({
  id: Type.Integer(),
  at: Timestamp,
  kind: Type.String(),
  description: Type.String(),
  amount: Paise,
  balanceAfter: Paise,
  transferId: Uuid,
});
const Page = Type.Object({ items: Type.Array(Line), nextBefore: Type.Union([Type.Integer(), Type.Null()]) });
const KIND = Type.String({ pattern: '^[a-z_]+$', maxLength: 40 });
const PassbookQuery = Strict({
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  kind: Type.Optional(KIND),
  before: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
});
const CsvQuery = Strict({ ...PassbookQuery.properties, limit: Type.Integer({ minimum: 1, maximum: 50_000, default: 10_000 }) });
const UserParams = Strict({ userId: Uuid });

function filter(q: Static<typeof PassbookQuery>): PassbookFilter {
  return {
    limit: q.limit,
    ...(q.from ? { from: new Date(q.from) } : {}),
    ...(q.to ? { to: new Date(q.to) } : {}),
    ...(q.kind ? { kind: q.kind } : {}),
    ...(q.before ? { before: q.before } : {}),
  };
}

const toLine = (l: PassbookLine) => ({ ...l, at: l.at.toISOString() });
const page = (lines: PassbookLine[], limit: number) => ({
  items: lines.map(toLine),
  nextBefore: lines.length === limit ? lines[lines.length - 1]!.id : null,
});

function passbookCsv(lines: PassbookLine[]): string {
  return toCsv(
    ['date', 'kind', 'description', 'amount_inr', 'balance_inr', 'transfer_id'],
    lines.map((l) => [l.at, l.kind, l.description, (l.amount / 100).toFixed(2), (l.balanceAfter / 100).toFixed(2), l.transferId]),
  );
}

export const walletRoutes: FastifyPluginAsyncTypebox<{ db: Db; wallet: WalletService; limits: TopupLimits }> = async (app, { db, wallet, limits }) => {
  app.get(
    '/api/wallet',
    {
      config: { access: 'signed-in' },
      schema: { tags, summary: 'Your wallet balances and the top-up limits', response: { 200: Type.Composite([Balances, Type.Object({ limits: Limits })]), ...errorResponses } },
    },
    async (request) => ({ ...(await wallet.balances(userActor(request).userId)), currency: 'INR' as const, limits }),
  );

  app.get(
    '/api/wallet/passbook',
    { config: { access: 'signed-in' }, schema: { tags, summary: 'Every movement of your wallet with the running balance, newest first', querystring: PassbookQuery, response: { 200: Page, ...errorResponses } } },
    async (request) => page(await wallet.passbook(userActor(request).userId, filter(request.query)), request.query.limit),
  );

  app.get(
    '/api/wallet/passbook.csv',
    { config: { access: 'signed-in' }, schema: { tags, summary: 'Your passbook as CSV', querystring: CsvQuery, produces: ['text/csv'] } },
    async (request, reply) =>
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="passbook-${new Date().toISOString().slice(0, 10)}.csv"`)
        .send(passbookCsv(await wallet.passbook(userActor(request).userId, filter(request.query)))),
  );

  app.get(
    '/api/admin/wallets',
    {
      config: { access: ['admin'] },
      schema: {
        tags,
        summary: 'All customer wallets with balances',
        querystring: Strict({ q: Type.Optional(Type.String({ maxLength: 100 })), limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }), offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }) }),
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ userId: Uuid, name: Type.String(), email: Type.String(), available: Paise, held: Paise })),
            total: Type.Integer(),
            totals: Type.Object({ available: Paise, held: Paise }),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { q, limit, offset } = request.query;
      const pattern = q ? containsPattern(q) : null;
      // From users, so customers who never used their wallet are listed too (with zero).
      const rows = await db.query<{ user_id: string; name: string; email: string; available: number; held: number; total: number }>(
        `SELECT u.id AS user_id, u.name, u.email,
                COALESCE(w.balance, 0)::bigint AS available, COALESCE(h.balance, 0)::bigint AS held,
                count(*) OVER ()::int AS total
         FROM users u
         LEFT JOIN ledger_accounts w ON w.owner_user_id = u.id AND w.kind = 'customer_wallet'
         LEFT JOIN ledger_accounts h ON h.owner_user_id = u.id AND h.kind = 'customer_holds'
         WHERE ($1::text IS NULL OR lower(u.name) LIKE $1 OR u.email LIKE $1 OR u.mobile LIKE $1)
         ORDER BY available DESC, u.created_at DESC, u.id LIMIT $2 OFFSET $3`,
        [pattern, limit, offset],
      );
      const totals = await db.query<{ available: number; held: number }>(
        `SELECT COALESCE(sum(balance) FILTER (WHERE kind = 'customer_wallet'), 0)::bigint AS available,
                COALESCE(sum(balance) FILTER (WHERE kind = 'customer_holds'), 0)::bigint AS held
         FROM ledger_accounts WHERE owner_user_id IS NOT NULL`,
      );
      return {
        items: rows.map((r) => ({ userId: r.user_id, name: r.name, email: r.email, available: r.available, held: r.held })),
        total: rows[0]?.total ?? 0,
        totals: totals[0]!,
      };
    },
  );

  app.get(
    '/api/admin/wallets/:userId',
    {
      config: { access: ['admin'] },
      schema: {
        tags,
        summary: "A customer's wallet balances",
        params: UserParams,
        response: { 200: Type.Object({ user: Type.Object({ id: Uuid, name: Type.String(), email: Type.String() }), balances: Balances }), ...errorResponses },
      },
    },
    async (request) => {
      const user = await findUserById(db, request.params.userId);
      if (!user) throw notFound('User');
      return { user: { id: user.id, name: user.name, email: user.email }, balances: { ...(await wallet.balances(user.id)), currency: 'INR' as const } };
    },
  );

  app.get(
    '/api/admin/wallets/:userId/passbook.csv',
    { config: { access: ['admin'] }, schema: { tags, summary: "A customer's passbook as CSV", params: UserParams, querystring: CsvQuery, produces: ['text/csv'] } },
    async (request, reply) => {
      if (!(await findUserById(db, request.params.userId))) throw notFound('User');
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="passbook-${request.params.userId}.csv"`)
        .send(passbookCsv(await wallet.passbook(request.params.userId, filter(request.query))));
    },
  );

  app.get(
    '/api/admin/wallets/:userId/passbook',
    { config: { access: ['admin'] }, schema: { tags, summary: "A customer's passbook", params: UserParams, querystring: PassbookQuery, response: { 200: Page, ...errorResponses } } },
    async (request) => {
      if (!(await findUserById(db, request.params.userId))) throw notFound('User');
      return page(await wallet.passbook(request.params.userId, filter(request.query)), request.query.limit);
    },
  );

  app.post(
    '/api/admin/wallets/:userId/adjustments',
    {
      config: { access: ['admin'] },
      schema: {
        tags,
        summary: 'Credit (positive) or debit (negative) a wallet, with a reason',
        params: UserParams,
        body: Strict({
          amount: Type.Integer({ minimum: -100_000_000, maximum: 100_000_000 }),
          reason: Type.String({ minLength: 5, maxLength: 500 }),
          idempotencyKey: Type.Optional(Type.String({ minLength: 8, maxLength: 100 })),
        }),
        response: { 201: Type.Object({ transferId: Uuid, replayed: Type.Boolean(), balances: Balances }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { userId } = request.params;
      if (!(await findUserById(db, userId))) throw notFound('User');
      const posted = await wallet.adjust(userActor(request), { userId, ...request.body }, requestMeta(request));
      return reply.status(201).send({ transferId: posted.transfer.id, replayed: posted.replayed, balances: { ...(await wallet.balances(userId)), currency: 'INR' as const } });
    },
  );
};
