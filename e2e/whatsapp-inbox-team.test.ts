import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { registerUser } from '../server/src/test/harness.js';
import { deliverSimulatorWebhooks, settleSimulator } from '../server/src/test/whatsapp.js';
import { browserRig, signedInPage, type BrowserRig } from './browser.js';
import { businessWithSimulatorNumber, callSimulator, inviteToTeam, openTeamInbox } from './whatsapp.js';

/**
 * The team inbox in phone-sized browsers against the Cloud API simulator: the owner invites an
 * agent; a simulated customer writes "hi" and it appears in the agent's open inbox without a reload
 * (server-sent events); the agent takes the conversation, leaves a note and answers; the reply's
 * ticks turn to delivered and then read as WhatsApp's status webhooks arrive; the owner sees all of
 * it live in their own browser. Webhooks and the simulator's progress are jobs, worked by the test.
 */
describe('WhatsApp team inbox in a real browser', () => {
  let rig: BrowserRig;
  before(async () => {
    rig = await browserRig();
  });
  after(() => rig.close());

  test('a customer writes "hi", the agent sees it live and answers; the ticks show delivered, then read', async () => {
    const { person: owner, number } = await businessWithSimulatorNumber(rig, 'shop');
    const agent = await registerUser(rig.t.app, 'agent');

    // The owner invites the agent from the team page.
    // The owner works on a desktop (list and thread side by side), the agent on a phone (one pane at a time).
    const { page: ownerPage, errors: ownerErrors } = await signedInPage(rig, owner, { viewport: { width: 1280, height: 900 } });
    await inviteToTeam(ownerPage, agent.email);

    // The agent opens the owner's inbox; the owner keeps theirs open too.
    const { page, errors } = await signedInPage(rig, agent);
    await openTeamInbox(page, owner);
    await page.getByText('No conversations here', { exact: false }).waitFor();
    await openTeamInbox(ownerPage);

    // A customer writes "hi": it appears in both open inboxes, without a reload.
    await callSimulator(rig.t, 'POST', '/inbound', { phone_number_id: number.phoneNumberId, from: '919876543210', profile_name: 'Asha', messages: [{ type: 'text', text: { body: 'hi' } }] });
    await callSimulator(rig.t, 'PUT', '/users/919876543210', { auto_read: false });
    await deliverSimulatorWebhooks(rig.t);
    const row = page.getByRole('button', { name: 'Open conversation with Asha' });
    await row.getByText('hi', { exact: true }).waitFor();
    await row.getByLabel('1 unread message').waitFor();
    await ownerPage.getByRole('button', { name: 'Open conversation with Asha' }).waitFor();

    // The agent opens it (one pane on a phone), takes it, notes something for the team.
    await row.click();
    const thread = page.getByRole('region', { name: 'Conversation with Asha' });
    await thread.getByText('Reply window:', { exact: false }).waitFor();
    await thread.getByRole('button', { name: 'Assign' }).click();
    await page.getByRole('menuitem', { name: `Me (${agent.name})` }).click();
    await thread.getByRole('button', { name: `Assigned to ${agent.name}` }).waitFor();
    await thread.getByText('Internal note', { exact: true }).click();
    await thread.getByLabel('Note for your team').fill('Asked about shop timings last week too.');
    await thread.getByRole('button', { name: 'Add note' }).click();
    await thread.getByLabel(`Note by ${agent.name}`).waitFor();

    // The owner's list shows who took it, live.
    await ownerPage.getByRole('button', { name: 'Open conversation with Asha' }).getByText(`Assigned to ${agent.name}`).waitFor();

    // The agent answers.
    await thread.getByText('Reply', { exact: true }).click();
    await thread.getByRole('textbox', { name: 'Your reply' }).fill('Namaste Asha! We are open till 8 pm today.');
    await thread.getByRole('button', { name: 'Send', exact: true }).click();
    const log = thread.getByRole('log', { name: 'Messages' });
    const reply = log.locator('[data-direction="outbound"]').filter({ hasText: 'We are open till 8 pm today.' });
    await reply.waitFor();

    // WhatsApp reports sent and delivered; later the customer reads it: the ticks follow, live.
    await settleSimulator(rig.t);
    await reply.getByRole('img', { name: 'Delivered' }).waitFor();
    await callSimulator(rig.t, 'POST', `/numbers/${number.phoneNumberId}/conversations/919876543210/read`, {});
    await settleSimulator(rig.t);
    await reply.getByRole('img', { name: 'Read' }).waitFor();
    await page.screenshot({ path: '/tmp/whatsapp-team-inbox.png', fullPage: true });

    // The owner's open thread shows the same reply, read, and the agent's note.
    await ownerPage.getByRole('button', { name: 'Open conversation with Asha' }).click();
    const ownerThread = ownerPage.getByRole('region', { name: 'Conversation with Asha' });
    await ownerThread.locator('[data-direction="outbound"]').getByRole('img', { name: 'Read' }).waitFor();
    await ownerThread.getByText('Asked about shop timings last week too.').waitFor();
    await ownerPage.getByRole('list', { name: 'Conversation list' }).waitFor();
    await ownerPage.screenshot({ path: '/tmp/whatsapp-team-inbox-desktop.png' });

    // A day later the window has closed: the reply box turns into a template picker by itself.
    await rig.t.db.query("UPDATE wa_service_windows SET last_inbound_at = now() - interval '25 hours' WHERE number_id = $1", [number.id]);
    await rig.t.db.query("UPDATE wa_contacts SET opted_in_at = now() WHERE tenant_id = $1 AND wa_id = '919876543210'", [owner.id]);
    await rig.t.platform.services.whatsappTemplates.sync.syncWaba(owner.id, number.wabaId);
    await page.reload();
    await thread.getByText('Window closed: templates only').waitFor();
    await thread.getByRole('textbox', { name: 'Your reply' }).waitFor({ state: 'detached' });
    await thread.getByRole('textbox', { name: 'Template' }).click();
    await page.getByRole('option', { name: 'hello_world (en_US)' }).click();
    await thread.getByRole('button', { name: 'Send template' }).click();
    await log.getByText('Template hello_world').waitFor();

    // The inbox in Hindi.
    await page.getByRole('button', { name: 'Back to conversations' }).click();
    await page.getByText('हिन्दी', { exact: true }).click();
    await page.getByRole('heading', { name: 'टीम इनबॉक्स' }).waitFor();
    await page.getByRole('button', { name: 'Asha के साथ बातचीत खोलें' }).waitFor();
    await page.getByText('EN', { exact: true }).click();

    const sent = await rig.t.db.query<{ type: string; source: string; sent_by: string; status: string }>(
      "SELECT type, source, sent_by, status FROM wa_messages WHERE direction = 'outbound' AND tenant_id = $1 ORDER BY created_at",
      [owner.id],
    );
    assert.deepEqual(
      sent.map((m) => [m.type, m.source, m.sent_by]),
      [
        ['text', 'inbox', agent.id],
        ['template', 'inbox', agent.id],
      ],
    );
    assert.equal(sent[0]!.status, 'read');
    assert.deepEqual(errors, []);
    assert.deepEqual(ownerErrors, []);
  });
});
