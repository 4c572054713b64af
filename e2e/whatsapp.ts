import type { Page } from 'playwright-core';
import { registerUser, type TestPlatform } from '../server/src/test/harness.js';
import { connectSimulatorNumber, fundWallet } from '../server/src/test/whatsapp.js';
import { openFromMenu, type BrowserRig } from './browser.js';

/**
 * Steps the WhatsApp browser tests share: a business with a number in the built-in Cloud API
 * simulator, the simulator's admin API, and the pages a story passes through (automations, the
 * inbox team, the team inbox, "be the phone").
 */

/**
 * A newly registered customer with a simulator number and money in the wallet. No KYC: simulator
 * numbers reach nobody, so the numbers module lets them past the KYC gate.
 */
export async function businessWithSimulatorNumber(rig: BrowserRig, prefix: string) {
  const person = await registerUser(rig.t.app, prefix);
  const number = await connectSimulatorNumber(rig.t, person.id);
  await fundWallet(rig.t, person.id, 10_000);
  return { person, number };
}

/** One call to the simulator's admin API (`/sandbox/graph/_sim…`): what a real phone does that no page offers. */
export async function callSimulator(t: TestPlatform, method: 'POST' | 'PUT' | 'PATCH', url: string, payload: object): Promise<void> {
  const res = await t.app.inject({ method, url: `/sandbox/graph/_sim${url}`, payload });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
}

/** Writes the welcome message on the automations page, switches it on and saves it. */
export async function switchOnWelcome(page: Page, text: string): Promise<void> {
  await openFromMenu(page, 'Automations', /\/whatsapp\/automations/);
  await page.getByRole('heading', { name: 'Automations' }).waitFor();
  const welcome = page.getByRole('region', { name: 'Welcome message' });
  await welcome.getByRole('textbox', { name: 'Message', exact: true }).fill(text);
  await welcome.getByRole('switch', { name: 'Switch Welcome message on or off' }).check({ force: true });
  await welcome.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved.').first().waitFor();
}

/** The owner invites someone by email on the inbox team page. */
export async function inviteToTeam(page: Page, email: string): Promise<void> {
  await openFromMenu(page, 'Inbox team', /\/whatsapp\/team$/);
  await page.getByLabel('Their email address').fill(email);
  await page.getByRole('button', { name: 'Invite', exact: true }).click();
  await page.getByRole('list', { name: 'Team members' }).getByText(email).waitFor();
}

/**
 * Opens the team inbox, switched to the given team's inbox when the person is a member of one (the
 * owner's own inbox otherwise), and waits until its live updates are connected.
 */
export async function openTeamInbox(page: Page, team?: { id: string; name: string }): Promise<void> {
  await openFromMenu(page, 'Team inbox', /\/whatsapp\/inbox/);
  if (team) {
    await page.getByRole('textbox', { name: 'Inbox' }).click();
    await page.getByRole('option', { name: new RegExp(`^${team.name} · agent`) }).click();
    await page.waitForURL(new RegExp(`tenant=${team.id}`));
  }
  await page.getByRole('status').getByText('Live').waitFor();
}

/** On "be the phone", starts a chat as a new simulated person (a 10-digit Indian number and a WhatsApp name). */
export async function startPhoneChat(page: Page, person: { number: string; name: string }): Promise<void> {
  await openFromMenu(page, 'Be the phone', /\/whatsapp\/phone$/);
  const newChat = page.getByRole('form', { name: 'New chat' });
  await newChat.getByLabel('The person’s number').fill(person.number);
  await newChat.getByLabel('Their WhatsApp name').fill(person.name);
  await newChat.getByRole('button', { name: 'Start chat' }).click();
}

/** The open chat on "be the phone": every message of the person and the business. */
export const phoneMessages = (page: Page) => page.getByRole('log', { name: 'Messages' });

/** The simulated person writes in the open chat; waits until the phone shows it as theirs. */
export async function sendFromPhone(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message as this person' }).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await phoneMessages(page).getByLabel('Sent by the person').getByText(text, { exact: true }).waitFor();
}
