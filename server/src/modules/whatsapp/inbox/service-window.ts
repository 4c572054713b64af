/**
 * WhatsApp's customer-service window: for 24 hours after the person's last message the business may
 * answer with any message; after that only with an approved template (Meta's 131047 otherwise).
 * The platform keeps the last inbound time per number and person in wa_service_windows.
 */

export const WINDOW_MS = 24 * 3600 * 1000;

export interface ServiceWindow {
  open: boolean;
  lastInboundAt: Date | null;
  openUntil: Date | null;
}

export function serviceWindow(lastInboundAt: Date | null, now = Date.now()): ServiceWindow {
  if (!lastInboundAt) return { open: false, lastInboundAt: null, openUntil: null };
  const until = lastInboundAt.getTime() + WINDOW_MS;
  return { open: until > now, lastInboundAt, openUntil: new Date(until) };
}
