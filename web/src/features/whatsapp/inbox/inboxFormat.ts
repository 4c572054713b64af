import i18n from '../../../i18n';
import type { Conversation } from '../../../api/whatsapp-team-inbox';

const locale = (): string => (i18n.resolvedLanguage === 'hi' ? 'hi-IN' : 'en-IN');

/** "+91 98765 43210" for Indian numbers, "+<digits>" otherwise. */
export function displayWaId(waId: string): string {
  return /^91\d{10}$/.test(waId) ? `+91 ${waId.slice(2, 7)} ${waId.slice(7)}` : /^\d+$/.test(waId) ? `+${waId}` : waId;
}

/** Who the conversation is with: the saved name, the WhatsApp name, or the number. */
export function conversationName(c: Pick<Conversation, 'contact' | 'waId'>): string {
  return c.contact.name || c.contact.profileName || displayWaId(c.waId);
}

/** A list's time: the time today, the day otherwise. */
export function shortTime(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const sameDay = d.toDateString() === now.toDateString();
  return new Intl.DateTimeFormat(locale(), sameDay ? { timeStyle: 'short' } : { day: 'numeric', month: 'short' }).format(d);
}

export function bubbleTime(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' }).format(new Date(iso));
}

/** Time left in the window as hours and minutes (never negative). */
export function timeLeft(openUntil: string, now = Date.now()): { hours: number; minutes: number } {
  const ms = Math.max(0, new Date(openUntil).getTime() - now);
  const minutes = Math.floor(ms / 60_000);
  return { hours: Math.floor(minutes / 60), minutes: minutes % 60 };
}

export function initials(name: string): string {
  const words = name.replace(/^\+/, '').trim().split(/\s+/).filter(Boolean);
  if (!words.length) return '?';
  if (/^\d/.test(words[0]!)) return '#';
  return words.slice(0, 2).map((w) => w[0]!.toUpperCase()).join('');
}
