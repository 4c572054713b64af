import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { Client } from '../../test/harness.js';
import { app, code, customer, inState, setUp, stateOf, type Kit } from '../../test/applications-kit.js';
import { APPLICATION_STATES, TRANSITIONS, canMove, type Action, type ApplicationState } from './workflow.js';

type Role = 'owner' | 'other_customer' | 'operator' | 'admin';
const ROLES: Role[] = ['owner', 'other_customer', 'operator', 'admin'];
const ACTIONS = Object.keys(TRANSITIONS) as Action[];

const REQUEST: Record<Action, { path: string; body?: unknown }> = {
  submit: { path: '/api/applications/:id/submit', body: {} },
  cancel: { path: '/api/applications/:id/cancel', body: {} },
  start: { path: '/api/staff/applications/:id/start' },
  request_info: { path: '/api/staff/applications/:id/request-info', body: { message: 'Please upload a clearer photo.' } },
  complete: { path: '/api/staff/applications/:id/complete', body: {} },
  reject: { path: '/api/staff/applications/:id/reject', body: { reason: 'The documents do not match.' } },
};

// The set-up below reaches "cancelled" by cancelling a draft: never submitted, so private to its customer.
const PRIVATE_STATES: ApplicationState[] = ['draft', 'cancelled'];

/**
 * What each role gets for each action in each state: the owner may take the customer's actions,
 * staff the operators' ones; another customer never learns the application exists (404), a route
 * above one's role is 403, a customer's private draft is 404 to staff, an impossible move is 409.
 */
function expected(state: ApplicationState, action: Action, role: Role): { status: number; code?: string } {
  const side = TRANSITIONS[action].side;
  if (role === 'other_customer') return side === 'customer' ? { status: 404, code: 'not_found' } : { status: 403, code: 'forbidden' };
  if (role === 'owner') {
    if (side === 'staff') return { status: 403, code: 'forbidden' };
    return canMove(action, state) ? { status: 200 } : { status: 409, code: 'invalid_transition' };
  }
  if (PRIVATE_STATES.includes(state)) return { status: 404, code: 'not_found' };
  if (side === 'customer') return { status: 403, code: 'customer_only' };
  return canMove(action, state) ? { status: 200 } : { status: 409, code: 'invalid_transition' };
}

describe('application workflow: every transition for every role', () => {
  let kit: Kit;
  let owner: Client;
  let ownerId: string;
  let other: Client;
  const clientOf = (role: Role): Client => ({ owner, other_customer: other, operator: kit.op1, admin: kit.admin })[role];

  before(async () => {
    kit = await setUp();
    const o = await customer(kit, 2_000_000);
    owner = o.client;
    ownerId = o.id;
    other = (await customer(kit, 100_000)).client;
  });
  after(() => kit.t.close());

  const call = (role: Role, action: Action, id: string): Promise<LightMyRequestResponse> => {
    const { path, body } = REQUEST[action];
    const url = path.replace(':id', id);
    return body === undefined ? clientOf(role).post(url) : clientOf(role).post(url, body);
  };

  test('the table covers every state × action × role', () => {
    assert.equal(APPLICATION_STATES.length * ACTIONS.length * ROLES.length, 168);
  });

  for (const state of APPLICATION_STATES) {
    test(`from ${state}`, async () => {
      // Refused attempts must change nothing, so they share one application in this state.
      const shared = await inState(kit, owner, state);
      for (const action of ACTIONS) {
        for (const role of ROLES) {
          const want = expected(state, action, role);
          if (want.status === 200) continue;
          const res = await call(role, action, shared.id);
          assert.equal(res.statusCode, want.status, `${role} ${action} from ${state}: ${res.statusCode} ${res.body}`);
          if (want.code) assert.equal(code(res), want.code, `${role} ${action} from ${state}`);
          assert.equal(await stateOf(kit, shared.id), state, `${role} ${action} from ${state} changed nothing`);
        }
      }
      // Each allowed move on a fresh application: the new state, a timeline entry and an activity record.
      for (const action of ACTIONS) {
        for (const role of ROLES) {
          if (expected(state, action, role).status !== 200) continue;
          const fresh = await inState(kit, owner, state);
          const res = await call(role, action, fresh.id);
          assert.equal(res.statusCode, 200, `${role} ${action} from ${state}: ${res.body}`);
          const to = TRANSITIONS[action].to;
          assert.equal(app(res).state, to);
          assert.equal(await stateOf(kit, fresh.id), to);
          const [event] = await kit.t.db.query<{ from_state: string; to_state: string; actor_role: string; created_at: Date }>(
            'SELECT from_state, to_state, actor_role, created_at FROM application_events WHERE application_id = $1 AND to_state IS NOT NULL ORDER BY id DESC LIMIT 1',
            [fresh.id],
          );
          assert.deepEqual([event!.from_state, event!.to_state, event!.actor_role], [state, to, role === 'owner' ? 'customer' : role]);
          const [logged] = await kit.t.db.query<{ action: string; subject_user_id: string }>(
            "SELECT action, subject_user_id FROM activity_log WHERE object_type = 'application' AND object_id = $1 ORDER BY id DESC LIMIT 1",
            [fresh.id],
          );
          assert.match(logged!.action, /^application\./);
          assert.equal(logged!.subject_user_id, ownerId);
        }
      }
    });
  }

  test('the database itself refuses a move outside the workflow, and the timeline is append-only', async () => {
    const d = await inState(kit, owner, 'draft');
    await assert.rejects(kit.t.db.query("UPDATE applications SET state = 'completed' WHERE id = $1", [d.id]), /cannot move from draft to completed/);
    const s = await inState(kit, owner, 'completed');
    await assert.rejects(kit.t.db.query("UPDATE applications SET state = 'submitted' WHERE id = $1", [s.id]), /cannot move from completed to submitted/);
    await assert.rejects(kit.t.db.query('UPDATE application_events SET message = $2 WHERE application_id = $1', [s.id, 'rewritten']), /append-only/);
    await assert.rejects(kit.t.db.query('DELETE FROM application_events WHERE application_id = $1', [s.id]), /append-only/);
  });

  test('an operator cannot act on work assigned to another operator; an admin can', async () => {
    const s = await inState(kit, owner, 'in_progress', kit.op1);
    const res = await kit.op2.post(`/api/staff/applications/${s.id}/reject`, { reason: 'Not my application to judge.' });
    assert.equal(res.statusCode, 409);
    assert.equal(code(res), 'assigned_to_other');
    assert.equal(await stateOf(kit, s.id), 'in_progress');
    const byAdmin = await kit.admin.post(`/api/staff/applications/${s.id}/complete`, {});
    assert.equal(byAdmin.statusCode, 200, byAdmin.body);
  });
});
