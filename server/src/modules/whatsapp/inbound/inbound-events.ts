import type { Queryable } from '../../../db/index.js';

/**
 * Who else hears what the webhooks brought, inside the transaction that stored it: the customer
 * webhooks outbox (message.received, message.status, contact.opted_in/out, template and account
 * events) and the template manager (template status and quality updates). The modules that listen
 * are wired after this one (app.ts), so they subscribe with `use`; with no listener, nothing is sent.
 */

export type InboundEventType =
  | 'message.received'
  | 'message.status'
  | 'contact.opted_in'
  | 'contact.opted_out'
  | 'template.status'
  | 'template.quality'
  | 'number.update'
  | 'account.update';

export interface InboundCustomerEvent {
  tenantId: string;
  numberId: string | null;
  type: InboundEventType;
  /** The event in the platform's own format (snake_case). */
  data: Record<string, unknown>;
  /** Meta's change as it came, for endpoints that take Meta's format. */
  meta?: { wabaId: string; field: string; value: Record<string, unknown> };
  occurredAt?: Date;
}

export interface TemplateEventInput {
  wabaId: string;
  value: Record<string, unknown>;
  /** The webhook entry's `time` (unix seconds), when it has one. */
  time?: number | Date | undefined;
}

export interface InboundListeners {
  customerEvent?: (q: Queryable, event: InboundCustomerEvent) => Promise<unknown>;
  templateStatus?: (q: Queryable, input: TemplateEventInput) => Promise<unknown>;
  templateQuality?: (q: Queryable, input: TemplateEventInput) => Promise<unknown>;
}

export class InboundEvents {
  // Several modules listen to the same kind (customer webhooks, automations, the team inbox), each
  // in the storing transaction, in the order they subscribed.
  private readonly listeners: { [K in keyof InboundListeners]-?: NonNullable<InboundListeners[K]>[] } = {
    customerEvent: [],
    templateStatus: [],
    templateQuality: [],
  };

  use(listeners: InboundListeners): void {
    if (listeners.customerEvent) this.listeners.customerEvent.push(listeners.customerEvent);
    if (listeners.templateStatus) this.listeners.templateStatus.push(listeners.templateStatus);
    if (listeners.templateQuality) this.listeners.templateQuality.push(listeners.templateQuality);
  }

  async customer(q: Queryable, event: InboundCustomerEvent): Promise<void> {
    for (const listen of this.listeners.customerEvent) await listen(q, event);
  }

  /** Whether a template listener exists (else the change is only stored). */
  handlesTemplates(): boolean {
    return this.listeners.templateStatus.length > 0;
  }

  async templateStatus(q: Queryable, input: TemplateEventInput): Promise<void> {
    for (const listen of this.listeners.templateStatus) await listen(q, input);
  }

  async templateQuality(q: Queryable, input: TemplateEventInput): Promise<void> {
    for (const listen of this.listeners.templateQuality) await listen(q, input);
  }
}
