import { Alert, Anchor, Badge, Button, Card, Grid, Group, Stack, Text, Timeline, Title } from '@mantine/core';
import { Link, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { templatesApi, type Template, type TemplateEvent } from '../../../api/whatsapp-templates';
import { LoadState } from '../../../components/LoadState';
import { PageHeader } from '../../../components/PageHeader';
import { useApi } from '../../../hooks/useApi';
import { useConfirm } from '../../../hooks/useConfirm';
import { notifyError, notifySuccess } from '../../../lib/errors';
import { formatDateTime } from '../../../lib/format';
import { TemplateBubble } from './TemplateBubble';
import { TemplateStatusBadge } from './TemplateStatusBadge';
import { useNoticeText } from './templateText';

const NOTICE_COLOR: Record<string, string> = { template_paused: 'orange', template_disabled: 'red', template_not_found: 'gray', template_not_approved: 'yellow' };

/** One template: its status with Meta's reasons, the phone's view, the history of every report, delete. */
export function TemplateDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const state = useApi((signal) => templatesApi.get(id, signal), id);
  return (
    <>
      <Anchor component={Link} to="/whatsapp/templates" size="sm">
        ← {t('waTemplates.back')}
      </Anchor>
      <LoadState {...state}>
        {(data) => (
          <>
            <PageHeader
              title={data.template.name}
              description={`${data.template.language} · ${t(`waTemplates.categories.${data.template.category}`, data.template.category)}`}
              actions={data.template.deletedAt ? undefined : <DeleteButton template={data.template} />}
            />
            <Grid gutter="lg">
              <Grid.Col span={{ base: 12, md: 7 }}>
                <Stack>
                  <StatusCard template={data.template} />
                  <History events={data.events} />
                </Stack>
              </Grid.Col>
              <Grid.Col span={{ base: 12, md: 5 }}>
                <Card withBorder radius="md" padding="md">
                  <Title order={2} size="h5" mb="xs">
                    {t('waTemplates.preview.title')}
                  </Title>
                  <TemplateBubble preview={data.preview} />
                  <Text size="xs" c="dimmed" mt="xs">
                    {t('waTemplates.preview.withSamples')}
                  </Text>
                </Card>
              </Grid.Col>
            </Grid>
          </>
        )}
      </LoadState>
    </>
  );
}

function StatusCard({ template }: { template: Template }) {
  const { t } = useTranslation();
  const noticeText = useNoticeText();
  const reason = template.reason && template.reason !== 'NONE' ? template.reason : null;
  return (
    <Card withBorder radius="md" padding="md">
      <Stack gap="xs">
        <Group gap="xs">
          <Text fw={500}>{t('waTemplates.detail.status')}</Text>
          <TemplateStatusBadge status={template.status} />
          {template.qualityScore ? (
            <Badge variant="dot" color={template.qualityScore === 'GREEN' ? 'teal' : template.qualityScore === 'YELLOW' ? 'yellow' : template.qualityScore === 'RED' ? 'red' : 'gray'}>
              {t('waTemplates.quality', { score: t(`waTemplates.qualityScores.${template.qualityScore}`, template.qualityScore) })}
            </Badge>
          ) : null}
        </Group>
        <Text size="xs" c="dimmed">
          {t('waTemplates.detail.since', { when: formatDateTime(template.statusAt) })}
        </Text>
        {template.notice && !template.deletedAt ? (
          <Alert color={NOTICE_COLOR[template.notice.code] ?? 'gray'} variant="light" role="status">
            {noticeText(template.notice, template.status)}
          </Alert>
        ) : null}
        {template.status === 'REJECTED' ? (
          <Stack gap={2}>
            {reason ? (
              <Text size="sm">
                <b>{t('waTemplates.detail.reason')}:</b> {t(`waTemplates.reasons.${reason}`, reason)}
              </Text>
            ) : null}
            {template.rejectionInfo?.reason ? <Text size="sm">{template.rejectionInfo.reason}</Text> : null}
            {template.rejectionInfo?.recommendation ? (
              <Text size="sm">
                <b>{t('waTemplates.detail.recommendation')}:</b> {template.rejectionInfo.recommendation}
              </Text>
            ) : null}
          </Stack>
        ) : null}
        {template.otherInfo?.description ? (
          <Text size="sm">
            {template.otherInfo.title ? <b>{t(`waTemplates.otherInfo.${template.otherInfo.title}`, template.otherInfo.title)}: </b> : null}
            {template.otherInfo.description}
          </Text>
        ) : null}
        {template.disableInfo?.disable_date ? <Text size="sm">{t('waTemplates.detail.disabledOn', { when: formatDateTime(template.disableInfo.disable_date) })}</Text> : null}
        {template.requestedCategory && template.requestedCategory !== template.category ? (
          <Text size="sm" c="orange.8">
            {t('waTemplates.detail.recategorised', {
              from: t(`waTemplates.categories.${template.requestedCategory}`, template.requestedCategory),
              to: t(`waTemplates.categories.${template.category}`, template.category),
            })}
          </Text>
        ) : null}
        <Text size="xs" c="dimmed">
          {template.source === 'meta' ? t('waTemplates.detail.fromMeta') : t('waTemplates.detail.created', { when: formatDateTime(template.submittedAt ?? template.createdAt) })}
          {template.metaTemplateId ? ` · ${t('waTemplates.detail.metaId', { id: template.metaTemplateId })}` : ''}
        </Text>
      </Stack>
    </Card>
  );
}

function History({ events }: { events: TemplateEvent[] }) {
  const { t } = useTranslation();
  return (
    <Card withBorder radius="md" padding="md">
      <Title order={2} size="h5" mb="sm">
        {t('waTemplates.detail.history')}
      </Title>
      <Timeline active={events.length} bulletSize={14} lineWidth={2} aria-label={t('waTemplates.detail.history')}>
        {events.map((e, i) => (
          <Timeline.Item key={i} title={t(`waTemplates.events.${e.event}`, e.event.replace(/_/g, ' '))} color={e.applied ? undefined : 'gray'}>
            <Text size="xs" c="dimmed">
              {formatDateTime(e.occurredAt)} · {t(`waTemplates.sources.${e.source}`)}
              {e.reason && e.reason !== 'NONE' ? ` · ${t(`waTemplates.reasons.${e.reason}`, e.reason)}` : ''}
            </Text>
            {!e.applied ? (
              <Text size="xs" c="dimmed">
                {t('waTemplates.detail.stale')}
              </Text>
            ) : null}
          </Timeline.Item>
        ))}
      </Timeline>
    </Card>
  );
}

function DeleteButton({ template }: { template: Template }) {
  const { t } = useTranslation();
  const confirm = useConfirm();
  const navigate = useNavigate();
  return (
    <Button
      color="red"
      variant="light"
      onClick={() =>
        confirm({
          title: t('waTemplates.delete.title', { name: template.name }),
          body: t('waTemplates.delete.body', { name: template.name, language: template.language }),
          confirmLabel: t('waTemplates.delete.confirm'),
          danger: true,
          onConfirm: async () => {
            try {
              await templatesApi.remove(template.id);
              notifySuccess(t('waTemplates.delete.done', { name: template.name }));
              void navigate('/whatsapp/templates');
            } catch (err) {
              notifyError(err);
            }
          },
        })
      }
    >
      {t('waTemplates.delete.button')}
    </Button>
  );
}
