/**
 * The workflow of a service application as data: which action moves it from which states to which,
 * and on whose side that action is. Pure, so the service, the UI hints (`allowedActions`) and the
 * tests share it; the database enforces the same moves (trigger `applications_state_forward`).
 *
 *   draft ──submit──► submitted ──start──► in_progress ──complete──► completed
 *     │                 │    ▲                 │
 *     │                 │    └──submit──┐      │
 *   cancel       request_info / cancel  │  request_info
 *     ▼                 ▼               │      ▼
 *  cancelled        needs_info ─────────┘  needs_info
 *                  (submitted, in_progress and needs_info can be rejected)
 */
export const APPLICATION_STATES = ['draft', 'submitted', 'in_progress', 'needs_info', 'completed', 'rejected', 'cancelled'] as const;
export type ApplicationState = (typeof APPLICATION_STATES)[number];

/** Work not finished: what the operators' queue shows by default. */
export const OPEN_STATES: readonly ApplicationState[] = ['submitted', 'in_progress', 'needs_info'];
export const CLOSED_STATES: readonly ApplicationState[] = ['completed', 'rejected', 'cancelled'];

export type Action = 'submit' | 'start' | 'request_info' | 'complete' | 'reject' | 'cancel';
/**
 * `customer`: the customer the application is for (or staff on an application they filed for a
 * walk-in customer, acting as that customer's agent); `staff`: operators and admins.
 */
export type Side = 'customer' | 'staff';

export const TRANSITIONS: Record<Action, { from: readonly ApplicationState[]; to: ApplicationState; side: Side }> = {
  submit: { from: ['draft', 'needs_info'], to: 'submitted', side: 'customer' },
  cancel: { from: ['draft', 'submitted'], to: 'cancelled', side: 'customer' },
  start: { from: ['submitted'], to: 'in_progress', side: 'staff' },
  request_info: { from: ['submitted', 'in_progress'], to: 'needs_info', side: 'staff' },
  complete: { from: ['in_progress'], to: 'completed', side: 'staff' },
  reject: { from: ['submitted', 'in_progress', 'needs_info'], to: 'rejected', side: 'staff' },
};

export const canMove = (action: Action, from: ApplicationState): boolean => TRANSITIONS[action].from.includes(from);

/** Answers and documents change only while the customer holds the pen. */
export const EDITABLE_STATES: readonly ApplicationState[] = ['draft', 'needs_info'];

const VERBS: Record<Action, string> = {
  submit: 'submitted',
  cancel: 'cancelled',
  start: 'started',
  request_info: 'sent back for more information',
  complete: 'completed',
  reject: 'rejected',
};

const STATE_WORDS: Record<ApplicationState, string> = {
  draft: 'a draft',
  submitted: 'submitted',
  in_progress: 'in progress',
  needs_info: 'waiting for more information from the customer',
  completed: 'completed',
  rejected: 'rejected',
  cancelled: 'cancelled',
};

/** The message of a 409 for answers or documents changed outside the customer's turn. */
export function notEditable(state: ApplicationState): string {
  return `This application is ${STATE_WORDS[state]}; its answers and documents cannot be changed now.`;
}

/** The message of a 409 for an impossible move. */
export function impossibleMove(action: Action, from: ApplicationState): string {
  return `This application is ${STATE_WORDS[from]}; it cannot be ${VERBS[action]} now.`;
}
