import { createServer, type AddressInfo, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, json, registerUser, signedInClient, testPlatform, uniquePerson, type TestPlatform } from '../../test/harness.js';
import { MAIL_JOB } from './mail.service.js';

interface Received {
  from: string;
  to: string[];
  data: string;
}

/**
 * A small SMTP server (RFC 5321 without extensions) that keeps what it is sent and refuses any
 * recipient whose address starts with "refuse", so the real nodemailer transport is exercised.
 */
async function smtpServer(): Promise<{ port: number; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((socket) => {
    let buffer = '';
    let inData = false;
    let current: Received = { from: '', to: [], data: '' };
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 test-smtp ready');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          current.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          received.push(current);
          current = { from: '', to: [], data: '' };
          reply('250 queued');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') reply('250 test-smtp');
        else if (verb === 'MAIL') {
          current = { from: /<(.*)>/.exec(line)?.[1] ?? '', to: [], data: '' };
          reply('250 sender ok');
        } else if (verb === 'RCPT') {
          const to = /<(.*)>/.exec(line)?.[1] ?? '';
          if (to.startsWith('refuse')) reply('550 5.1.1 mailbox unavailable');
          else {
            current.to.push(to);
            reply('250 recipient ok');
          }
        } else if (verb === 'DATA') {
          inData = true;
          reply('354 end with <CRLF>.<CRLF>');
        } else if (verb === 'QUIT') {
          reply('221 bye');
          socket.end();
          return;
        } else reply('250 ok');
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface OutboxRow {
  status: string;
  body_text: string | null;
  attempts: number;
  last_error: string | null;
  sent_at: Date | null;
}
const outbox = async (t: TestPlatform, to: string) =>
  (await t.db.query<OutboxRow>('SELECT status, body_text, attempts, last_error, sent_at FROM mail_outbox WHERE to_address = $1', [to]))[0]!;

describe('mail through SMTP_URL', () => {
  let t: TestPlatform;
  let smtp: Awaited<ReturnType<typeof smtpServer>>;
  before(async () => {
    smtp = await smtpServer();
    t = await testPlatform({ env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'Seva Kendra <no-reply@seva.example.in>' } });
  });
  after(async () => {
    await t.close();
    await smtp.close();
  });

  test('a verification mail is handed to the SMTP server by the job, then its body is dropped from the outbox', async () => {
    await t.platform.jobs.runPending(MAIL_JOB);
    const person = await registerUser(t.app, 'smtp');
    const queued = await outbox(t, person.email);
    assert.equal(queued.status, 'queued');
    assert.match(queued.body_text ?? '', /\/verify-email\?token=/);
    assert.equal(smtp.received.length, 0, 'nothing is sent in the request itself');

    assert.equal(await t.platform.jobs.runPending(MAIL_JOB), 1);
    assert.equal(smtp.received.length, 1);
    const mail = smtp.received[0]!;
    assert.equal(mail.from, 'no-reply@seva.example.in');
    assert.deepEqual(mail.to, [person.email]);
    assert.match(mail.data, /Subject: Verify your email for Seva Kendra/);
    // Quoted-printable may fold the long link; unfolded it carries the token.
    const body = mail.data.replace(/=\r\n/g, '').replace(/=3D/g, '=');
    const token = /verify-email\?token=([A-Za-z0-9_-]+)/.exec(body)?.[1];
    assert.ok(token, body);

    const sent = await outbox(t, person.email);
    assert.equal(sent.status, 'sent');
    assert.equal(sent.body_text, null, 'a delivered one-time link is not kept');
    assert.ok(sent.sent_at);
    assert.equal(sent.attempts, 1);

    const c = new Client(t.app);
    await c.start();
    assert.equal((await c.post('/api/auth/verify-email', { token })).statusCode, 200, 'the mailed link works');
  });

  test('a refusal by the SMTP server marks the mail failed, keeps it for the retry, and fails the job', async () => {
    await t.platform.jobs.runPending(MAIL_JOB);
    const person = uniquePerson('refuse');
    const email = `refuse.${person.email}`;
    const c = new Client(t.app);
    c.ip = '198.51.100.170';
    await c.start();
    assert.equal((await c.post('/api/auth/register', { ...person, email })).statusCode, 201);
    const before = smtp.received.length;

    assert.equal(await t.platform.jobs.runPending(MAIL_JOB), 1);
    assert.equal(smtp.received.length, before);
    const failed = await outbox(t, email);
    assert.equal(failed.status, 'failed');
    assert.match(failed.last_error ?? '', /550/);
    assert.match(failed.body_text ?? '', /verify-email\?token=/, 'kept for the next attempt');
    assert.equal(failed.attempts, 1);
    const jobs = await t.db.query<{ state: string }>(
      "SELECT state FROM pgboss.job WHERE name = $1 AND data->>'id' = (SELECT id::text FROM mail_outbox WHERE to_address = $2)",
      [MAIL_JOB, email],
    );
    assert.deepEqual(jobs.map((j) => j.state), ['retry'], 'pg-boss tries again later');
  });
});

describe('mail without SMTP_URL: the sandbox outbox', () => {
  let t: TestPlatform;
  before(async () => {
    t = await testPlatform();
  });
  after(() => t.close());

  test('mail is kept in the outbox, where only admins read it, link included', async () => {
    await t.platform.jobs.runPending(MAIL_JOB);
    const person = await registerUser(t.app, 'sandbox');
    assert.equal(await t.platform.jobs.runPending(MAIL_JOB), 1);
    const row = await outbox(t, person.email);
    assert.equal(row.status, 'sandbox');
    assert.match(row.body_text ?? '', /\/verify-email\?token=/);

    const admin = await signedInClient(t, 'admin');
    const res = await admin.client.get('/api/admin/mail?limit=50');
    assert.equal(res.statusCode, 200, res.body);
    const items = json<{ items: { to: string; subject: string; bodyText: string; purpose: string; status: string }[] }>(res).items;
    const mine = items.filter((i) => i.to === person.email);
    assert.equal(mine.length, 1);
    assert.deepEqual([mine[0]!.purpose, mine[0]!.status, mine[0]!.subject], ['verify_email', 'sandbox', 'Verify your email for Seva Kendra']);
    assert.match(mine[0]!.bodyText, new RegExp(`${t.config.publicUrl}/verify-email\\?token=[A-Za-z0-9_-]{43}`));

    for (const role of ['customer', 'operator'] as const) {
      const other = await signedInClient(t, role);
      assert.equal((await other.client.get('/api/admin/mail')).statusCode, 403, role);
    }
  });
});
