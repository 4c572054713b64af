/**
 * Support ticket rules as data: states, who may move a ticket where, SLA targets. Pure; tested beside.
 * No imports: the web takes its lists from here (web/src/api/support.ts).
 */

export const TICKET_STATES = ['open', 'waiting_on_customer', 'resolved', 'closed'] as const;
export type TicketState = (typeof TICKET_STATES)[number];
export const CATEGORIES = ['service', 'wallet', 'whatsapp_api', 'kyc', 'privacy'] as const;
export type TicketCategory = (typeof CATEGORIES)[number];
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
/** In the order the new-ticket form offers them. */
export const LINK_TYPES = ['payment', 'application', 'whatsapp_message'] as const;
export type LinkType = (typeof LINK_TYPES)[number];

/** The side of the ticket a person acts on: its customer, or an operator / admin. */
export type TicketRole = 'customer' | 'staff';

/**
 * Moves each side may make (the database trigger allows the union and nothing else):
 * - the customer marks their ticket solved, reopens a resolved one (within the reopen period), and
 *   moves waiting_on_customer back to open by replying;
 * - staff ask the customer for something (waiting_on_customer), resolve, reopen within the period,
 *   and close a resolved ticket early. Closed is final for everyone; the cleanup job closes resolved
 *   tickets when the reopen period ends.
 */
const MOVES: Record<TicketRole, Partial<Record<TicketState, readonly TicketState[]>>> = {
  customer: {
    open: ['resolved'],
    waiting_on_customer: ['open', 'resolved'],
    resolved: ['open'],
  },
  staff: {
    open: ['waiting_on_customer', 'resolved'],
    waiting_on_customer: ['open', 'resolved'],
    resolved: ['open', 'closed'],
  },
};

export function canMove(role: TicketRole, from: TicketState, to: TicketState): boolean {
  return MOVES[role][from]?.includes(to) ?? false;
}

export function allowedMoves(role: TicketRole, from: TicketState): readonly TicketState[] {
  return MOVES[role][from] ?? [];
}

/** A reply is possible while the ticket is open or waiting; a resolved ticket must be reopened first. */
export const REPLYABLE: readonly TicketState[] = ['open', 'waiting_on_customer'];

/** Reopening a resolved ticket is allowed until `reopenDays` after it was resolved. */
export function reopenDeadline(resolvedAt: Date, reopenDays: number): Date {
  return new Date(resolvedAt.getTime() + reopenDays * 86_400_000);
}

/**
 * Service-level targets per priority, in hours of wall-clock time (the desk is staffed every day):
 * first staff reply, and resolution. The resolution clock restarts when a ticket is reopened.
 */
export const SLA_HOURS: Record<Priority, { firstResponse: number; resolution: number }> = {
  urgent: { firstResponse: 1, resolution: 8 },
  high: { firstResponse: 4, resolution: 24 },
  normal: { firstResponse: 24, resolution: 72 },
  low: { firstResponse: 48, resolution: 120 },
};

export function slaDueDates(priority: Priority, from: Date): { firstResponseDueAt: Date; resolutionDueAt: Date } {
  const h = SLA_HOURS[priority];
  return { firstResponseDueAt: new Date(from.getTime() + h.firstResponse * 3_600_000), resolutionDueAt: new Date(from.getTime() + h.resolution * 3_600_000) };
}

/**
 * Overdue: no first staff reply by its due time, or still open (the ball with staff) past the
 * resolution due time. Waiting on the customer is not held against the desk.
 */
export function overdue(t: { state: TicketState; first_responded_at: Date | null; first_response_due_at: Date; resolution_due_at: Date }, now: Date): { firstResponse: boolean; resolution: boolean } {
  const active = t.state === 'open' || t.state === 'waiting_on_customer';
  return {
    firstResponse: active && t.first_responded_at === null && now > t.first_response_due_at,
    resolution: t.state === 'open' && now > t.resolution_due_at,
  };
}

export const ticketReference = (n: number) => `T-${n}`;
