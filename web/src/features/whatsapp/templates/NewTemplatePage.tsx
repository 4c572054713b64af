import { Alert, Anchor, Button, Card, Divider, Grid, Group, List, SegmentedControl, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api/client';
import {
  TEMPLATE_CATEGORIES,
  templatesApi,
  type ParameterFormat,
  type RenderedTemplate,
  type TemplateAccount,
  type TemplateCategory,
  type TemplateIssue,
} from '../../../api/whatsapp-templates';
import { FormError } from '../../../components/FormError';
import { LoadState } from '../../../components/LoadState';
import { PageHeader } from '../../../components/PageHeader';
import { useApi } from '../../../hooks/useApi';
import { useSubmit } from '../../../hooks/useSubmit';
import { notifySuccess } from '../../../lib/errors';
import { AuthenticationFields } from './AuthenticationFields';
import { BodyFields } from './BodyFields';
import { ButtonsEditor } from './ButtonsEditor';
import { HeaderFields } from './HeaderFields';
import { TemplateBubble } from './TemplateBubble';
import { initialState, toDraft, toTemplateName, type FormState } from './draft';

/** A new template: the form on one side, the phone's view and Meta's rules checked live on the other. */
export function NewTemplatePage() {
  const { t } = useTranslation();
  const accounts = useApi((signal) => templatesApi.accounts(signal), 'template-accounts');
  const languages = useApi((signal) => templatesApi.languages(signal), 'template-languages');
  return (
    <>
      <PageHeader title={t('waTemplates.form.title')} description={t('waTemplates.form.intro')} />
      <LoadState {...accounts}>
        {({ items }) =>
          items.length === 0 ? (
            <Alert color="blue" title={t('waTemplates.noNumbers.title')}>
              <Text size="sm">{t('waTemplates.noNumbers.body')}</Text>
              <Anchor component={Link} to="/whatsapp/numbers" size="sm">
                {t('waTemplates.noNumbers.link')}
              </Anchor>
            </Alert>
          ) : (
            <TemplateForm accounts={items} languages={languages.data?.items ?? [{ code: 'en', name: 'English' }]} />
          )
        }
      </LoadState>
    </>
  );
}

function TemplateForm({ accounts, languages }: { accounts: TemplateAccount[]; languages: { code: string; name: string }[] }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [state, setState] = useState<FormState>(() => initialState(accounts[0]!.numbers[0]!.id));
  const update = (changes: Partial<FormState>) => setState((s) => ({ ...s, ...changes }));
  const draft = useMemo(() => toDraft(state), [state]);
  const [debounced] = useDebouncedValue(JSON.stringify(draft), 300);
  const [check, setCheck] = useState<{ preview: RenderedTemplate; issues: TemplateIssue[] } | null>(null);
  const [submitted, setSubmitted] = useState(false);

  useEffect(() => {
    let current = true;
    templatesApi.previewDraft(JSON.parse(debounced) as ReturnType<typeof toDraft>).then(
      (result) => current && setCheck(result),
      // The preview is a convenience: a failed check leaves the last one shown; submitting tells the truth.
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [debounced]);

  const issues = check?.issues ?? [];
  const errorOf = (field: string) => (submitted ? issues.filter((i) => i.field === field).map((i) => i.message).join(' ') || undefined : undefined);

  const submit = useSubmit(
    async () => {
      setSubmitted(true);
      const { template } = await templatesApi.create({ ...draft, numberId: state.numberId, name: state.name, language: state.language, category: state.category });
      notifySuccess(t('waTemplates.form.submitted', { name: template.name }));
      void navigate(`/whatsapp/templates/${template.id}`);
    },
    (err) => {
      if (err instanceof ApiError && err.code === 'invalid_template' && check) setCheck({ ...check, issues: err.details });
    },
  );

  const numbers = accounts.flatMap((a) => a.numbers);
  const sections = { state, update, errorOf };
  const invalidTemplate = submit.error instanceof ApiError && submit.error.code === 'invalid_template';

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit.run();
      }}
    >
      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="md">
            <Card withBorder radius="md" padding="md">
              <Stack gap="xs">
                {numbers.length > 1 ? (
                  <Select
                    label={t('waTemplates.form.number')}
                    description={t('waTemplates.form.numberHint')}
                    value={state.numberId}
                    allowDeselect={false}
                    onChange={(v) => v && update({ numberId: v })}
                    data={numbers.map((n) => ({ value: n.id, label: [n.label || n.verifiedName, n.displayPhoneNumber].filter(Boolean).join(' · ') || n.id }))}
                  />
                ) : null}
                <TextInput
                  label={t('waTemplates.form.name')}
                  description={t('waTemplates.form.nameHint')}
                  value={state.name}
                  maxLength={512}
                  required
                  error={errorOf('name')}
                  onChange={(e) => update({ name: toTemplateName(e.currentTarget.value) })}
                />
                <Select
                  label={t('waTemplates.form.language')}
                  value={state.language}
                  searchable
                  allowDeselect={false}
                  error={errorOf('language')}
                  onChange={(v) => v && update({ language: v })}
                  data={languages.map((l) => ({ value: l.code, label: `${l.name} (${l.code})` }))}
                />
                <div>
                  <Text size="sm" fw={500} id="tpl-category">
                    {t('waTemplates.form.category')}
                  </Text>
                  <SegmentedControl
                    fullWidth
                    aria-labelledby="tpl-category"
                    value={state.category}
                    onChange={(v) => update({ category: v as TemplateCategory, ...(v === 'AUTHENTICATION' ? { parameterFormat: 'POSITIONAL' as const } : {}) })}
                    data={TEMPLATE_CATEGORIES.map((c) => ({ value: c, label: t(`waTemplates.categories.${c}`) }))}
                  />
                  <Text size="xs" c="dimmed" mt={4}>
                    {t(`waTemplates.categoryHints.${state.category}`)}
                  </Text>
                </div>
                {state.category !== 'AUTHENTICATION' ? (
                  <div>
                    <Text size="sm" fw={500} id="tpl-format">
                      {t('waTemplates.form.variables')}
                    </Text>
                    <SegmentedControl
                      fullWidth
                      aria-labelledby="tpl-format"
                      value={state.parameterFormat}
                      onChange={(v) => update({ parameterFormat: v as ParameterFormat, examples: {} })}
                      data={[
                        { value: 'POSITIONAL', label: t('waTemplates.form.positional') },
                        { value: 'NAMED', label: t('waTemplates.form.named') },
                      ]}
                    />
                  </div>
                ) : null}
              </Stack>
            </Card>
            <Card withBorder radius="md" padding="md">
              {state.category === 'AUTHENTICATION' ? (
                <AuthenticationFields {...sections} />
              ) : (
                <Stack gap="md">
                  <HeaderFields {...sections} />
                  <Divider />
                  <BodyFields {...sections} />
                  <Divider />
                  <ButtonsEditor {...sections} />
                </Stack>
              )}
            </Card>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Card withBorder radius="md" padding="md" style={{ position: 'sticky', top: 16 }}>
            <Title order={2} size="h5" mb="xs">
              {t('waTemplates.preview.title')}
            </Title>
            {check ? <TemplateBubble preview={check.preview} /> : null}
            <div aria-live="polite">
              {issues.length ? (
                <Stack gap={4} mt="sm">
                  <Text size="sm" fw={500}>
                    {t('waTemplates.preview.toFix', { count: issues.length })}
                  </Text>
                  <List size="sm" spacing={2} aria-label={t('waTemplates.preview.toFixLabel')}>
                    {issues.map((i, n) => (
                      <List.Item key={n}>{i.message}</List.Item>
                    ))}
                  </List>
                </Stack>
              ) : check ? (
                <Text size="sm" c="teal.8" mt="sm">
                  {t('waTemplates.preview.ready')}
                </Text>
              ) : null}
            </div>
          </Card>
        </Grid.Col>
      </Grid>
      <Stack mt="lg" gap="sm">
        {submit.error && !invalidTemplate ? <FormError error={submit.error} /> : null}
        <Group justify="flex-end">
          <Button component={Link} to="/whatsapp/templates" variant="default">
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={submit.busy}>
            {t('waTemplates.form.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
