import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { Db } from '../../db/index.js';
import { toCsv } from '../../platform/csv.js';
import { notFound } from '../../platform/errors.js';
import { requestMeta, userActor } from '../../platform/http.js';
import { Strict, Timestamp, Uuid, errorResponses } from '../../platform/schemas.js';
import { findUserById } from '../accounts/accounts.repo.js';
import type { PassbookFilter, PassbookLine, WalletService } from './wallet.service.js';

const tags = ['wallet'];
const Paise = Type.Integer({ description: 'Amount in paise (₹1 = 100 paise)' });
const Balances = Type.Object({ available: Paise, held: Paise, posted: Paise, currency: Type.Literal('INR') });
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

export const walletRoutes: FastifyPluginAsyncTypebox<{ db: Db; wallet: WalletService }> = async (app, { db, wallet }) => {
  app.get(
    '/api/wallet',
    { config: { access: 'signed-in' }, schema: { tags, summary: 'Your wallet balances', response: { 200: Balances, ...errorResponses } } },
    async (request) => ({ ...(await wallet.balances(userActor(request).userId)), currency: 'INR' as const }),
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
            totals: Type.Object({ available: Paise, held: Paise }),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { q, limit, offset } = request.query;
      const pattern = q ? '%' + q.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%' : null;
      const rows = await db.query<{ user_id: string; name: string; email: string; available: number; held: number }>(
        `SELECT u.id AS user_id, u.name, u.email,
                COALESCE(max(a.balance) FILTER (WHERE a.kind = 'customer_wallet'), 0)::bigint AS available,
                COALESCE(max(a.balance) FILTER (WHERE a.kind = 'customer_holds'), 0)::bigint AS held
         FROM ledger_accounts a JOIN users u ON u.id = a.owner_user_id
         WHERE ($1::text IS NULL OR lower(u.name) LIKE $1 OR u.email LIKE $1)
         GROUP BY u.id ORDER BY available DESC, u.id LIMIT $2 OFFSET $3`,
        [pattern, limit, offset],
      );
      const totals = await db.query<{ available: number; held: number }>(
        `SELECT COALESCE(sum(balance) FILTER (WHERE kind = 'customer_wallet'), 0)::bigint AS available,
                COALESCE(sum(balance) FILTER (WHERE kind = 'customer_holds'), 0)::bigint AS held
         FROM ledger_accounts WHERE owner_user_id IS NOT NULL`,
      );
      return {
        items: rows.map((r) => ({ userId: r.user_id, name: r.name, email: r.email, available: r.available, held: r.held })),
        totals: totals[0]!,
      };
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
