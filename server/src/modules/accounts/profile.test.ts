import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { Client, json, lastMailToken, registerUser, signedInClient, testPlatform, type TestPlatform } from '../../test/harness.js';

interface UserDto {
  id: string;
  name: string;
  email: string;
  mobile: string | null;
  language: string;
  emailVerified: boolean;
}
interface Preference {
  topic: string;
  channel: string;
  enabled: boolean;
  givenAt: string | null;
}

const errorOf = (res: LightMyRequestResponse) => json<{ error: { code: string; details?: { field: string }[] } }>(res).error;
const preferencesOf = async (c: Client) => json<{ preferences: Preference[] }>(await c.get('/api/me/preferences')).preferences;
const find = (prefs: Preference[], topic: string, channel: string) => prefs.find((p) => p.topic === topic && p.channel === channel)!;

describe('profile and communication preferences', () => {
  let t: TestPlatform;
  before(async () => {
    t = await testPlatform();
  });
  after(() => t.close());

  const actions = async (userId: string, action: string) =>
    t.db.query<{ details: Record<string, unknown> }>('SELECT details FROM activity_log WHERE subject_user_id = $1 AND action = $2 ORDER BY id', [userId, action]);

  describe('profile', () => {
    test('name, mobile (as typed, stored as +91…) and language are changed and logged; a no-op is not logged', async () => {
      const { client, person } = await signedInClient(t, 'customer');
      const res = await client.patch('/api/me', { name: '  Sunita Devi ', mobile: '098765 01234', language: 'hi' });
      assert.equal(res.statusCode, 200, res.body);
      const user = json<{ user: UserDto }>(res).user;
      assert.deepEqual([user.name, user.mobile, user.language], ['Sunita Devi', '+919876501234', 'hi']);
      assert.deepEqual(json<{ user: UserDto }>(await client.get('/api/me')).user, user);
      const [row] = await t.db.query<{ mobile: string }>('SELECT mobile FROM users WHERE id = $1', [person.id]);
      assert.equal(row!.mobile, '+919876501234');

      const logged = await actions(person.id, 'account.profile_updated');
      assert.deepEqual(logged.map((r) => r.details.fields), [['name', 'mobile', 'language']]);
      assert.equal((await client.patch('/api/me', { name: 'Sunita Devi', mobile: '+91 98765 01234' })).statusCode, 200);
      assert.equal((await actions(person.id, 'account.profile_updated')).length, 1, 'nothing changed, nothing logged');
    });

    test('a bad mobile number, an empty name or someone else’s mobile or email is refused and changes nothing', async () => {
      const { client, person } = await signedInClient(t, 'customer');
      const other = await registerUser(t.app, 'taken');
      const cases: [Record<string, unknown>, number, string, string | null][] = [
        [{ mobile: '5876543210' }, 400, 'validation_failed', 'mobile'],
        [{ mobile: '+1 202 555 0100' }, 400, 'validation_failed', 'mobile'],
        [{ name: '   ' }, 400, 'validation_failed', 'name'],
        [{ email: 'not-an-email' }, 400, 'validation_failed', 'email'],
        [{ role: 'admin' }, 400, 'validation_failed', 'role'],
        [{ mobile: other.mobile }, 409, 'mobile_taken', null],
        [{ email: other.email.toUpperCase() }, 409, 'email_taken', null],
      ];
      for (const [body, status, code, field] of cases) {
        const res = await client.patch('/api/me', body);
        assert.equal(res.statusCode, status, `${JSON.stringify(body)}: ${res.body}`);
        const err = errorOf(res);
        assert.equal(err.code, code);
        if (field) assert.ok(err.details?.some((d) => d.field === field), res.body);
      }
      const [row] = await t.db.query<{ name: string; email: string; mobile: string; role: string }>('SELECT name, email, mobile, role FROM users WHERE id = $1', [person.id]);
      assert.deepEqual({ ...row }, { name: person.name, email: person.email, mobile: `+91${person.mobile}`, role: 'customer' });
    });

    test('a new email address must be verified again, by a link sent to the new address', async () => {
      const { client, person } = await signedInClient(t, 'customer');
      const verify = new Client(t.app);
      await verify.start();
      assert.equal((await verify.post('/api/auth/verify-email', { token: await lastMailToken(t.db, person.email, 'verify_email') })).statusCode, 200);
      assert.equal(json<{ user: UserDto }>(await client.get('/api/me')).user.emailVerified, true);

      const newEmail = `moved.${person.email}`;
      const res = await client.patch('/api/me', { email: newEmail.toUpperCase() });
      assert.equal(res.statusCode, 200, res.body);
      const user = json<{ user: UserDto }>(res).user;
      assert.deepEqual([user.email, user.emailVerified], [newEmail, false]);

      const token = await lastMailToken(t.db, newEmail, 'verify_email');
      assert.equal((await verify.post('/api/auth/verify-email', { token })).statusCode, 200);
      assert.equal(json<{ user: UserDto }>(await client.get('/api/me')).user.emailVerified, true);
      assert.equal((await new Client(t.app).login(newEmail, person.password)).statusCode, 200, 'signs in with the new address');
      assert.equal((await new Client(t.app).login(person.email, person.password)).statusCode, 401, 'not with the old one');
    });
  });

  describe('communication preferences', () => {
    test('nine choices (service updates, wallet, marketing × email, WhatsApp, in-app), each with the time it was given', async () => {
      const { client, person } = await signedInClient(t, 'customer');
      const prefs = await preferencesOf(client);
      assert.deepEqual(
        prefs.map((p) => `${p.topic}/${p.channel}=${p.enabled}`).sort(),
        [
          'marketing/email=false',
          'marketing/in_app=false',
          'marketing/whatsapp=false',
          'service_updates/email=true',
          'service_updates/in_app=true',
          'service_updates/whatsapp=false',
          'wallet/email=true',
          'wallet/in_app=true',
          'wallet/whatsapp=false',
        ],
        'registration defaults: no marketing, no WhatsApp',
      );
      const [registered] = await t.db.query<{ created_at: Date }>('SELECT created_at FROM users WHERE id = $1', [person.id]);
      for (const p of prefs) assert.equal(p.givenAt, registered!.created_at.toISOString(), `${p.topic}/${p.channel} given at registration`);
    });

    test('a change stores the new choice with its own time; unchanged choices keep theirs', async () => {
      const { client, person } = await signedInClient(t, 'customer');
      const longAgo = '2020-01-01T00:00:00.000Z';
      await t.db.query('UPDATE communication_preferences SET given_at = $2 WHERE user_id = $1', [person.id, longAgo]);

      const res = await client.put('/api/me/preferences', {
        preferences: [
          { topic: 'marketing', channel: 'whatsapp', enabled: true },
          { topic: 'wallet', channel: 'email', enabled: false },
          { topic: 'service_updates', channel: 'email', enabled: true }, // as it was
        ],
      });
      assert.equal(res.statusCode, 200, res.body);
      const answered = json<{ preferences: Preference[] }>(res).preferences;
      assert.deepEqual(answered, await preferencesOf(client));
      const changedAt = (p: Preference) => Date.parse(p.givenAt!);
      assert.equal(find(answered, 'marketing', 'whatsapp').enabled, true);
      assert.equal(find(answered, 'wallet', 'email').enabled, false);
      assert.ok(changedAt(find(answered, 'marketing', 'whatsapp')) > Date.parse(longAgo));
      assert.ok(changedAt(find(answered, 'wallet', 'email')) > Date.parse(longAgo));
      const untouched = answered.filter((p) => !(p.topic === 'marketing' && p.channel === 'whatsapp') && !(p.topic === 'wallet' && p.channel === 'email'));
      assert.equal(untouched.length, 7);
      for (const p of untouched) assert.equal(p.givenAt, longAgo, `${p.topic}/${p.channel} keeps its time`);

      const logged = await actions(person.id, 'account.preferences_updated');
      assert.equal(logged.length, 1);
      // Sending the same choices again is not a new decision.
      const [before] = await t.db.query<{ given_at: Date }>("SELECT given_at FROM communication_preferences WHERE user_id = $1 AND topic = 'marketing' AND channel = 'whatsapp'", [person.id]);
      assert.equal((await client.put('/api/me/preferences', { preferences: [{ topic: 'marketing', channel: 'whatsapp', enabled: true }] })).statusCode, 200);
      const [again] = await t.db.query<{ given_at: Date }>("SELECT given_at FROM communication_preferences WHERE user_id = $1 AND topic = 'marketing' AND channel = 'whatsapp'", [person.id]);
      assert.equal(again!.given_at.getTime(), before!.given_at.getTime());
      assert.equal((await actions(person.id, 'account.preferences_updated')).length, 1);
    });

    test('unknown kinds or channels, empty or oversized lists are refused with 400', async () => {
      const { client, person } = await signedInClient(t, 'customer');
      const one = { topic: 'wallet', channel: 'email', enabled: false };
      const bodies: unknown[] = [
        { preferences: [] },
        { preferences: [{ ...one, topic: 'politics' }] },
        { preferences: [{ ...one, channel: 'sms' }] },
        { preferences: [{ topic: 'wallet', channel: 'email' }] },
        { preferences: [{ ...one, enabled: 'no' }] },
        { preferences: [{ ...one, givenAt: '2020-01-01T00:00:00Z' }] },
        { preferences: Array.from({ length: 10 }, () => one) },
        { preferences: one },
      ];
      for (const body of bodies) {
        const res = await client.put('/api/me/preferences', body);
        assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
        assert.equal(errorOf(res).code, 'validation_failed');
      }
      assert.equal(find(await preferencesOf(client), 'wallet', 'email').enabled, true);
      assert.equal((await actions(person.id, 'account.preferences_updated')).length, 0);
    });
  });
});
