/**
 * The platform's message id travels to Meta in `biz_opaque_callback_data`, which Meta echoes on every
 * status webhook of the message. That is how a status finds its message when the send's answer never
 * arrived (a timeout: no wamid was recorded). The customer's own value is kept in
 * wa_messages.biz_opaque_callback_data and is what the customer sees; Meta sees only the marker, and
 * everything that shows the customer what Meta sent or reported goes through withCustomerCallbackData.
 */

const PREFIX = 'seva:msg:';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function callbackDataFor(messageId: string): string {
  return PREFIX + messageId;
}

/** The platform message id in a status webhook's biz_opaque_callback_data, if the platform put one there. */
export function messageIdFromCallbackData(value: unknown): string | null {
  if (typeof value !== 'string' || !value.startsWith(PREFIX)) return null;
  const id = value.slice(PREFIX.length);
  return UUID.test(id) ? id : null;
}

/** Whether `value` is the platform's marker (whatever follows the prefix). */
export function isPlatformCallbackData(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith(PREFIX);
}

/**
 * `obj` (a status Meta reported, or the body the platform sent to Meta) as Meta would have had it
 * from the customer: the platform's marker replaced in place by the customer's own value, or the field
 * left out when they gave none, as Meta leaves it out. Anything without the marker is returned as is.
 */
export function withCustomerCallbackData<T extends Record<string, unknown>>(obj: T, customerValue: string | null): T {
  if (!isPlatformCallbackData(obj.biz_opaque_callback_data)) return obj;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (key !== 'biz_opaque_callback_data') out[key] = value;
    else if (customerValue !== null) out[key] = customerValue;
  }
  return out as T;
}
