import type { Db } from '../../../db/index.js';
import { GroupCommit } from '../../../platform/group-commit.js';
import { activityRow, type ActivityRecord } from '../../audit/activity.repo.js';
import { leaseUsageRow, type LeaseUsage } from '../../wallet/credit-leases.js';
import { outboundRow, type NewOutbound } from './outbound.repo.js';

/**
 * The send path's two writes per message, grouped across concurrent sends (README.md beside this
 * file, "Hot path"): before Meta's call the reserve — the lease usage that pays, the message row
 * (`queued`) and its activity record — and after it Meta's answer (the wamid). Whatever is waiting
 * goes in one call of wa_send_write (migration 0025): the reserves of new sends together with the
 * answers of earlier ones, atomically. A group that fails is tried again item by item
 * (GroupCommit), so one bad write fails only its own send.
 */
export type SendWrite =
  | { kind: 'reserve'; usage: LeaseUsage | null; message: NewOutbound; activity: ActivityRecord }
  | { kind: 'accept'; id: string; wamid: string };

export interface SendWriter {
  /** Writes a new message with its reserve and activity record. */
  reserve(write: Omit<Extract<SendWrite, { kind: 'reserve' }>, 'kind'>): Promise<void>;
  /**
   * Records Meta's wamid for a written message. `pending`: status reports for this wamid arrived
   * before it was recorded (a webhook can overtake the send's answer) and wait to be applied.
   */
  accept(id: string, wamid: string): Promise<{ pending: boolean }>;
}

export function createSendWriter(db: Db, opts: { concurrency: number }): SendWriter {
  const group = new GroupCommit<SendWrite, { pending: boolean }>(
    async (items) => {
      const usage: ReturnType<typeof leaseUsageRow>[] = [];
      const messages: Record<string, unknown>[] = [];
      const activities: Record<string, unknown>[] = [];
      const ids: string[] = [];
      const wamids: string[] = [];
      for (const item of items) {
        if (item.kind === 'reserve') {
          if (item.usage) usage.push(leaseUsageRow(item.usage));
          messages.push(outboundRow(item.message));
          activities.push(activityRow(item.activity));
        } else {
          ids.push(item.id);
          wamids.push(item.wamid);
        }
      }
      const json = (rows: unknown[]) => (rows.length ? JSON.stringify(rows) : null);
      const rows = await db.query<{ id: string; pending: boolean }>(
        'SELECT id, pending FROM wa_send_write($1::jsonb, $2::jsonb, $3::jsonb, $4::uuid[], $5::text[])',
        [json(usage), json(messages), json(activities), ids.length ? ids : null, ids.length ? wamids : null],
      );
      const pending = new Set(rows.filter((r) => r.pending).map((r) => r.id));
      return items.map((item) => ({ pending: item.kind === 'accept' && pending.has(item.id) }));
    },
    { concurrency: opts.concurrency },
  );

  return {
    async reserve(write) {
      await group.submit({ kind: 'reserve', ...write });
    },
    accept(id, wamid) {
      return group.submit({ kind: 'accept', id, wamid });
    },
  };
}
