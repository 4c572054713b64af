import assert from 'node:assert/strict';
import { json, signedInClient, type Client, type TestPlatform } from '../../../test/harness.js';
import { connectSimulatorNumber, deliverSimulatorWebhooks, fundWallet } from '../../../test/whatsapp.js';

/** Helpers of the team inbox's tests: a tenant with a simulator number, team members, people writing in. */

export interface ConversationItem {
  id: string;
  tenantId: string;
  waId: string;
  status: 'open' | 'closed';
  assignee: { id: string; name: string } | null;
  unread: number;
  lastMessage: { id: string; direction: string; text: string | null; status: string } | null;
  contact: { id: string | null; name: string | null; profileName: string | null; consent: string };
  window: { open: boolean; openUntil: string | null };
}

export type SimulatorNumber = Awaited<ReturnType<typeof connectSimulatorNumber>>;

/** A signed-in tenant with a connected simulator number and money in the wallet. */
export async function inboxTenant(t: TestPlatform) {
  const owner = await signedInClient(t, 'customer');
  const number = await connectSimulatorNumber(t, owner.person.id);
  await fundWallet(t, owner.person.id, 100_000);
  return { ...owner, number };
}

/** The tenant invites `who` into the team; answers the membership id. */
export async function invite(owner: Client, email: string, role: 'agent' | 'manager'): Promise<string> {
  const res = await owner.post('/api/whatsapp/team', { email, role });
  assert.equal(res.statusCode, 201, res.body);
  return json<{ member: { id: string } }>(res).member.id;
}

/** A person writes to the number (through the simulator) and the platform processes the webhook. */
export async function writeIn(t: TestPlatform, number: SimulatorNumber, from: string, text: string, profileName = 'Asha Devi'): Promise<void> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/sandbox/graph/_sim/inbound',
    payload: { phone_number_id: number.phoneNumberId, from, profile_name: profileName, messages: [{ type: 'text', text: { body: text } }] },
  });
  assert.ok(res.statusCode < 300, res.body);
  await deliverSimulatorWebhooks(t);
}

export async function listConversations(client: Client, tenantId: string, query = ''): Promise<ConversationItem[]> {
  const res = await client.get(`/api/whatsapp/inbox/conversations?tenantId=${tenantId}${query}`);
  assert.equal(res.statusCode, 200, res.body);
  return json<{ items: ConversationItem[] }>(res).items;
}

export async function onlyConversation(client: Client, tenantId: string): Promise<ConversationItem> {
  const items = await listConversations(client, tenantId, '&status=all');
  assert.equal(items.length, 1, JSON.stringify(items));
  return items[0]!;
}
