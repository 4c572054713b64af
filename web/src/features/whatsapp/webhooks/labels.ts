import { useTranslation } from 'react-i18next';
import { ALL_EVENTS, type DeliveryState, type WebhookEndpoint, type WebhookNumber } from '../../../api/whatsapp-webhooks';

export const DELIVERY_COLORS: Record<DeliveryState, string> = { pending: 'yellow', succeeded: 'teal', failed: 'red' };

/** Friendly name of an event type ("message.received" → "Message received"); unknown types stay as they are. */
export function useEventTypeLabel(): (type: string) => string {
  const { t, i18n } = useTranslation();
  // Type names contain dots, which i18next reads as nesting, so the table is read as one object.
  const table = (lng: string) => i18n.getResource(lng, 'translation', 'waWebhooks.eventTypes') as Record<string, string> | undefined;
  return (type) => (type === ALL_EVENTS ? t('waWebhooks.allEvents') : (table(i18n.resolvedLanguage ?? 'en')?.[type] ?? table('en')?.[type] ?? type));
}

export const numberName = (n: WebhookNumber): string => n.label || n.displayPhoneNumber || n.phoneNumberId;

/** "All numbers", or the names of the numbers the endpoint is limited to. */
export function useNumbersText(): (endpoint: Pick<WebhookEndpoint, 'numberIds'>, numbers: WebhookNumber[]) => string {
  const { t } = useTranslation();
  return (endpoint, numbers) => {
    if (!endpoint.numberIds) return t('waWebhooks.allNumbers');
    const names = endpoint.numberIds.map((id) => {
      const n = numbers.find((x) => x.id === id);
      return n ? numberName(n) : t('waWebhooks.removedNumber');
    });
    return t('waWebhooks.onlyNumbers', { names: names.join(', ') });
  };
}
