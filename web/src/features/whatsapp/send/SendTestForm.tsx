import { Alert, Button, SegmentedControl, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { testSendApi, type SendNumber, type SendTemplate, type TestSendResult } from '../../../api/whatsapp-send';
import { FormError } from '../../../components/FormError';
import { useApi } from '../../../hooks/useApi';
import { useSubmit } from '../../../hooks/useSubmit';
import { errorMessage } from '../../../lib/errors';

type Kind = 'text' | 'template';

const numberName = (n: SendNumber) => {
  const title = n.label || n.verifiedName || n.displayPhoneNumber || n.phoneNumberId;
  return n.displayPhoneNumber && title !== n.displayPhoneNumber ? `${title} (${n.displayPhoneNumber})` : title;
};
const templateKey = (tpl: SendTemplate) => `${tpl.name}\n${tpl.language}`;
/** International format: + and 8–15 digits (spaces and dashes allowed). */
const recipientOk = (to: string) => /^\+?[0-9][0-9\s-]{6,18}[0-9]$/.test(to.trim()) && to.replace(/\D/g, '').length >= 8;

/** The test message: from which number, to whom, and a text or an approved template with its values. */
export function SendTestForm({ numbers, onSent }: { numbers: SendNumber[]; onSent: (r: TestSendResult | null) => void }) {
  const { t } = useTranslation();
  const [numberId, setNumberId] = useState(numbers[0]!.id);
  const [to, setTo] = useState('');
  const [kind, setKind] = useState<Kind>('text');
  const [text, setText] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [problems, setProblems] = useState<{ to?: string; text?: string; template?: string }>({});

  const templates = useApi((signal) => (kind === 'template' ? testSendApi.templates(numberId, signal) : Promise.resolve({ items: [] })), `${numberId}:${kind}`);
  const template = templates.data?.items.find((x) => templateKey(x) === selected) ?? null;

  const submit = useSubmit(async () => {
    onSent(null);
    const result = await testSendApi.send({
      numberId,
      to: to.trim(),
      ...(kind === 'text'
        ? { text }
        : {
            template: {
              name: template!.name,
              language: template!.language,
              parameters: template!.variables.map((v) => ({ ...(template!.parameterFormat === 'NAMED' ? { name: v } : {}), value: values[v]?.trim() ?? '' })),
            },
          }),
    });
    onSent(result);
  });

  const run = () => {
    const found: typeof problems = {};
    if (!recipientOk(to)) found.to = t('waSend.toInvalid');
    if (kind === 'text' && !text.trim()) found.text = t('validation.required');
    if (kind === 'template' && (!template || template.variables.some((v) => !values[v]?.trim()))) found.template = t('waSend.templateIncomplete');
    setProblems(found);
    if (Object.keys(found).length === 0) void submit.run();
  };

  return (
    <form
      noValidate
      aria-label={t('waSend.title')}
      onSubmit={(e) => {
        e.preventDefault();
        run();
      }}
    >
      <Stack gap="sm">
        <FormError error={submit.error} />
        <Select
          label={t('waSend.from')}
          data={numbers.map((n) => ({ value: n.id, label: numberName(n) }))}
          value={numberId}
          onChange={(v) => {
            if (!v) return;
            setNumberId(v);
            setSelected(null);
          }}
          allowDeselect={false}
          required
        />
        <TextInput label={t('waSend.to')} description={t('waSend.toHint')} placeholder="+91 98765 43210" type="tel" inputMode="tel" autoComplete="off" value={to} onChange={(e) => setTo(e.currentTarget.value)} error={problems.to} required />
        <SegmentedControl
          aria-label={t('waSend.kind')}
          value={kind}
          onChange={(v) => setKind(v as Kind)}
          data={[
            { value: 'text', label: t('waSend.kinds.text') },
            { value: 'template', label: t('waSend.kinds.template') },
          ]}
        />
        {kind === 'text' ? (
          <>
            <Textarea label={t('waSend.text')} autosize minRows={3} maxLength={4096} value={text} onChange={(e) => setText(e.currentTarget.value)} error={problems.text} required />
            <Text size="xs" c="dimmed">
              {t('waSend.windowNote')}
            </Text>
          </>
        ) : (
          <>
            {templates.error ? <Alert color="red">{errorMessage(templates.error)}</Alert> : null}
            <Select
              label={t('waSend.template')}
              placeholder={templates.loading ? t('common.loading') : t('waSend.templatePick')}
              nothingFoundMessage={t('waSend.noTemplates')}
              data={(templates.data?.items ?? []).map((x) => ({ value: templateKey(x), label: `${x.name} (${x.language})`, disabled: x.hasHeaderVariables }))}
              value={selected}
              onChange={(v) => {
                setSelected(v);
                setValues({});
              }}
              error={problems.template}
              searchable
              required
            />
            {template ? (
              <Stack gap="xs">
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {template.body}
                </Text>
                {template.variables.map((v) => (
                  <TextInput key={v} label={t('waSend.variable', { name: v })} value={values[v] ?? ''} onChange={(e) => setValues((old) => ({ ...old, [v]: e.currentTarget.value }))} maxLength={1024} required />
                ))}
                <Text size="xs" c="dimmed">
                  {t('waSend.consentNote')}
                </Text>
              </Stack>
            ) : null}
          </>
        )}
        <Button type="submit" loading={submit.busy} style={{ alignSelf: 'flex-start' }}>
          {t('waSend.send')}
        </Button>
      </Stack>
    </form>
  );
}
