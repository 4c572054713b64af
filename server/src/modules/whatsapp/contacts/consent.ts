import type { Queryable } from '../../../db/index.js';
import { AppError } from '../../../platform/errors.js';

/** Meta's billing categories of a message; `service` is a free-form reply inside the 24-hour window. */
export type MessageCategory = 'marketing' | 'utility' | 'authentication' | 'service';

export interface ConsentState {
  opted_in_at: Date | null;
  opted_out_at: Date | null;
  marketing_opted_out_at: Date | null;
}

export type ConsentRefusal = 'opt_in_required' | 'contact_opted_out' | 'marketing_opted_out';

/**
 * The consent rule every send path applies (API, /graph, campaigns, inbox, automations), as a pure
 * function: a template (business-initiated) message needs an opt-in not withdrawn since; marketing
 * also needs no marketing stop. Free-form messages can only be replies inside the customer-service
 * window, which the person opened by writing, so they need no recorded opt-in.
 */
export function consentRefusal(contact: ConsentState | null, send: { template: boolean; category: MessageCategory }): ConsentRefusal | null {
  if (!send.template) return null;
  const optedOut = contact?.opted_out_at && (!contact.opted_in_at || contact.opted_out_at >= contact.opted_in_at);
  if (optedOut) return 'contact_opted_out';
  if (!contact?.opted_in_at) return 'opt_in_required';
  if (send.category === 'marketing' && contact.marketing_opted_out_at) return 'marketing_opted_out';
  return null;
}

const MESSAGES: Record<ConsentRefusal, string> = {
  opt_in_required: 'This contact has no recorded opt-in. Record their opt-in (with proof) before sending template messages.',
  contact_opted_out: 'This contact has opted out of messages from this business. They can opt in again by sending START.',
  marketing_opted_out: 'This contact has stopped marketing messages from this business.',
};

export function consentError(refusal: ConsentRefusal): AppError {
  return new AppError(422, refusal, MESSAGES[refusal]);
}

/** Throws a 422 with the refusal's code when the tenant may not send this message to `waId`. */
export async function assertMaySend(q: Queryable, tenantId: string, waId: string, send: { template: boolean; category: MessageCategory }): Promise<void> {
  if (!send.template) return;
  const rows = await q.query<ConsentState>(
    'SELECT opted_in_at, opted_out_at, marketing_opted_out_at FROM wa_contacts WHERE tenant_id = $1 AND wa_id = $2',
    [tenantId, waId],
  );
  const refusal = consentRefusal(rows[0] ?? null, send);
  if (refusal) throw consentError(refusal);
}
