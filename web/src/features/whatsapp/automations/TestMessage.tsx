import { Alert, Badge, Button, Card, Checkbox, Group, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { automationsApi, type TestResult } from '../../../api/whatsapp-automations';
import { FormError } from '../../../components/FormError';
import { useSubmit } from '../../../hooks/useSubmit';
import { replyLine } from './replyText';

/** "Which rule would fire?": a message and a moment are tried against the number's rules; nothing is sent. */
export function TestMessage({ numberId }: { numberId: string }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [firstContact, setFirstContact] = useState(false);
  const [at, setAt] = useState('');
  const [result, setResult] = useState<TestResult | null>(null);
  const run = useSubmit(async () => {
    setResult(await automationsApi.test(numberId, { text, firstContact, ...(at ? { at: new Date(at).toISOString() } : {}) }));
  });

  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {t('waAutomations.test.intro')}
      </Text>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run.run();
        }}
      >
        <Stack gap="xs">
          <Textarea label={t('waAutomations.test.message')} autosize minRows={2} maxLength={4096} value={text} onChange={(e) => setText(e.currentTarget.value)} />
          <Checkbox label={t('waAutomations.test.firstContact')} checked={firstContact} onChange={(e) => setFirstContact(e.currentTarget.checked)} />
          <TextInput type="datetime-local" label={t('waAutomations.test.at')} description={t('waAutomations.test.atHint')} value={at} onChange={(e) => setAt(e.currentTarget.value)} />
          <FormError error={run.error} />
          <Group justify="flex-end">
            <Button type="submit" loading={run.busy}>
              {t('waAutomations.test.run')}
            </Button>
          </Group>
        </Stack>
      </form>
      {result ? (
        <Card withBorder radius="md" padding="sm" component="section" aria-live="polite" aria-label={t('waAutomations.test.result')}>
          <Stack gap="xs">
            <Group gap="xs">
              <Badge color={result.open ? 'green' : 'gray'}>{result.open ? t('waAutomations.open') : t('waAutomations.closed')}</Badge>
              <Text size="xs" c="dimmed">
                {result.localTime.replace(/ [a-z]{3}$/, '')} · {result.timezone}
              </Text>
            </Group>
            {result.note === 'automations_off' ? <Alert color="gray">{t('waAutomations.test.off')}</Alert> : null}
            {result.consentKeyword ? <Alert color="blue">{t(`waAutomations.test.consent.${result.consentKeyword}`)}</Alert> : null}
            {result.fired.length === 0 && result.note !== 'automations_off' ? <Text size="sm">{t('waAutomations.test.nothing')}</Text> : null}
            {result.fired.map((f) => (
              <Stack key={f.ruleId} gap={2}>
                <Group gap={6}>
                  <Badge variant="light">{t(`waAutomations.kinds.${f.kind}`)}</Badge>
                  {f.name ? (
                    <Text size="sm" fw={600}>
                      {f.name}
                    </Text>
                  ) : null}
                  {f.matched ? (
                    <Text size="xs" c="dimmed">
                      {t('waAutomations.test.matched', { pattern: f.matched })}
                    </Text>
                  ) : null}
                </Group>
                {f.reply ? (
                  <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                    ↩ {replyLine(f.reply, t)}
                  </Text>
                ) : null}
                {f.addTags.length ? (
                  <Text size="xs" c="dimmed">
                    {t('waAutomations.rule.tagsShort')} {f.addTags.join(', ')}
                  </Text>
                ) : null}
              </Stack>
            ))}
            <Text size="xs" c="dimmed">
              {t('waAutomations.test.caveat')}
            </Text>
          </Stack>
        </Card>
      ) : null}
    </Stack>
  );
}
