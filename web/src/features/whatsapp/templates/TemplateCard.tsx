import { Badge, Card, Group, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { Template } from '../../../api/whatsapp-templates';
import { formatDateTime } from '../../../lib/format';
import { TemplateStatusBadge } from './TemplateStatusBadge';
import { bodyTextOf, useNoticeText } from './templateText';

const NOTICE_COLOR: Record<string, string> = { template_paused: 'orange.8', template_disabled: 'red.8', template_not_approved: 'dimmed' };

/** One template in the list: name, status, category and language, the start of its text, and why it cannot be sent. */
export function TemplateCard({ template }: { template: Template }) {
  const { t } = useTranslation();
  const noticeText = useNoticeText();
  const body = bodyTextOf(template);
  return (
    <Card withBorder radius="md" padding="sm" component={Link} to={`/whatsapp/templates/${template.id}`} aria-label={`${template.name} (${template.language})`}>
      <Stack gap={6}>
        <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
          <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
            {template.name}
          </Text>
          <TemplateStatusBadge status={template.status} />
        </Group>
        <Group gap={6}>
          <Badge variant="outline" size="sm" color="gray">
            {t(`waTemplates.categories.${template.category}`, template.category)}
          </Badge>
          <Badge variant="outline" size="sm" color="gray" tt="none">
            {template.language}
          </Badge>
          {template.qualityScore && template.qualityScore !== 'UNKNOWN' ? (
            <Badge variant="dot" size="sm" color={template.qualityScore === 'GREEN' ? 'teal' : template.qualityScore === 'YELLOW' ? 'yellow' : 'red'}>
              {t('waTemplates.quality', { score: t(`waTemplates.qualityScores.${template.qualityScore}`, template.qualityScore) })}
            </Badge>
          ) : null}
        </Group>
        {body ? (
          <Text size="sm" c="dimmed" lineClamp={2} style={{ overflowWrap: 'anywhere' }}>
            {body}
          </Text>
        ) : null}
        {template.notice && template.status !== 'DELETED' ? (
          <Text size="sm" c={NOTICE_COLOR[template.notice.code] ?? 'dimmed'} role="note">
            {noticeText(template.notice, template.status)}
          </Text>
        ) : null}
        <Text size="xs" c="dimmed">
          {t('waTemplates.updated', { when: formatDateTime(template.updatedAt) })}
        </Text>
      </Stack>
    </Card>
  );
}
