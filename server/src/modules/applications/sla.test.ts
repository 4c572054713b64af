import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cgstSgst } from './receipt-pdf.js';
import { slaDueAt } from './sla.js';
import { APPLICATION_STATES, TRANSITIONS, canMove } from './workflow.js';

// 2026-03-06 is a Friday.
const at = (isoIst: string) => new Date(`${isoIst}+05:30`);
const endOfIstDay = (date: string) => new Date(`${date}T23:59:59.999+05:30`).toISOString();

describe('SLA due time in working days (India, Sundays off)', () => {
  test('counts working days after the day of submission and ends at midnight IST', () => {
    assert.equal(slaDueAt(at('2026-03-06T10:00:00'), 1).toISOString(), endOfIstDay('2026-03-07')); // Fri → Sat
    assert.equal(slaDueAt(at('2026-03-06T10:00:00'), 2).toISOString(), endOfIstDay('2026-03-09')); // skips Sunday
    assert.equal(slaDueAt(at('2026-03-06T10:00:00'), 7).toISOString(), endOfIstDay('2026-03-14'));
    assert.equal(slaDueAt(at('2026-03-08T12:00:00'), 1).toISOString(), endOfIstDay('2026-03-09')); // submitted on a Sunday
  });

  test('0 days is the end of the same Indian day, whatever the UTC date', () => {
    // 01:00 IST on the 7th is still the 6th in UTC.
    assert.equal(slaDueAt(at('2026-03-07T01:00:00'), 0).toISOString(), endOfIstDay('2026-03-07'));
    assert.equal(slaDueAt(at('2026-03-06T23:59:00'), 0).toISOString(), endOfIstDay('2026-03-06'));
  });

  test('crosses months and years', () => {
    assert.equal(slaDueAt(at('2026-12-30T09:00:00'), 3).toISOString(), endOfIstDay('2027-01-02'));
    assert.equal(slaDueAt(at('2028-02-28T09:00:00'), 1).toISOString(), endOfIstDay('2028-02-29'));
  });

  test('refuses nonsense', () => {
    assert.throws(() => slaDueAt(new Date(), -1), RangeError);
    assert.throws(() => slaDueAt(new Date(), 1.5), RangeError);
  });
});

describe('GST split and the workflow table', () => {
  test('CGST and SGST are halves that always add up to the GST; an odd paisa goes to CGST', () => {
    assert.deepEqual(cgstSgst(900), { cgst: 450, sgst: 450 });
    assert.deepEqual(cgstSgst(5), { cgst: 3, sgst: 2 });
    assert.deepEqual(cgstSgst(0), { cgst: 0, sgst: 0 });
  });

  test('every state but completed, rejected and cancelled has a way forward; the closed ones have none', () => {
    for (const state of APPLICATION_STATES) {
      const moves = Object.keys(TRANSITIONS).filter((a) => canMove(a as keyof typeof TRANSITIONS, state));
      assert.equal(moves.length === 0, ['completed', 'rejected', 'cancelled'].includes(state), `${state}: ${moves.join(', ')}`);
    }
  });
});
