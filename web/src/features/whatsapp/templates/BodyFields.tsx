import { Button, Group, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { variablesIn } from './draft';
import type { SectionProps } from './formTypes';
import { VariableExamples } from './VariableExamples';

const BODY_MAX = 1024;

/** The message text with its variables and their samples, and the footer. */
export function BodyFields(props: SectionProps) {
  const { t } = useTranslation();
  const { state, update, errorOf } = props;
  const addVariable = () => {
    const next = variablesIn(state.bodyText, 'POSITIONAL').length + 1;
    update({ bodyText: `${state.bodyText}${state.bodyText && !state.bodyText.endsWith(' ') ? ' ' : ''}{{${next}}}` });
  };
  const length = [...state.bodyText].length;
  return (
    <Stack gap="xs">
      <Textarea
        label={t('waTemplates.form.body')}
        description={state.parameterFormat === 'NAMED' ? t('waTemplates.form.bodyHintNamed', { example: '{{first_name}}' }) : t('waTemplates.form.bodyHint')}
        value={state.bodyText}
        autosize
        minRows={4}
        maxRows={12}
        maxLength={1100}
        required
        error={errorOf('body.text')}
        onChange={(e) => update({ bodyText: e.currentTarget.value })}
      />
      <Group justify="space-between" gap="xs">
        {state.parameterFormat === 'POSITIONAL' ? (
          <Button size="compact-sm" variant="light" onClick={addVariable}>
            {t('waTemplates.form.addVariable')}
          </Button>
        ) : (
          <span />
        )}
        <Text size="xs" c={length > BODY_MAX ? 'red' : 'dimmed'} aria-live="polite">
          {t('waTemplates.form.characters', { count: length, max: BODY_MAX })}
        </Text>
      </Group>
      <VariableExamples {...props} part="body" text={state.bodyText} />
      <TextInput
        label={t('waTemplates.form.footer')}
        description={t('waTemplates.form.footerHint')}
        value={state.footerText}
        maxLength={80}
        error={errorOf('footer.text')}
        onChange={(e) => update({ footerText: e.currentTarget.value })}
      />
    </Stack>
  );
}
