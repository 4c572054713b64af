/**
 * The platform's message id travels to Meta in `biz_opaque_callback_data`, which Meta echoes on every
 * status webhook of the message. That is how a status finds its message when the send's answer never
 * arrived (a timeout: no wamid was recorded). The customer's own value is kept in
 * wa_messages.biz_opaque_callback_data and is what the customer sees; Meta sees only the marker.
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
