import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import { registerUser } from '../server/src/test/harness.js';
import { deliverSimulatorWebhooks, settleSimulator } from '../server/src/test/whatsapp.js';
import { AUTOMATION_JOB } from '../server/src/modules/whatsapp/automations/automation-runner.js';
import { browserRig, signedInPage, type BrowserRig } from './browser.js';
import { businessWithSimulatorNumber, callSimulator, inviteToTeam, openTeamInbox, phoneMessages, sendFromPhone, startPhoneChat, switchOnWelcome } from './whatsapp.js';

/** For what crosses from one browser to the other: the phone page asks every 3 s, the inbox is pushed; the machine may be busy. */
const ARRIVES = { timeout: 30_000 };

/** A business message's ticks in the inbox, found by their machine-readable state and their accessible name together. */
const ticks = (bubble: Locator, status: string, label: string) => bubble.locator(`[role="img"][data-status="${status}"][aria-label="${label}"]`);

/**
 * The whole conversation story in two phone-sized browsers against the Cloud API simulator: the
 * business switches on a welcome and invites an agent; a person says "hi" on "be the phone" and the
 * welcome arrives there; the agent finds the conversation unread in the team inbox and answers; the
 * answer arrives on the phone; the phone reads it, and the agent's ticks go from delivered to read.
 * Webhooks, automation runs and the simulator's progress are jobs, worked by the test as a worker would.
 */
describe('a WhatsApp conversation from the phone to the team inbox and back, in a real browser', () => {
  let rig: BrowserRig;
  before(async () => {
    rig = await browserRig();
  });
  after(() => rig.close());

  test('"hi" gets the welcome; the agent answers from the inbox; the ticks show delivered, then read when the phone reads', async () => {
    const { person: owner } = await businessWithSimulatorNumber(rig, 'store');
    const agent = await registerUser(rig.t.app, 'desk');
    const welcomeText = 'Namaste! Welcome to Sharma Stores. Someone from the shop will answer you shortly.';
    const replyText = 'Namaste Ravi! Your order is packed; you can collect it after 5 pm.';

    const { page: phone, errors: phoneErrors } = await signedInPage(rig, owner);
    await switchOnWelcome(phone, welcomeText);
    await inviteToTeam(phone, agent.email);

    // The simulated person reads only when the phone says so (a simulated person reads everything at
    // once by default, and "be the phone" has no switch for it), so "delivered" can be seen before "read".
    await callSimulator(rig.t, 'PUT', '/users/919876512345', { auto_read: false });

    // The person says "hi" on the simulated phone; the welcome automation answers there.
    await startPhoneChat(phone, { number: '98765 12345', name: 'Ravi' });
    await sendFromPhone(phone, 'hi');
    await deliverSimulatorWebhooks(rig.t);
    assert.equal(await rig.t.platform.jobs.runPending(AUTOMATION_JOB, 100), 1, 'the inbound "hi" queues one automation run');
    await phoneMessages(phone).getByLabel('From the business').getByText(welcomeText, { exact: true }).waitFor(ARRIVES);
    await settleSimulator(rig.t);

    // The agent opens the shop's inbox: the conversation is there, unread.
    const { page: inbox, errors: inboxErrors } = await signedInPage(rig, agent);
    await openTeamInbox(inbox, owner);
    const row = inbox.getByRole('button', { name: 'Open conversation with Ravi' });
    await row.getByLabel('1 unread message').waitFor(ARRIVES);

    // In the thread: the person's "hi" and the automation's welcome.
    await row.click();
    const thread = inbox.getByRole('region', { name: 'Conversation with Ravi' });
    const log = thread.getByRole('log', { name: 'Messages' });
    await log.locator('[data-direction="inbound"]').getByText('hi', { exact: true }).waitFor();
    const welcome = log.locator('[data-direction="outbound"]').filter({ hasText: welcomeText });
    await welcome.getByText('Automation', { exact: true }).waitFor();
    await ticks(welcome, 'delivered', 'Delivered').waitFor();

    // The agent answers with a free-form reply; it arrives on the phone.
    await thread.getByRole('textbox', { name: 'Your reply' }).fill(replyText);
    await thread.getByRole('button', { name: 'Send', exact: true }).click();
    const reply = log.locator('[data-direction="outbound"]').filter({ hasText: replyText });
    await reply.getByText(agent.name, { exact: true }).waitFor();
    const onPhone = phoneMessages(phone).getByLabel('From the business').filter({ hasText: replyText });
    await onPhone.waitFor(ARRIVES);

    // WhatsApp reports it sent and delivered: two grey ticks, and not read while the phone has not read it.
    await settleSimulator(rig.t);
    await ticks(reply, 'delivered', 'Delivered').waitFor(ARRIVES);
    assert.equal(await reply.getByRole('img').getAttribute('data-status'), 'delivered');
    await inbox.screenshot({ path: '/tmp/whatsapp-conversation-delivered.png', fullPage: true });

    // The person reads the chat on the phone; the read report turns the ticks blue, live.
    await onPhone.getByText(/· Delivered$/).waitFor(ARRIVES);
    await phone.getByRole('button', { name: 'Read all' }).click();
    await phone.getByText('Marked as read.').first().waitFor();
    await deliverSimulatorWebhooks(rig.t);
    await ticks(reply, 'read', 'Read').waitFor(ARRIVES);
    await ticks(welcome, 'read', 'Read').waitFor(ARRIVES);
    await onPhone.getByText(/· Read$/).waitFor(ARRIVES);
    await inbox.screenshot({ path: '/tmp/whatsapp-conversation-read.png', fullPage: true });
    await phone.screenshot({ path: '/tmp/whatsapp-conversation-phone.png', fullPage: true });

    const sent = await rig.t.db.query<{ source: string; sent_by: string | null; status: string }>(
      "SELECT source, sent_by, status FROM wa_messages WHERE direction = 'outbound' AND tenant_id = $1 ORDER BY created_at",
      [owner.id],
    );
    assert.deepEqual(
      sent.map((m) => [m.source, m.sent_by, m.status]),
      [
        ['automation', null, 'read'],
        ['inbox', agent.id, 'read'],
      ],
    );
    assert.deepEqual(phoneErrors, []);
    assert.deepEqual(inboxErrors, []);
  });
});
