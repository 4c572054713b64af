import { Button, Group, SimpleGrid, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { meApi } from '../../api/endpoints';
import { CHANNELS, TOPICS, type Preference } from '../../api/types';
import { LoadState } from '../../components/LoadState';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { notifyError, notifySuccess } from '../../lib/errors';
import { TopicCard } from './TopicCard';

/** Every topic × channel, taking the saved rows and treating missing ones as "off, not chosen". */
function fullGrid(saved: Preference[]): Preference[] {
  return TOPICS.flatMap((topic) =>
    CHANNELS.map(
      (channel) =>
        saved.find((p) => p.topic === topic && p.channel === channel) ?? {
          topic,
          channel,
          enabled: false,
          givenAt: null,
        },
    ),
  );
}

const cellKey = (p: Pick<Preference, 'topic' | 'channel'>) => `${p.topic}:${p.channel}`;

export function PreferencesPage() {
  const { t } = useTranslation();
  const state = useApi(async (signal) => fullGrid((await meApi.preferences(signal)).preferences), 'preferences');
  /** Switches the person changed since the last save. */
  const [edits, setEdits] = useState<Record<string, boolean>>({});
  const [saving, setSaving] = useState(false);

  const save = async (current: Preference[]) => {
    setSaving(true);
    try {
      const body = current.map(({ topic, channel, enabled }) => ({
        topic,
        channel,
        enabled: edits[cellKey({ topic, channel })] ?? enabled,
      }));
      const res = await meApi.savePreferences(body);
      state.setData(fullGrid(res.preferences));
      setEdits({});
      notifySuccess(t('preferences.saved'));
    } catch (err) {
      notifyError(err);
    } finally {
      setSaving(false);
    }
  };

  const dirty = Object.keys(edits).length > 0;

  return (
    <>
      <PageHeader title={t('preferences.title')} description={t('preferences.intro')} />
      <LoadState {...state}>
        {(prefs) => (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void save(prefs);
            }}
          >
            <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg">
              {TOPICS.map((topic) => (
                <TopicCard
                  key={topic}
                  topic={topic}
                  prefs={prefs.filter((p) => p.topic === topic)}
                  valueOf={(p) => edits[cellKey(p)] ?? p.enabled}
                  onToggle={(p, enabled) =>
                    setEdits((prev) => {
                      // Only switches that differ from the saved value count as edits.
                      const next = Object.entries({ ...prev, [cellKey(p)]: enabled });
                      return Object.fromEntries(next.filter(([k, v]) => k !== cellKey(p) || v !== p.enabled));
                    })
                  }
                />
              ))}
            </SimpleGrid>
            <Group mt="lg" gap="md">
              <Button type="submit" loading={saving}>
                {t('preferences.save')}
              </Button>
              {dirty ? (
                <Text size="sm" c="orange.8" role="status">
                  {t('preferences.unsaved')}
                </Text>
              ) : null}
            </Group>
          </form>
        )}
      </LoadState>
    </>
  );
}
