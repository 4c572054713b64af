import { Alert, Button, Paper, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { inboxApi, type InboxMessage, type TemplateOption } from '../../../api/whatsapp-team-inbox';
import { LoadState } from '../../../components/LoadState';
import { useApi } from '../../../hooks/useApi';
import { notifyError } from '../../../lib/errors';

const fill = (text: string, keys: string[], values: string[]) =>
  keys.reduce((out, key, i) => out.replaceAll(`{{${key}}}`, values[i]?.trim() ? values[i]! : `{{${key}}}`), text);

/**
 * Outside the 24-hour window only an approved template can be sent: pick one, fill its variables,
 * see what the person will read, send. Templates that need a media header or button values are
 * listed but cannot be sent from here (the send page or the API can).
 */
export function TemplatePicker({ conversationId, onSent }: { conversationId: string; onSent: (m: InboxMessage) => void }) {
  const { t } = useTranslation();
  const state = useApi((signal) => inboxApi.templates(conversationId, signal), conversationId);
  const [chosen, setChosen] = useState<string | null>(null);
  const [header, setHeader] = useState<string[]>([]);
  const [body, setBody] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  const key = (o: TemplateOption) => `${o.name}|${o.language}`;
  const template = useMemo(() => state.data?.items.find((o) => key(o) === chosen) ?? null, [state.data, chosen]);
  const named = template?.parameterFormat === 'NAMED';
  const ready = template !== null && template.sendable && template.headerKeys.every((_, i) => header[i]?.trim()) && template.bodyKeys.every((_, i) => body[i]?.trim());

  const send = async () => {
    if (!template) return;
    setBusy(true);
    try {
      const params = (keys: string[], values: string[]) => keys.map((k, i) => ({ value: values[i]!.trim(), ...(named ? { name: k } : {}) }));
      const res = await inboxApi.reply(conversationId, {
        template: {
          name: template.name,
          language: template.language,
          ...(template.headerKeys.length ? { header: params(template.headerKeys, header) } : {}),
          ...(template.bodyKeys.length ? { body: params(template.bodyKeys, body) } : {}),
        },
      });
      onSent(res.message);
      setChosen(null);
      setHeader([]);
      setBody([]);
    } catch (err) {
      notifyError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack gap="xs">
      <Text size="sm" c="dimmed">
        {t('waInbox.templateHint')}
      </Text>
      <LoadState {...state}>
        {(d) =>
          d.items.length === 0 ? (
            <Alert color="gray">{t('waInbox.noTemplates')}</Alert>
          ) : (
            <Stack gap="xs">
              <Select
                label={t('waInbox.template')}
                placeholder={t('waInbox.chooseTemplate')}
                data={d.items.map((o) => ({ value: key(o), label: `${o.name} (${o.language})`, disabled: !o.sendable }))}
                value={chosen}
                onChange={(v) => {
                  setChosen(v);
                  setHeader([]);
                  setBody([]);
                }}
                searchable
                comboboxProps={{ withinPortal: true }}
              />
              {template ? (
                <>
                  {template.headerKeys.map((k, i) => (
                    <TextInput key={`h${k}`} label={t('waInbox.headerVariable', { key: k })} value={header[i] ?? ''} maxLength={60} onChange={(e) => setHeader((v) => Object.assign([...v], { [i]: e.currentTarget.value }))} />
                  ))}
                  {template.bodyKeys.map((k, i) => (
                    <TextInput key={`b${k}`} label={t('waInbox.bodyVariable', { key: k })} value={body[i] ?? ''} maxLength={1024} onChange={(e) => setBody((v) => Object.assign([...v], { [i]: e.currentTarget.value }))} />
                  ))}
                  <Paper withBorder p="xs" radius="md" bg="var(--mantine-color-green-light)" aria-label={t('waInbox.preview')}>
                    {template.headerText ? (
                      <Text size="sm" fw={700}>
                        {fill(template.headerText, template.headerKeys, header)}
                      </Text>
                    ) : null}
                    <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                      {fill(template.body, template.bodyKeys, body)}
                    </Text>
                    {template.footer ? (
                      <Text size="xs" c="dimmed">
                        {template.footer}
                      </Text>
                    ) : null}
                  </Paper>
                </>
              ) : null}
              <Button onClick={() => void send()} loading={busy} disabled={!ready}>
                {t('waInbox.sendTemplate')}
              </Button>
            </Stack>
          )
        }
      </LoadState>
    </Stack>
  );
}
