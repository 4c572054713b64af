import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { Client, json, signedInClient, testPlatform, type TestPlatform } from '../../test/harness.js';

interface ErrorBody {
  error: { code: string; message: string };
}
const code = (res: LightMyRequestResponse) => json<ErrorBody>(res).error.code;

describe('account closure', () => {
  let t: TestPlatform;
  let admin: Awaited<ReturnType<typeof signedInClient>>;
  before(async () => {
    t = await testPlatform();
    admin = await signedInClient(t, 'admin');
  });
  after(() => t.close());

  const statusOf = async (id: string) =>
    (await t.db.query<{ status: string; closed_at: Date | null }>('SELECT status, closed_at FROM users WHERE id = $1', [id]))[0]!;
  const adjust = (userId: string, amount: number) =>
    admin.client.post(`/api/admin/wallets/${userId}/adjustments`, { amount, reason: amount > 0 ? 'cash deposit at the counter' : 'refunded in cash at the counter' });

  test('a customer closes their own account: password checked, wallet emptied first, then signed out everywhere for good', async () => {
    const c = await signedInClient(t, 'customer');
    const phone = new Client(t.app);
    assert.equal((await phone.login(c.person.email, c.person.password)).statusCode, 200, 'a second session');

    const wrong = await c.client.post('/api/me/close', { password: 'not-my-password' });
    assert.equal(wrong.statusCode, 400, wrong.body);
    assert.equal(code(wrong), 'wrong_password');
    assert.equal((await c.client.post('/api/me/close', {})).statusCode, 400);

    assert.equal((await adjust(c.person.id, 25_000)).statusCode, 201);
    const withMoney = await c.client.post('/api/me/close', { password: c.person.password });
    assert.equal(withMoney.statusCode, 409, withMoney.body);
    assert.equal(code(withMoney), 'wallet_not_empty');
    assert.match(json<ErrorBody>(withMoney).error.message, /₹250\.00/);
    assert.equal((await statusOf(c.person.id)).status, 'active', 'a refusal changes nothing');
    assert.equal((await c.client.get('/api/me')).statusCode, 200);

    assert.equal((await adjust(c.person.id, -25_000)).statusCode, 201);
    const closed = await c.client.post('/api/me/close', { password: c.person.password });
    assert.equal(closed.statusCode, 204, closed.body);
    assert.ok((closed.cookies as { value: string }[]).some((k) => k.value === ''), 'the session cookie is cleared');

    const row = await statusOf(c.person.id);
    assert.equal(row.status, 'closed');
    assert.ok(row.closed_at instanceof Date);
    for (const client of [c.client, phone]) assert.equal((await client.get('/api/me')).statusCode, 401, 'every session ended');
    const live = await t.db.query("SELECT 1 FROM sessions WHERE user_id = $1 AND (revoked_at IS NULL OR revoked_reason <> 'account_closed')", [c.person.id]);
    assert.equal(live.length, 0);

    const again = await new Client(t.app).login(c.person.email, c.person.password);
    assert.equal(again.statusCode, 403);
    assert.equal(code(again), 'account_closed');
    const failed = await t.db.query<{ details: { reason: string } }>("SELECT details FROM activity_log WHERE subject_user_id = $1 AND action = 'auth.login_failed'", [c.person.id]);
    assert.deepEqual(failed.map((f) => f.details.reason), ['closed']);
    // No password reset mail for a closed account either.
    const reset = new Client(t.app);
    await reset.start();
    assert.equal((await reset.post('/api/auth/forgot-password', { email: c.person.email })).statusCode, 202);
    assert.equal((await t.db.query("SELECT 1 FROM mail_outbox WHERE user_id = $1 AND purpose = 'reset_password'", [c.person.id])).length, 0);

    const [activity] = await t.db.query<{ actor_id: string; details: { by: string; sessionsEnded: number } }>(
      "SELECT actor_id, details FROM activity_log WHERE subject_user_id = $1 AND action = 'account.closed'",
      [c.person.id],
    );
    assert.equal(activity!.actor_id, c.person.id);
    assert.deepEqual(activity!.details, { by: 'self', sessionsEnded: 2 });
  });

  test('a closed account is final: admins cannot reactivate it and the database refuses to reopen it', async () => {
    const c = await signedInClient(t, 'customer');
    assert.equal((await c.client.post('/api/me/close', { password: c.person.password })).statusCode, 204);
    const reactivate = await admin.client.patch(`/api/admin/users/${c.person.id}`, { status: 'active' });
    assert.equal(reactivate.statusCode, 409, reactivate.body);
    assert.equal(code(reactivate), 'account_closed');
    assert.equal((await admin.client.patch(`/api/admin/users/${c.person.id}`, { status: 'closed' })).statusCode, 400, 'closing is its own step');
    await assert.rejects(t.db.query("UPDATE users SET status = 'active', closed_at = NULL WHERE id = $1", [c.person.id]), /cannot be reopened/);
    await assert.rejects(t.db.query("UPDATE users SET status = 'closed', closed_at = NULL WHERE id = $1", [c.person.id]), /users_closed_at_check/);
    await assert.rejects(t.db.query("UPDATE users SET closed_at = now() WHERE id = $1", [admin.person.id]), /users_closed_at_check/, 'closed_at only with the closed status');

    // Nor does `seva create-admin` reopen it (it makes an existing account with that email an admin).
    await assert.rejects(t.platform.services.accounts.createAdmin(c.person.email, 'A-long-admin-passphrase', { ip: null, userAgent: null, requestId: 'test' }), (err: { code?: string }) => err.code === 'account_closed');
    assert.equal((await statusOf(c.person.id)).status, 'closed');

    const list = json<{ items: { id: string; status: string }[] }>(await admin.client.get(`/api/staff/users?status=closed&q=${encodeURIComponent(c.person.email)}`));
    assert.deepEqual(list.items.map((u) => [u.id, u.status]), [[c.person.id, 'closed']]);
  });

  test('an admin closes an account with a reason; never their own; customers and operators may not', async () => {
    const c = await signedInClient(t, 'customer');
    const operator = await signedInClient(t, 'operator');
    assert.equal((await operator.client.post(`/api/admin/users/${c.person.id}/close`, { reason: 'customer asked at the counter' })).statusCode, 403);
    assert.equal((await c.client.post(`/api/admin/users/${c.person.id}/close`, { reason: 'customer asked at the counter' })).statusCode, 403);
    const short = await admin.client.post(`/api/admin/users/${c.person.id}/close`, { reason: ' no ' });
    assert.equal(short.statusCode, 400);
    assert.equal(json<{ error: { details: { field: string }[] } }>(short).error.details[0]!.field, 'reason');
    const self = await admin.client.post(`/api/admin/users/${admin.person.id}/close`, { reason: 'closing myself as admin' });
    assert.equal(self.statusCode, 409);
    assert.equal(code(self), 'cannot_change_self');
    assert.equal((await admin.client.post('/api/admin/users/00000000-0000-4000-8000-000000000000/close', { reason: 'no such account' })).statusCode, 404);

    const res = await admin.client.post(`/api/admin/users/${c.person.id}/close`, { reason: 'Customer asked at the counter to close the account.' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(json<{ user: { status: string } }>(res).user.status, 'closed');
    assert.equal((await c.client.get('/api/me')).statusCode, 401);
    const twice = await admin.client.post(`/api/admin/users/${c.person.id}/close`, { reason: 'Customer asked at the counter to close the account.' });
    assert.equal(twice.statusCode, 409);
    assert.equal(code(twice), 'account_closed');
    const [activity] = await t.db.query<{ actor_id: string; details: { by: string; reason: string } }>(
      "SELECT actor_id, details FROM activity_log WHERE subject_user_id = $1 AND action = 'account.closed'",
      [c.person.id],
    );
    assert.equal(activity!.actor_id, admin.person.id);
    assert.equal(activity!.details.by, 'admin');
    assert.equal(activity!.details.reason, 'Customer asked at the counter to close the account.');
  });

  test('the only active admin cannot close their own account', async () => {
    const last = await signedInClient(t, 'admin');
    await t.db.query("UPDATE users SET status = 'suspended' WHERE role = 'admin' AND status = 'active' AND id <> $1", [last.person.id]);
    const res = await last.client.post('/api/me/close', { password: last.person.password });
    assert.equal(res.statusCode, 409, res.body);
    assert.equal(code(res), 'last_admin');
    assert.equal((await statusOf(last.person.id)).status, 'active');
  });
});
