import { Badge, Button, Card, Code, Collapse, Group, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { MailItem, MailStatus } from '../../api/types';
import { formatDateTime } from '../../lib/format';
import { LinkifiedText } from './LinkifiedText';

const STATUS_COLOR: Record<MailStatus, string> = { queued: 'gray', sent: 'teal', sandbox: 'blue', failed: 'red' };

/** One outbox entry; the body opens below it. Cards rather than a table so it reads well on a phone. */
export function MailCard({ mail }: { mail: MailItem }) {
  const { t } = useTranslation();
  const [opened, { toggle }] = useDisclosure(false);
  const bodyId = useId();

  return (
    <Card withBorder radius="md" padding="md">
      <Group justify="space-between" align="flex-start" gap="xs">
        <Stack gap={2} style={{ minWidth: 0, flex: 1 }}>
          <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
            {mail.subject}
          </Text>
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
            {t('admin.mail.to')}: {mail.to}
          </Text>
          <Text size="xs" c="dimmed">
            {t('admin.mail.purpose')}: {mail.purpose} · {t('admin.mail.time')}: {formatDateTime(mail.createdAt)}
          </Text>
        </Stack>
        <Badge color={STATUS_COLOR[mail.status]} variant="light">
          {t(`admin.mail.statuses.${mail.status}`, mail.status)}
        </Badge>
      </Group>
      <Button
        variant="subtle"
        size="xs"
        mt="xs"
        px={0}
        onClick={toggle}
        aria-expanded={opened}
        aria-controls={bodyId}
        aria-label={opened ? t('admin.mail.hideBody') : t('admin.mail.showBodyOf', { subject: mail.subject })}
      >
        {opened ? t('admin.mail.hideBody') : t('admin.mail.showBody')}
      </Button>
      <Collapse in={opened} id={bodyId}>
        {mail.bodyText ? (
          <Code block mt="xs" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
            <LinkifiedText text={mail.bodyText} />
          </Code>
        ) : (
          <Text size="sm" c="dimmed" mt="xs">
            {t('admin.mail.noBody')}
          </Text>
        )}
      </Collapse>
    </Card>
  );
}
