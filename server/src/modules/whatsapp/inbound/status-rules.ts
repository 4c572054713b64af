/**
 * How Meta's status reports move a message (pure; applied by status-events.ts). Webhooks arrive
 * duplicated and in any order, so the rules depend only on the current state and the report:
 * accepted → sent → delivered → read only forward; `failed` ends a message that was not delivered,
 * and only a later delivered / read report (Meta delivered it after all) moves it on again.
 */

export type MessageStatus = 'queued' | 'accepted' | 'sent' | 'delivered' | 'read' | 'failed' | 'received';
export type ReportedStatus = 'sent' | 'delivered' | 'read' | 'failed';

const RANK: Record<MessageStatus, number> = { queued: 0, accepted: 1, sent: 2, delivered: 3, read: 4, failed: -1, received: -1 };

/**
 * The status a Meta report stands for. `played` (a voice message was listened to) is the audio
 * form of read; anything else Meta may add later is kept as an event but moves nothing.
 */
export function reportedStatus(metaStatus: string): ReportedStatus | null {
  switch (metaStatus) {
    case 'sent':
    case 'delivered':
    case 'read':
    case 'failed':
      return metaStatus;
    case 'played':
      return 'read';
    default:
      return null;
  }
}

/** The order reports are applied in when several wait at once: by time, then by rank. */
export function reportOrder(a: { status: string; occurredAt: Date }, b: { status: string; occurredAt: Date }): number {
  const t = a.occurredAt.getTime() - b.occurredAt.getTime();
  if (t !== 0) return t;
  const rank = (s: string) => {
    const r = reportedStatus(s);
    return r === 'failed' ? 5 : r ? RANK[r] : 6;
  };
  return rank(a.status) - rank(b.status);
}

/** The message's status after a report: never backwards, failed only before delivery. */
export function nextStatus(current: MessageStatus, report: ReportedStatus): MessageStatus {
  if (current === 'received') return current;
  if (report === 'failed') return current === 'delivered' || current === 'read' ? current : 'failed';
  if (current === 'failed') return report === 'delivered' || report === 'read' ? report : current;
  return RANK[report] > RANK[current] ? report : current;
}

/** The timestamp column a report fills (each is set once, by the first report of its kind). */
export const TIMESTAMP_COLUMN: Record<ReportedStatus, 'sent_at' | 'delivered_at' | 'read_at' | 'failed_at'> = {
  sent: 'sent_at',
  delivered: 'delivered_at',
  read: 'read_at',
  failed: 'failed_at',
};
