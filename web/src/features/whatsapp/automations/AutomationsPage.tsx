import { Alert, Anchor, Badge, Group, Select, SimpleGrid, Stack, Tabs, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { automationsApi, type Overview, type Rule, type SingleKind } from '../../../api/whatsapp-automations';
import { numbersApi, type WaNumber } from '../../../api/whatsapp-account';
import { LoadState } from '../../../components/LoadState';
import { PageHeader } from '../../../components/PageHeader';
import { useApi } from '../../../hooks/useApi';
import { HoursEditor } from './HoursEditor';
import { KeywordRules } from './KeywordRules';
import { RecentRuns } from './RecentRuns';
import { SingleReplyCard } from './SingleReplyCard';
import { TestMessage } from './TestMessage';

const SINGLES: SingleKind[] = ['welcome', 'away', 'opt_out', 'opt_in'];

const numberName = (n: WaNumber) => {
  const title = n.label || n.verifiedName || n.displayPhoneNumber || n.phoneNumberId;
  return n.displayPhoneNumber && title !== n.displayPhoneNumber ? `${title} (${n.displayPhoneNumber})` : title;
};

function NumberAutomations({ numberId }: { numberId: string }) {
  const { t } = useTranslation();
  const overview = useApi((signal) => automationsApi.get(numberId, signal), `automations:${numberId}`);
  const update = (patch: Partial<Overview>) => overview.data && overview.setData({ ...overview.data, ...patch });
  const setRules = (rules: Rule[]) => overview.data && update({ rules });

  return (
    <LoadState data={overview.data} error={overview.error} loading={overview.loading} reload={overview.reload}>
      {(o) => {
        const keywords = o.rules.filter((r) => r.kind === 'keyword').sort((a, b) => a.position - b.position);
        const stopped = o.rules.filter((r) => r.stoppedAt);
        return (
          <Stack gap="md">
            <Group gap="xs">
              <Badge color={o.settings.enabled ? 'green' : 'gray'}>{o.settings.enabled ? t('waAutomations.on') : t('waAutomations.off')}</Badge>
              <Badge color={o.openNow ? 'teal' : 'gray'} variant="light">
                {o.openNow ? t('waAutomations.openNow') : t('waAutomations.closedNow')}
              </Badge>
              <Text size="xs" c="dimmed">
                {o.settings.timezone}
              </Text>
            </Group>
            {o.number.status === 'disconnected' ? <Alert color="gray">{t('waAutomations.disconnected')}</Alert> : null}
            {stopped.length ? (
              <Alert color="orange" title={t('waAutomations.stoppedCount', { count: stopped.length })}>
                {t('waAutomations.stoppedHint')}
              </Alert>
            ) : null}
            <Tabs defaultValue="replies" keepMounted={false}>
              <Tabs.List style={{ flexWrap: 'wrap' }}>
                <Tabs.Tab value="replies">{t('waAutomations.tabs.replies')}</Tabs.Tab>
                <Tabs.Tab value="keywords">
                  {t('waAutomations.tabs.keywords')} ({keywords.length})
                </Tabs.Tab>
                <Tabs.Tab value="hours">{t('waAutomations.tabs.hours')}</Tabs.Tab>
                <Tabs.Tab value="test">{t('waAutomations.tabs.test')}</Tabs.Tab>
                <Tabs.Tab value="runs">{t('waAutomations.tabs.runs')}</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="replies" pt="md">
                <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
                  {SINGLES.map((kind) => {
                    const rule = o.rules.find((r) => r.kind === kind);
                    return (
                      <SingleReplyCard
                        key={`${kind}:${rule?.updatedAt ?? ''}`}
                        numberId={numberId}
                        kind={kind}
                        rule={rule}
                        onSaved={(saved) => setRules([...o.rules.filter((r) => r.id !== saved.id), saved])}
                      />
                    );
                  })}
                </SimpleGrid>
              </Tabs.Panel>
              <Tabs.Panel value="keywords" pt="md">
                <KeywordRules numberId={numberId} rules={keywords} onChange={(next) => setRules([...o.rules.filter((r) => r.kind !== 'keyword'), ...next])} />
              </Tabs.Panel>
              <Tabs.Panel value="hours" pt="md">
                <HoursEditor key={o.settings.updatedAt ?? 'defaults'} numberId={numberId} settings={o.settings} onSaved={(settings, openNow) => update({ settings, openNow })} />
              </Tabs.Panel>
              <Tabs.Panel value="test" pt="md">
                <TestMessage numberId={numberId} />
              </Tabs.Panel>
              <Tabs.Panel value="runs" pt="md">
                <RecentRuns numberId={numberId} />
              </Tabs.Panel>
            </Tabs>
          </Stack>
        );
      }}
    </LoadState>
  );
}

/**
 * Automations of a WhatsApp number: the welcome for first-time contacts, the away message outside
 * opening hours, opt-out and opt-in confirmations, keyword rules, and a tester that tells which rule
 * would fire. The number is in the address (?number=…), so notices can link straight to it.
 */
export function AutomationsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const numbers = useApi((signal) => numbersApi.list(signal), 'automation-numbers');
  const live = (numbers.data?.items ?? []).filter((n) => n.status !== 'disconnected' || n.id === params.get('number'));
  const numberId = params.get('number') ?? live[0]?.id ?? null;

  return (
    <>
      <PageHeader title={t('waAutomations.title')} description={t('waAutomations.intro')} />
      <LoadState data={numbers.data} error={numbers.error} loading={numbers.loading} reload={numbers.reload}>
        {() =>
          live.length === 0 ? (
            <Text c="dimmed">
              {t('waAutomations.noNumbers')}{' '}
              <Anchor component={Link} to="/whatsapp/numbers">
                {t('waAutomations.connectNumber')}
              </Anchor>
            </Text>
          ) : (
            <Stack gap="md">
              <Select
                label={t('waAutomations.number')}
                allowDeselect={false}
                value={numberId}
                onChange={(v) => v && setParams({ number: v }, { replace: true })}
                data={live.map((n) => ({ value: n.id, label: numberName(n) }))}
                maw={480}
              />
              {numberId ? <NumberAutomations key={numberId} numberId={numberId} /> : null}
            </Stack>
          )
        }
      </LoadState>
    </>
  );
}
