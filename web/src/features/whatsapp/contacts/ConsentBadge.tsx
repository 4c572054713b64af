import { Badge, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Contact } from '../../../api/whatsapp-inbox';

const COLOR = { opted_in: 'teal', opted_out: 'red', no_opt_in: 'gray' } as const;

/** Whether the business may send this person template messages, and whether marketing is stopped. */
export function ConsentBadge({ consent }: { consent: Contact['consent'] }) {
  const { t } = useTranslation();
  return (
    <Group gap={4}>
      <Badge color={COLOR[consent.state]} variant="light" size="sm">
        {t(`waContacts.consent.${consent.state}`)}
      </Badge>
      {consent.marketingStoppedAt ? (
        <Badge color="orange" variant="light" size="sm">
          {t('waContacts.consent.marketingStopped')}
        </Badge>
      ) : null}
    </Group>
  );
}
