import { Badge, Group, Text, Timeline as MantineTimeline } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { TimelineEvent } from '../../api/applications';
import { formatDateTime } from '../../lib/format';

/** Who did what and when; internal entries (staff only) are marked. */
export function Timeline({ events }: { events: TimelineEvent[] }) {
  const { t } = useTranslation();
  const actor = (e: TimelineEvent) => {
    if (!e.actor) return t('applications.timeline.system');
    return e.actor.name ?? t(`roles.${e.actor.role}`);
  };
  return (
    <MantineTimeline active={events.length - 1} bulletSize={14} lineWidth={2} aria-label={t('applications.timeline.title')}>
      {[...events].map((e) => (
        <MantineTimeline.Item
          key={e.id}
          title={
            <Group gap={6} wrap="wrap">
              <Text size="sm" fw={600}>
                {t(`applications.events.${e.kind}`, { defaultValue: e.kind })}
              </Text>
              {e.visibility === 'internal' ? (
                <Badge size="xs" color="gray" variant="outline">
                  {t('applications.timeline.internal')}
                </Badge>
              ) : null}
            </Group>
          }
        >
          {e.message ? (
            <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
              {e.message}
            </Text>
          ) : null}
          <Text size="xs" c="dimmed">
            {actor(e)} · {formatDateTime(e.at)}
          </Text>
        </MantineTimeline.Item>
      ))}
    </MantineTimeline>
  );
}
