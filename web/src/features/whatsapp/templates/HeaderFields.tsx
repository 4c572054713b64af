import { Select, Stack, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { HEADER_FORMATS, type HeaderFormat } from './draft';
import type { SectionProps } from './formTypes';
import { VariableExamples } from './VariableExamples';

/** The optional header: text (one variable at most) or a media / location header. */
export function HeaderFields(props: SectionProps) {
  const { t } = useTranslation();
  const { state, update, errorOf } = props;
  const media = state.headerFormat === 'IMAGE' || state.headerFormat === 'VIDEO' || state.headerFormat === 'DOCUMENT';
  return (
    <Stack gap="xs">
      <Select
        label={t('waTemplates.form.header')}
        value={state.headerFormat}
        allowDeselect={false}
        error={errorOf('header.format') ?? errorOf('header')}
        onChange={(v) => update({ headerFormat: (v ?? 'NONE') as HeaderFormat })}
        data={HEADER_FORMATS.map((f) => ({ value: f, label: t(`waTemplates.headerFormats.${f}`) }))}
      />
      {state.headerFormat === 'TEXT' ? (
        <>
          <TextInput
            label={t('waTemplates.form.headerText')}
            description={t('waTemplates.form.headerTextHint')}
            value={state.headerText}
            maxLength={80}
            error={errorOf('header.text')}
            onChange={(e) => update({ headerText: e.currentTarget.value })}
          />
          <VariableExamples {...props} part="header" text={state.headerText} />
        </>
      ) : null}
      {media ? (
        <TextInput
          label={t('waTemplates.form.headerHandle')}
          description={t('waTemplates.form.headerHandleHint')}
          value={state.headerHandle}
          maxLength={1000}
          error={errorOf('header.example')}
          onChange={(e) => update({ headerHandle: e.currentTarget.value.trim() })}
        />
      ) : null}
    </Stack>
  );
}
