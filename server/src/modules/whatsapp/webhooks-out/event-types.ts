/**
 * The events customers can subscribe to (README.md lists what each carries and the Meta webhook field
 * it comes from). `ping` is sent only by "send test event" and needs no subscription.
 * No imports here: the web imports this file (web/src/api/whatsapp-webhooks.ts).
 */
export const EVENT_TYPES = [
  'message.received',
  'message.status',
  'template.status',
  'template.quality',
  'contact.opted_in',
  'contact.opted_out',
  'number.update',
  'account.update',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
export type DeliverableType = EventType | 'ping';

/** Subscribes an endpoint to every type, including ones added later. */
export const ALL_EVENTS = '*';

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}
