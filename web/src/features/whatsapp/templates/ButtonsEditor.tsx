import { ActionIcon, Button, Card, Group, Menu, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { BUTTON_KINDS, MAX_BUTTONS, variablesIn, type ButtonDraft, type ButtonKind } from './draft';
import type { SectionProps } from './formTypes';

let nextKey = 1;

/** Buttons: quick replies, a website (with an optional {{1}} at the end), a phone number, a coupon code. */
export function ButtonsEditor({ state, update, errorOf }: SectionProps) {
  const { t } = useTranslation();
  const set = (key: number, changes: Partial<ButtonDraft>) => update({ buttons: state.buttons.map((b) => (b.key === key ? { ...b, ...changes } : b)) });
  const add = (type: ButtonKind) => update({ buttons: [...state.buttons, { key: nextKey++, type, text: '', url: '', phone: '', example: '' }] });
  const kinds = BUTTON_KINDS.filter((k) => k !== 'COPY_CODE' || state.category === 'MARKETING');
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Text size="sm" fw={500}>
          {t('waTemplates.form.buttons')}
        </Text>
        <Menu position="bottom-end">
          <Menu.Target>
            <Button size="compact-sm" variant="light" disabled={state.buttons.length >= MAX_BUTTONS}>
              {t('waTemplates.form.addButton')}
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            {kinds.map((k) => (
              <Menu.Item key={k} onClick={() => add(k)}>
                {t(`waTemplates.buttonTypes.${k}`)}
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
      </Group>
      {errorOf('buttons') ? (
        <Text size="sm" c="red" role="alert">
          {errorOf('buttons')}
        </Text>
      ) : null}
      {state.buttons.map((b, i) => {
        const err = (f: string) => errorOf(`buttons[${i}].${f}`);
        return (
          <Card key={b.key} withBorder padding="xs" radius="sm">
            <Group justify="space-between" mb={4}>
              <Text size="sm" fw={500}>
                {t('waTemplates.form.buttonN', { n: i + 1, type: t(`waTemplates.buttonTypes.${b.type}`) })}
              </Text>
              <ActionIcon variant="subtle" color="red" aria-label={t('waTemplates.form.removeButton', { n: i + 1 })} onClick={() => update({ buttons: state.buttons.filter((x) => x.key !== b.key) })}>
                ✕
              </ActionIcon>
            </Group>
            <Stack gap={6}>
              {b.type !== 'COPY_CODE' ? (
                <TextInput label={t('waTemplates.form.buttonText')} value={b.text} maxLength={40} error={err('text') ?? err('type')} onChange={(e) => set(b.key, { text: e.currentTarget.value })} />
              ) : null}
              {b.type === 'URL' ? (
                <>
                  <TextInput label={t('waTemplates.form.buttonUrl')} description={t('waTemplates.form.buttonUrlHint')} placeholder="https://" value={b.url} maxLength={2000} error={err('url')} onChange={(e) => set(b.key, { url: e.currentTarget.value.trim() })} />
                  {variablesIn(b.url, 'POSITIONAL').length ? (
                    <TextInput label={t('waTemplates.form.sampleFor', { variable: '{{1}}' })} value={b.example} maxLength={200} error={err('example')} onChange={(e) => set(b.key, { example: e.currentTarget.value.trim() })} />
                  ) : null}
                </>
              ) : null}
              {b.type === 'PHONE_NUMBER' ? (
                <TextInput label={t('waTemplates.form.buttonPhone')} placeholder="+91 98765 43210" value={b.phone} maxLength={25} error={err('phone_number')} onChange={(e) => set(b.key, { phone: e.currentTarget.value })} />
              ) : null}
              {b.type === 'COPY_CODE' ? (
                <TextInput label={t('waTemplates.form.couponSample')} value={b.example} maxLength={20} error={err('example') ?? err('type')} onChange={(e) => set(b.key, { example: e.currentTarget.value.trim() })} />
              ) : null}
            </Stack>
          </Card>
        );
      })}
    </Stack>
  );
}
