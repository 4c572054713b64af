import { SimpleGrid, TextInput, Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Bilingual } from '../../../api/services';
import type { Errors } from './editorModel';

interface Props {
  /** The thing being named, e.g. "Name": shown as "Name (English)" and "Name (हिन्दी)". */
  label: string;
  value: Bilingual;
  onChange: (value: Bilingual) => void;
  /** Error map and the path of this pair in it (`name` → `name.en`, `name.hi`). */
  errors: Errors;
  path: string;
  maxLength: number;
  multiline?: boolean;
  description?: string;
  required?: boolean;
}

/** An English and a Hindi text side by side (stacked on phones). */
export function BilingualInput({ label, value, onChange, errors, path, maxLength, multiline, description, required }: Props) {
  const { t } = useTranslation();
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
      {(['en', 'hi'] as const).map((lang) => {
        const common = {
          label: t('adminServices.inLanguage', { label, language: t(`lang.${lang}`) }),
          value: value[lang],
          error: errors[`${path}.${lang}`] ?? (lang === 'en' ? errors[path] : undefined),
          maxLength,
          required,
          lang,
          ...(description ? { description } : {}),
        };
        return multiline ? (
          <Textarea key={lang} {...common} autosize minRows={2} onChange={(e) => onChange({ ...value, [lang]: e.currentTarget.value })} />
        ) : (
          <TextInput key={lang} {...common} onChange={(e) => onChange({ ...value, [lang]: e.currentTarget.value })} />
        );
      })}
    </SimpleGrid>
  );
}
