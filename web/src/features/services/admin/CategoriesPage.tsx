import { Anchor, Badge, Button, Group, Modal, NumberInput, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { adminServicesApi, type AdminCategory } from '../../../api/services';
import { FormError } from '../../../components/FormError';
import { LoadState } from '../../../components/LoadState';
import { PageHeader } from '../../../components/PageHeader';
import { useApi } from '../../../hooks/useApi';
import { notifyError, notifySuccess } from '../../../lib/errors';
import { BilingualInput } from './BilingualInput';
import { toSlug, type Errors } from './editorModel';
import { serverErrors } from './issues';

interface Draft {
  slug: string;
  slugTouched: boolean;
  name: { en: string; hi: string };
  sortOrder: number | '';
}

function CategoryModal({ category, onClose, onSaved }: { category: AdminCategory | null; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Draft>(
    category ? { slug: category.slug, slugTouched: true, name: { ...category.name }, sortOrder: category.sortOrder } : { slug: '', slugTouched: false, name: { en: '', hi: '' }, sortOrder: 0 },
  );
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const save = async () => {
    const local: Errors = {};
    if (!draft.slug.trim()) local.slug = t('validation.required');
    if (!draft.name.en.trim()) local['name.en'] = t('validation.required');
    if (!draft.name.hi.trim()) local['name.hi'] = t('validation.required');
    setErrors(local);
    setError(null);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      const input = { slug: draft.slug.trim(), name: { en: draft.name.en.trim(), hi: draft.name.hi.trim() }, sortOrder: draft.sortOrder === '' ? 0 : draft.sortOrder };
      if (category) await adminServicesApi.updateCategory(category.id, input);
      else await adminServicesApi.createCategory(input);
      notifySuccess(t('adminServices.categories.saved', { name: input.name.en }));
      onSaved();
    } catch (err) {
      const fields = serverErrors(err, t);
      setErrors(fields);
      setError(Object.keys(fields).length ? null : err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onClose} title={category ? t('adminServices.categories.edit') : t('adminServices.categories.new')} centered size="lg">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Stack gap="sm">
          <FormError error={error} />
          <BilingualInput
            label={t('adminServices.details.name')}
            value={draft.name}
            path="name"
            errors={errors}
            maxLength={80}
            required
            onChange={(name) => setDraft((d) => ({ ...d, name, ...(d.slugTouched ? {} : { slug: toSlug(name.en) }) }))}
          />
          <Group grow align="flex-start">
            <TextInput
              label={t('adminServices.details.slug')}
              description={t('adminServices.details.slugHint')}
              value={draft.slug}
              maxLength={60}
              styles={{ input: { fontFamily: 'monospace' } }}
              required
              error={errors.slug}
              onChange={(e) => {
                const slug = e.currentTarget.value;
                setDraft((d) => ({ ...d, slug, slugTouched: true }));
              }}
            />
            <NumberInput
              label={t('adminServices.details.sortOrder')}
              value={draft.sortOrder}
              min={0}
              max={10000}
              allowDecimal={false}
              error={errors.sortOrder}
              onChange={(v) => setDraft((d) => ({ ...d, sortOrder: typeof v === 'number' ? v : '' }))}
            />
          </Group>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={busy}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={busy}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Categories of the catalogue: names in both languages, order, on or off. */
export function CategoriesPage() {
  const { t } = useTranslation();
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState<AdminCategory | 'new' | null>(null);
  const state = useApi((signal) => adminServicesApi.categories(signal), `categories:${version}`);

  const toggle = async (c: AdminCategory) => {
    try {
      await adminServicesApi.updateCategory(c.id, { active: !c.active });
      notifySuccess(t(c.active ? 'adminServices.categories.deactivated' : 'adminServices.categories.activated', { name: c.name.en }));
      setVersion((v) => v + 1);
    } catch (err) {
      notifyError(err);
    }
  };

  return (
    <>
      <PageHeader
        title={t('adminServices.categories.title')}
        description={t('adminServices.categories.intro')}
        actions={
          <Group gap="xs">
            <Anchor component={Link} to="/admin/services" size="sm">
              {t('adminServices.editor.back')}
            </Anchor>
            <Button onClick={() => setEditing('new')}>{t('adminServices.categories.new')}</Button>
          </Group>
        }
      />
      <LoadState {...state}>
        {({ items }) =>
          items.length === 0 ? (
            <Text c="dimmed">{t('adminServices.categories.empty')}</Text>
          ) : (
            <Table.ScrollContainer minWidth={560}>
              <Table striped verticalSpacing="xs" aria-label={t('adminServices.categories.title')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('adminServices.details.name')}</Table.Th>
                    <Table.Th>{t('adminServices.details.slug')}</Table.Th>
                    <Table.Th ta="right">{t('adminServices.details.sortOrder')}</Table.Th>
                    <Table.Th ta="right">{t('adminServices.categories.services')}</Table.Th>
                    <Table.Th>{t('adminServices.list.status')}</Table.Th>
                    <Table.Th>{t('adminServices.list.actions')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((c) => (
                    <Table.Tr key={c.id}>
                      <Table.Td>
                        <Text size="sm" fw={500}>
                          {c.name.en}
                        </Text>
                        <Text size="xs" c="dimmed" lang="hi">
                          {c.name.hi}
                        </Text>
                      </Table.Td>
                      <Table.Td ff="monospace">{c.slug}</Table.Td>
                      <Table.Td ta="right">{c.sortOrder}</Table.Td>
                      <Table.Td ta="right">{c.serviceCount}</Table.Td>
                      <Table.Td>
                        <Badge color={c.active ? 'teal' : 'gray'} variant="light">
                          {c.active ? t('adminServices.list.active') : t('adminServices.list.inactive')}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4} wrap="nowrap">
                          <Button size="xs" variant="light" onClick={() => setEditing(c)} aria-label={t('adminServices.list.editNamed', { name: c.name.en })}>
                            {t('adminServices.list.edit')}
                          </Button>
                          <Button size="xs" variant="subtle" color={c.active ? 'red' : 'teal'} onClick={() => void toggle(c)}>
                            {c.active ? t('adminServices.list.deactivate') : t('adminServices.list.activate')}
                          </Button>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )
        }
      </LoadState>
      {editing ? (
        <CategoryModal
          key={editing === 'new' ? 'new' : editing.id}
          category={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            setVersion((v) => v + 1);
          }}
        />
      ) : null}
    </>
  );
}
