import { Badge, Code, Table, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ActivityItem } from '../../api/types';
import { formatDateTime } from '../../lib/format';
import { DeviceLabel } from '../sessions/DeviceLabel';
import { useActionLabel } from './useActionLabel';

function OutcomeBadge({ outcome }: { outcome: ActivityItem['outcome'] }) {
  const { t } = useTranslation();
  return (
    <Badge color={outcome === 'success' ? 'teal' : 'red'} variant="light" size="sm">
      {t(`activity.outcomes.${outcome}`)}
    </Badge>
  );
}

function ActionCell({ action }: { action: string }) {
  const label = useActionLabel()(action);
  return label === action ? (
    <Code>{action}</Code>
  ) : (
    <Tooltip label={action} openDelay={400}>
      <Text size="sm" span>
        {label}
      </Text>
    </Tooltip>
  );
}

function DetailsCell({ details }: { details: ActivityItem['details'] }) {
  const { t } = useTranslation();
  if (!details || Object.keys(details).length === 0) return <>—</>;
  // Native disclosure: rows stay one line high until someone opens the details.
  return (
    <details>
      <Text component="summary" size="xs" c="dimmed" style={{ cursor: 'pointer' }}>
        {t('activity.details')}
      </Text>
      <Code block mt={4} style={{ maxWidth: 360, whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
        {JSON.stringify(details, null, 2)}
      </Code>
    </details>
  );
}

/** Activity entries; `staffView` adds who did it, to what, and the details. Scrolls sideways on phones. */
export function ActivityTable({ items, staffView = false }: { items: ActivityItem[]; staffView?: boolean }) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={staffView ? 1000 : 640}>
      <Table striped highlightOnHover verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('activity.time')}</Table.Th>
            <Table.Th>{t('activity.action')}</Table.Th>
            <Table.Th>{t('activity.outcome')}</Table.Th>
            {staffView ? <Table.Th>{t('activity.actor')}</Table.Th> : null}
            {staffView ? <Table.Th>{t('activity.object')}</Table.Th> : null}
            <Table.Th>{t('activity.ip')}</Table.Th>
            <Table.Th>{t('activity.device')}</Table.Th>
            {staffView ? <Table.Th>{t('activity.details')}</Table.Th> : null}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((item) => (
            <Table.Tr key={item.id}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(item.occurredAt)}</Table.Td>
              <Table.Td>
                <ActionCell action={item.action} />
              </Table.Td>
              <Table.Td>
                <OutcomeBadge outcome={item.outcome} />
              </Table.Td>
              {staffView ? (
                <Table.Td>
                  <Text size="sm">{t(`activity.actorTypes.${item.actorType}`, item.actorType)}</Text>
                  {item.actorId ? (
                    <Text size="xs" c="dimmed" ff="monospace">
                      {item.actorId}
                    </Text>
                  ) : null}
                </Table.Td>
              ) : null}
              {staffView ? (
                <Table.Td>
                  {item.objectType ? <Text size="sm">{item.objectType}</Text> : '—'}
                  {item.objectId ? (
                    <Text size="xs" c="dimmed" ff="monospace">
                      {item.objectId}
                    </Text>
                  ) : null}
                </Table.Td>
              ) : null}
              <Table.Td>{item.ip ?? '—'}</Table.Td>
              <Table.Td>
                <DeviceLabel userAgent={item.userAgent} />
              </Table.Td>
              {staffView ? (
                <Table.Td>
                  <DetailsCell details={item.details} />
                </Table.Td>
              ) : null}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
