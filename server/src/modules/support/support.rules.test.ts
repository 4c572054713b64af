import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TICKET_STATES, canMove, overdue, reopenDeadline, slaDueDates, type TicketState } from './support.rules.js';

// Written out by hand (not derived from the rules), so a change to the rules has to change this too.
const CUSTOMER_MAY = new Set(['open>resolved', 'waiting_on_customer>open', 'waiting_on_customer>resolved', 'resolved>open']);
const STAFF_MAY = new Set(['open>waiting_on_customer', 'open>resolved', 'waiting_on_customer>open', 'waiting_on_customer>resolved', 'resolved>open', 'resolved>closed']);

test('every (from, to) pair for each side: allowed exactly as listed, nothing out of closed', () => {
  for (const from of TICKET_STATES) {
    for (const to of TICKET_STATES) {
      assert.equal(canMove('customer', from, to), CUSTOMER_MAY.has(`${from}>${to}`), `customer ${from} → ${to}`);
      assert.equal(canMove('staff', from, to), STAFF_MAY.has(`${from}>${to}`), `staff ${from} → ${to}`);
    }
  }
  for (const to of TICKET_STATES) {
    assert.equal(canMove('staff', 'closed', to), false);
    assert.equal(canMove('customer', 'closed', to), false);
  }
});

test('SLA due times per priority and the reopen deadline', () => {
  const t0 = new Date('2025-01-01T00:00:00Z');
  const h = (n: number) => new Date(t0.getTime() + n * 3_600_000);
  assert.deepEqual(slaDueDates('urgent', t0), { firstResponseDueAt: h(1), resolutionDueAt: h(8) });
  assert.deepEqual(slaDueDates('high', t0), { firstResponseDueAt: h(4), resolutionDueAt: h(24) });
  assert.deepEqual(slaDueDates('normal', t0), { firstResponseDueAt: h(24), resolutionDueAt: h(72) });
  assert.deepEqual(slaDueDates('low', t0), { firstResponseDueAt: h(48), resolutionDueAt: h(120) });
  assert.deepEqual(reopenDeadline(t0, 7), new Date('2025-01-08T00:00:00Z'));
});

test('overdue: a missing first reply past its due time; open past resolution; waiting on the customer is not held against the desk', () => {
  const due = new Date('2025-01-01T10:00:00Z');
  const before = new Date('2025-01-01T09:00:00Z');
  const afterDue = new Date('2025-01-01T11:00:00Z');
  const ticket = (state: TicketState, responded: boolean) => ({ state, first_responded_at: responded ? before : null, first_response_due_at: due, resolution_due_at: due });
  assert.deepEqual(overdue(ticket('open', false), before), { firstResponse: false, resolution: false });
  assert.deepEqual(overdue(ticket('open', false), afterDue), { firstResponse: true, resolution: true });
  assert.deepEqual(overdue(ticket('open', true), afterDue), { firstResponse: false, resolution: true });
  assert.deepEqual(overdue(ticket('waiting_on_customer', true), afterDue), { firstResponse: false, resolution: false });
  assert.deepEqual(overdue(ticket('resolved', false), afterDue), { firstResponse: false, resolution: false });
  assert.deepEqual(overdue(ticket('closed', false), afterDue), { firstResponse: false, resolution: false });
});
