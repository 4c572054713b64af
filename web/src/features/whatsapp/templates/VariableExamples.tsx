import { SimpleGrid, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { variablesIn } from './draft';
import type { SectionProps } from './formTypes';

/** One sample input per variable of a text: Meta reviews templates with their samples filled in. */
export function VariableExamples({ part, text, state, update, errorOf }: SectionProps & { part: 'header' | 'body'; text: string }) {
  const { t } = useTranslation();
  const keys = variablesIn(text, state.parameterFormat);
  if (!keys.length) return null;
  const error = errorOf(`${part}.example`);
  return (
    <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs">
      {keys.map((k, i) => (
        <TextInput
          key={k}
          label={t('waTemplates.form.sampleFor', { variable: `{{${k}}}` })}
          value={state.examples[`${part}:${k}`] ?? ''}
          maxLength={200}
          error={i === 0 ? error : undefined}
          onChange={(e) => update({ examples: { ...state.examples, [`${part}:${k}`]: e.currentTarget.value } })}
        />
      ))}
    </SimpleGrid>
  );
}
