import { Alert, Anchor, Badge, Button, Card, Group, NumberInput, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { useId, useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { adminServicesApi, type AdminCategory, type AdminServiceDetail, type FormVersionSummary } from '../../../api/services';
import { FormError } from '../../../components/FormError';
import { LoadState } from '../../../components/LoadState';
import { PageHeader } from '../../../components/PageHeader';
import { useApi } from '../../../hooks/useApi';
import { useConfirm } from '../../../hooks/useConfirm';
import { notifyError, notifySuccess } from '../../../lib/errors';
import { formatDateTime, formatMoney } from '../../../lib/format';
import { rupeesToPaise } from '../../../lib/validation';
import { useLocalized } from '../localize';
import { BilingualInput } from './BilingualInput';
import { DocumentsEditor } from './DocumentsEditor';
import {
  changedDetails,
  detailsFromDraft,
  draftFromService,
  emptyDraft,
  formFromDraft,
  sameForm,
  toSlug,
  type Errors,
  type ServiceDraft,
} from './editorModel';
import { FormBuilder } from './FormBuilder';
import { localErrors, serverErrors } from './issues';

function Section({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  const id = useId();
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby={id}>
      <Title order={2} size="h4" id={id}>
        {title}
      </Title>
      {description ? (
        <Text size="sm" c="dimmed" mb="sm">
          {description}
        </Text>
      ) : (
        <div style={{ height: 8 }} />
      )}
      {children}
    </Card>
  );
}

/** What the customer will pay with these fees: the same half-up GST rounding as the server. */
function FeePreview({ draft }: { draft: ServiceDraft }) {
  const { t } = useTranslation();
  const platform = rupeesToPaise(draft.platformFee);
  const government = draft.variableAmount ? 0 : rupeesToPaise(draft.governmentFee);
  if (platform === null || government === null || draft.gstPercent === '') return null;
  const bps = Math.round(Number(draft.gstPercent) * 100);
  const gst = Math.floor((platform * bps + 5000) / 10000);
  return (
    <Text size="sm" role="status">
      {t('adminServices.details.feePreview', {
        total: formatMoney(platform + gst + government),
        platform: formatMoney(platform),
        gst: formatMoney(gst),
        government: formatMoney(government),
      })}
    </Text>
  );
}

interface EditorProps {
  categories: AdminCategory[];
  /** The service being edited; absent when creating one. */
  existing?: { service: AdminServiceDetail; versions: FormVersionSummary[] };
  onSaved: () => void;
}

function Editor({ categories, existing, onSaved }: EditorProps) {
  const { t } = useTranslation();
  const local = useLocalized();
  const navigate = useNavigate();
  const confirm = useConfirm();
  const [initial] = useState<ServiceDraft>(() => (existing ? draftFromService(existing.service) : emptyDraft(categories.find((c) => c.active)?.id ?? '')));
  const [draft, setDraft] = useState<ServiceDraft>(initial);
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<ServiceDraft>) => setDraft((d) => ({ ...d, ...patch }));

  const fail = (err: unknown, prefix = '') => {
    const fields = serverErrors(err, t, prefix);
    setErrors(fields);
    setError(Object.keys(fields).length ? null : err);
  };

  const save = async () => {
    setError(null);
    const details = detailsFromDraft(draft);
    if (!details.ok) {
      setErrors(localErrors(details.errors, t));
      return;
    }
    setErrors({});
    const form = formFromDraft(draft);
    setBusy(true);
    try {
      if (!existing) {
        const { service } = await adminServicesApi.create({ ...details.value, active: draft.active, form });
        notifySuccess(t('adminServices.editor.created', { name: local(service.name) }));
        void navigate(`/admin/services/${service.id}`, { replace: true });
        return;
      }
      const before = detailsFromDraft(initial);
      const changes = before.ok ? changedDetails(before.value, details.value) : details.value;
      let saved = false;
      if (Object.keys(changes).length) {
        await adminServicesApi.update(existing.service.id, changes);
        saved = true;
      }
      if (!sameForm(formFromDraft(initial), form)) {
        const published = await adminServicesApi.publishForm(existing.service.id, existing.service.currentFormVersion, form);
        if (published.created) notifySuccess(t('adminServices.editor.published', { version: published.service.currentFormVersion }));
        saved = true;
      }
      if (saved) notifySuccess(t('adminServices.editor.saved'));
      else notifySuccess(t('adminServices.editor.nothingChanged'));
      onSaved();
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  const toggleActive = () => {
    if (!existing) return;
    const { service } = existing;
    const activate = !service.active;
    confirm({
      title: t(activate ? 'adminServices.list.activateTitle' : 'adminServices.list.deactivateTitle', { name: local(service.name) }),
      body: t(activate ? 'adminServices.list.activateBody' : 'adminServices.list.deactivateBody'),
      confirmLabel: t(activate ? 'adminServices.list.activate' : 'adminServices.list.deactivate'),
      danger: !activate,
      onConfirm: async () => {
        try {
          await adminServicesApi.setActive(service.id, activate);
          onSaved();
        } catch (err) {
          notifyError(err);
        }
      },
    });
  };

  const problemCount = Object.keys(errors).length;
  const formChanged = existing ? !sameForm(formFromDraft(initial), formFromDraft(draft)) : false;

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <Stack gap="md">
        {existing ? (
          <Group gap="xs">
            <Badge color={existing.service.active ? 'teal' : 'gray'}>{existing.service.active ? t('adminServices.list.active') : t('adminServices.list.inactive')}</Badge>
            <Badge variant="light">{t('adminServices.list.version', { version: existing.service.currentFormVersion })}</Badge>
            <Button size="xs" variant="light" color={existing.service.active ? 'red' : 'teal'} onClick={toggleActive}>
              {existing.service.active ? t('adminServices.list.deactivate') : t('adminServices.list.activate')}
            </Button>
            {existing.service.active ? (
              <Anchor component={Link} to={`/services/${existing.service.slug}`} size="sm">
                {t('adminServices.editor.viewAsCustomer')}
              </Anchor>
            ) : null}
          </Group>
        ) : null}
        {problemCount ? (
          <Alert color="red" title={t('common.errorTitle')} role="alert">
            {t('adminServices.editor.problems', { count: problemCount })}
          </Alert>
        ) : null}
        <FormError error={error} />

        <Section title={t('adminServices.details.title')}>
          <Stack gap="sm">
            <BilingualInput
              label={t('adminServices.details.name')}
              value={draft.name}
              path="name"
              errors={errors}
              maxLength={120}
              required
              onChange={(name) => set({ name, ...(draft.slugTouched ? {} : { slug: toSlug(name.en) }) })}
            />
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
              <TextInput
                label={t('adminServices.details.slug')}
                description={t('adminServices.details.slugHint')}
                value={draft.slug}
                maxLength={60}
                styles={{ input: { fontFamily: 'monospace' } }}
                required
                error={errors.slug}
                onChange={(e) => set({ slug: e.currentTarget.value, slugTouched: true })}
              />
              <Select
                label={t('adminServices.details.category')}
                value={draft.categoryId || null}
                allowDeselect={false}
                required
                error={errors.categoryId}
                data={categories.map((c) => ({ value: c.id, label: c.active ? local(c.name) : `${local(c.name)} (${t('adminServices.list.inactive')})` }))}
                onChange={(v) => set({ categoryId: v ?? '' })}
              />
              <NumberInput
                label={t('adminServices.details.sortOrder')}
                description={t('adminServices.details.sortOrderHint')}
                value={draft.sortOrder}
                min={0}
                max={10000}
                allowDecimal={false}
                error={errors.sortOrder}
                onChange={(v) => set({ sortOrder: typeof v === 'number' ? v : '' })}
              />
            </SimpleGrid>
            <BilingualInput label={t('adminServices.details.description')} value={draft.description} path="description" errors={errors} maxLength={2000} multiline onChange={(description) => set({ description })} />
          </Stack>
        </Section>

        <Section title={t('adminServices.details.feesTitle')} description={t('adminServices.details.feesIntro')}>
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
              <TextInput
                label={t('adminServices.details.platformFee')}
                inputMode="decimal"
                leftSection="₹"
                leftSectionProps={{ 'aria-hidden': true }}
                maxLength={12}
                value={draft.platformFee}
                error={errors.platformFeePaise}
                onChange={(e) => set({ platformFee: e.currentTarget.value })}
              />
              <NumberInput
                label={t('adminServices.details.gstRate')}
                description={t('adminServices.details.gstHint')}
                value={draft.gstPercent}
                min={0}
                max={40}
                decimalScale={2}
                suffix=" %"
                error={errors.gstRateBps}
                onChange={(v) => set({ gstPercent: typeof v === 'number' ? v : '' })}
              />
              <TextInput
                label={t('adminServices.details.governmentFee')}
                description={t('adminServices.details.governmentHint')}
                inputMode="decimal"
                leftSection="₹"
                leftSectionProps={{ 'aria-hidden': true }}
                maxLength={12}
                disabled={draft.variableAmount}
                value={draft.variableAmount ? '0' : draft.governmentFee}
                error={errors.governmentFeePaise}
                onChange={(e) => set({ governmentFee: e.currentTarget.value })}
              />
            </SimpleGrid>
            {/* applications: services whose government amount the customer enters (bills, recharges) */}
            <Switch
              label={t('applications.admin.variableAmount')}
              description={t('applications.admin.variableAmountHint')}
              checked={draft.variableAmount}
              onChange={(e) => set({ variableAmount: e.currentTarget.checked })}
            />
            {draft.variableAmount ? (
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                <TextInput
                  label={t('applications.admin.amountMin')}
                  inputMode="decimal"
                  leftSection="₹"
                  leftSectionProps={{ 'aria-hidden': true }}
                  maxLength={12}
                  value={draft.amountMin}
                  error={errors['variableAmount.minPaise']}
                  onChange={(e) => set({ amountMin: e.currentTarget.value })}
                />
                <TextInput
                  label={t('applications.admin.amountMax')}
                  inputMode="decimal"
                  leftSection="₹"
                  leftSectionProps={{ 'aria-hidden': true }}
                  maxLength={12}
                  value={draft.amountMax}
                  error={errors['variableAmount.maxPaise']}
                  onChange={(e) => set({ amountMax: e.currentTarget.value })}
                />
              </SimpleGrid>
            ) : null}
            <FeePreview draft={draft} />
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
              <NumberInput
                label={t('adminServices.details.turnaround')}
                value={draft.turnaroundDays}
                min={0}
                max={365}
                allowDecimal={false}
                error={errors.turnaroundDays}
                onChange={(v) => set({ turnaroundDays: typeof v === 'number' ? v : '' })}
              />
              <Switch mt="lg" label={t('adminServices.details.kycRequired')} checked={draft.kycRequired} onChange={(e) => set({ kycRequired: e.currentTarget.checked })} />
              {existing ? null : <Switch mt="lg" label={t('adminServices.details.activeNow')} checked={draft.active} onChange={(e) => set({ active: e.currentTarget.checked })} />}
            </SimpleGrid>
          </Stack>
        </Section>

        <Section title={t('adminServices.documents.title')} description={t('adminServices.documents.intro')}>
          <DocumentsEditor documents={draft.documents} onChange={(documents) => set({ documents })} errors={errors} />
        </Section>

        <Section title={t('adminServices.fields.title')} description={t('adminServices.fields.intro')}>
          <FormBuilder fields={draft.fields} documents={draft.documents} onChange={(fields) => set({ fields })} errors={errors} />
        </Section>

        {existing && formChanged ? <Alert color="blue">{t('adminServices.editor.newVersionNote', { version: existing.service.currentFormVersion + 1 })}</Alert> : null}
        <Group justify="flex-end">
          <Button component={Link} to="/admin/services" variant="default">
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={busy}>
            {existing ? t('adminServices.editor.save') : t('adminServices.editor.create')}
          </Button>
        </Group>

        {existing ? (
          <Section title={t('adminServices.versions.title')} description={t('adminServices.versions.intro')}>
            <Table.ScrollContainer minWidth={420}>
              <Table verticalSpacing="xs" aria-label={t('adminServices.versions.title')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('adminServices.versions.version')}</Table.Th>
                    <Table.Th>{t('adminServices.versions.published')}</Table.Th>
                    <Table.Th>{t('adminServices.versions.by')}</Table.Th>
                    <Table.Th ta="right">{t('adminServices.versions.fields')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {existing.versions.map((v) => (
                    <Table.Tr key={v.version}>
                      <Table.Td>
                        {v.version}
                        {v.version === existing.service.currentFormVersion ? (
                          <Badge ml="xs" size="xs" variant="light">
                            {t('adminServices.versions.current')}
                          </Badge>
                        ) : null}
                      </Table.Td>
                      <Table.Td>{formatDateTime(v.publishedAt)}</Table.Td>
                      <Table.Td>{v.publishedBy?.name ?? t('adminServices.versions.system')}</Table.Td>
                      <Table.Td ta="right">
                        {v.fieldCount} / {v.documentCount}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Section>
        ) : null}
      </Stack>
    </form>
  );
}

/** Create a service (/admin/services/new) or edit one (/admin/services/:id): details, fees, documents, form. */
export function ServiceEditorPage() {
  const { t } = useTranslation();
  const { id } = useParams();
  const [version, setVersion] = useState(0);
  const categories = useApi((signal) => adminServicesApi.categories(signal), 'categories');
  const service = useApi((signal) => (id ? adminServicesApi.get(id, signal) : Promise.resolve(null)), `${id ?? 'new'}:${version}`);

  return (
    <>
      <PageHeader
        title={id ? t('adminServices.editor.editTitle') : t('adminServices.editor.newTitle')}
        actions={
          <Anchor component={Link} to="/admin/services" size="sm">
            {t('adminServices.editor.back')}
          </Anchor>
        }
      />
      <LoadState {...categories}>
        {({ items }) => (
          <LoadState {...service}>
            {(found) =>
              items.length === 0 ? (
                <Alert color="yellow">
                  {t('adminServices.editor.noCategories')}{' '}
                  <Anchor component={Link} to="/admin/service-categories">
                    {t('adminServices.categories.title')}
                  </Anchor>
                </Alert>
              ) : (
                <Editor
                  // A fresh editor after each save: the draft starts again from what the server has.
                  key={found ? `${found.service.id}:${found.service.updatedAt}:${version}` : 'new'}
                  categories={items}
                  {...(found ? { existing: found } : {})}
                  onSaved={() => setVersion((v) => v + 1)}
                />
              )
            }
          </LoadState>
        )}
      </LoadState>
    </>
  );
}

