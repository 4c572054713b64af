import { Card, Stack, Switch, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Preference, Topic } from '../../api/types';
import { formatDateTime } from '../../lib/format';

interface Props {
  topic: Topic;
  prefs: Preference[];
  valueOf: (p: Preference) => boolean;
  onToggle: (p: Preference, enabled: boolean) => void;
}

/** One topic with a switch per channel and when each choice was given. */
export function TopicCard({ topic, prefs, valueOf, onToggle }: Props) {
  const { t } = useTranslation();
  const topicName = t(`preferences.topics.${topic}`);
  return (
    <Card withBorder radius="md" padding="lg" component="fieldset" style={{ margin: 0, minWidth: 0 }}>
      <Title order={2} size="h4" component="legend" style={{ float: 'left', width: '100%', padding: 0 }}>
        {topicName}
      </Title>
      <Text size="sm" c="dimmed" mb="md" style={{ clear: 'both' }}>
        {t(`preferences.topicHints.${topic}`)}
      </Text>
      <Stack gap="md">
        {prefs.map((p) => {
          const channelName = t(`preferences.channels.${p.channel}`);
          return (
            <Switch
              key={p.channel}
              checked={valueOf(p)}
              onChange={(e) => onToggle(p, e.currentTarget.checked)}
              label={channelName}
              aria-label={t('preferences.switchLabel', { topic: topicName, channel: channelName })}
              description={
                p.givenAt ? t('preferences.givenAt', { time: formatDateTime(p.givenAt) }) : t('preferences.notGiven')
              }
            />
          );
        })}
      </Stack>
    </Card>
  );
}
