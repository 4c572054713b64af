import type { NotificationTopic } from './notifier.js';

/**
 * A (topic, channel) the person never decided on counts as off: that is what the preferences page
 * (web/src/features/preferences) and `GET /api/me/preferences` show for a missing row. Registration
 * writes explicit rows (service updates and wallet by email and in-app on), so in practice this
 * matters for accounts made before a topic or channel existed.
 */
export const ENABLED_WHEN_NOT_CHOSEN = false;

export type ChannelDecision = { send: true } | { send: false; reason: 'preference_off' | 'preference_not_given' | 'marketing_needs_opt_in' };

/**
 * Whether a notification of `topic` may go out on a channel, given the person's stored choice for
 * that (topic, channel) (undefined = no row). Marketing needs an explicit opt-in row on every channel, whatever
 * the default for other topics is.
 */
export function decideChannel(topic: NotificationTopic, stored: { enabled: boolean } | undefined): ChannelDecision {
  if (stored) return stored.enabled ? { send: true } : { send: false, reason: 'preference_off' };
  if (topic === 'marketing') return { send: false, reason: 'marketing_needs_opt_in' };
  return ENABLED_WHEN_NOT_CHOSEN ? { send: true } : { send: false, reason: 'preference_not_given' };
}
