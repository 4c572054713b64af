import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deliverSimulatorWebhooks } from '../server/src/test/whatsapp.js';
import { AUTOMATION_JOB } from '../server/src/modules/whatsapp/automations/automation-runner.js';
import { browserRig, openFromMenu, signedInPage, type BrowserRig } from './browser.js';
import { businessWithSimulatorNumber, phoneMessages, sendFromPhone, startPhoneChat, switchOnWelcome } from './whatsapp.js';

/**
 * Automations in a phone-sized browser, against the Cloud API simulator: the customer writes a
 * welcome message and keyword rules (Hindi included), reorders them, asks which rule would fire, and
 * then a simulated person says "hi" on "be the phone" and gets the welcome. Webhooks and automation
 * runs are jobs here, worked by the test as a worker would.
 */
describe('WhatsApp automations in a real browser', () => {
  let rig: BrowserRig;
  before(async () => {
    rig = await browserRig();
  });
  after(() => rig.close());

  test('welcome, keyword rules, reorder, test a message, and the welcome arriving on the phone', async () => {
    const { person } = await businessWithSimulatorNumber(rig, 'auto');
    const { page, errors } = await signedInPage(rig, person);

    // The welcome message.
    await switchOnWelcome(page, 'Namaste! Welcome to Sharma Stores. Reply PRICE for our prices.');

    // Two keyword rules; the second is moved to the top.
    await page.getByRole('tab', { name: /Keyword rules/ }).click();
    const addRule = async (name: string, keyword: string, answer: string) => {
      await page.getByRole('button', { name: 'Add a rule' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add a rule' });
      await dialog.getByLabel('Name (optional)').fill(name);
      await dialog.getByRole('textbox', { name: 'Keywords' }).fill(keyword);
      await dialog.getByRole('textbox', { name: 'Keywords' }).press('Enter');
      await dialog.getByRole('textbox', { name: 'Message', exact: true }).fill(answer);
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'hidden' });
    };
    await addRule('Anything about prices', 'price', 'Our prices: https://example.com/prices');
    await addRule('Fees in Hindi', 'फ़ीस', 'फ़ीस ₹50 से शुरू।');
    const rules = page.getByRole('list', { name: 'Keyword rules' });
    await rules.getByRole('listitem').nth(1).getByText('Fees in Hindi').waitFor();
    await page.getByRole('button', { name: 'Move Fees in Hindi up' }).click();
    await rules.getByRole('listitem').nth(0).getByText('Fees in Hindi').waitFor();

    // An unsafe regex is refused with the reason.
    await page.getByRole('button', { name: 'Add a rule' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a rule' });
    await dialog.getByText('Regex', { exact: true }).click();
    await dialog.getByRole('textbox', { name: 'Regular expressions' }).fill('(a+)+$');
    await dialog.getByRole('textbox', { name: 'Regular expressions' }).press('Enter');
    await dialog.getByRole('textbox', { name: 'Message', exact: true }).fill('never');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText(/repeats a group that can itself match in several ways/).first().waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // Opening hours: Sunday gets hours, the away cooldown changes.
    await page.getByRole('tab', { name: 'Hours & limits' }).click();
    await page.getByRole('button', { name: 'Add hours on Sunday' }).click();
    await page.getByLabel('Sunday, period 1: opens').fill('10:00');
    await page.getByLabel('Sunday, period 1: closes').fill('13:00');
    await page.getByLabel('Away message at most once per person every (hours)').fill('6');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').first().waitFor();
    await page.screenshot({ path: '/tmp/whatsapp-automations-hours.png', fullPage: true });

    // Which rule would fire?
    await page.getByRole('tab', { name: 'Test a message' }).click();
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill('आपकी फ़ीस कितनी है?');
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    const result = page.getByRole('region', { name: 'Result' });
    await result.getByText('Fees in Hindi').waitFor();
    await result.getByText('matched “फ़ीस”').waitFor();
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill('STOP');
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await result.getByText('This is an opt-out word', { exact: false }).waitFor();
    await page.screenshot({ path: '/tmp/whatsapp-automations.png', fullPage: true });

    // A new person says hi on the simulated phone and gets the welcome.
    await startPhoneChat(page, { number: '98765 12345', name: 'Ravi' });
    await sendFromPhone(page, 'hi');
    await deliverSimulatorWebhooks(rig.t);
    assert.equal(await rig.t.platform.jobs.runPending(AUTOMATION_JOB, 100), 1);
    await phoneMessages(page).getByText('Namaste! Welcome to Sharma Stores.', { exact: false }).waitFor();

    // The run is listed under recent activity; the page works in Hindi.
    await openFromMenu(page, 'Automations', /\/whatsapp\/automations/);
    await page.getByRole('tab', { name: 'Recent activity' }).click();
    await page.getByText('Welcome message', { exact: true }).first().waitFor();
    await page.getByText('Done', { exact: true }).first().waitFor();
    await page.getByText('हिन्दी', { exact: true }).click();
    await page.getByRole('heading', { name: 'ऑटोमेशन' }).waitFor();
    await page.getByRole('tab', { name: /कीवर्ड नियम/ }).click();
    await page.getByText('नियम जोड़ें').waitFor();
    await page.screenshot({ path: '/tmp/whatsapp-automations-hi.png', fullPage: true });
    await page.getByText('EN', { exact: true }).click();
    assert.deepEqual(errors, []);
  });
});
