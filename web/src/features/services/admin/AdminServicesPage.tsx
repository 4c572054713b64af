import { Anchor, Badge, Button, Group, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { adminServicesApi, type AdminService, type ServiceStatusFilter } from '../../../api/services';
import { LoadState } from '../../../components/LoadState';
import { PageHeader } from '../../../components/PageHeader';
import { useApi } from '../../../hooks/useApi';
import { useConfirm } from '../../../hooks/useConfirm';
import { notifyError, notifySuccess } from '../../../lib/errors';
import { formatMoney } from '../../../lib/format';
import { useLocalized } from '../localize';

const numeric = { whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' } as const;
const isStatus = (v: string | null): v is ServiceStatusFilter => v === 'all' || v === 'active' || v === 'inactive';

/** Every service, active or not, with search and filters; opens the editor, switches services on and off. */
export function AdminServicesPage() {
  const { t } = useTranslation();
  const local = useLocalized();
  const confirm = useConfirm();
  const [search, setSearch] = useState('');
  const [category, setCategory] = useState('');
  const [status, setStatus] = useState<ServiceStatusFilter>('all');
  const [version, setVersion] = useState(0);
  const [q] = useDebouncedValue(search.trim(), 300);
  const categories = useApi((signal) => adminServicesApi.categories(signal), 'categories');
  const state = useApi((signal) => adminServicesApi.list({ q, category, status }, signal), JSON.stringify({ q, category, status, version }));

  const toggle = (s: AdminService) => {
    const activate = !s.active;
    confirm({
      title: t(activate ? 'adminServices.list.activateTitle' : 'adminServices.list.deactivateTitle', { name: local(s.name) }),
      body: t(activate ? 'adminServices.list.activateBody' : 'adminServices.list.deactivateBody'),
      confirmLabel: t(activate ? 'adminServices.list.activate' : 'adminServices.list.deactivate'),
      danger: !activate,
      onConfirm: async () => {
        try {
          await adminServicesApi.setActive(s.id, activate);
          notifySuccess(t(activate ? 'adminServices.list.activated' : 'adminServices.list.deactivated', { name: local(s.name) }));
          setVersion((v) => v + 1);
        } catch (err) {
          notifyError(err);
        }
      },
    });
  };

  return (
    <>
      <PageHeader
        title={t('adminServices.list.title')}
        description={t('adminServices.list.intro')}
        actions={
          <Group gap="xs">
            <Button component={Link} to="/admin/service-categories" variant="default">
              {t('adminServices.categories.title')}
            </Button>
            <Button component={Link} to="/admin/services/new">
              {t('adminServices.list.new')}
            </Button>
          </Group>
        }
      />
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <TextInput type="search" label={t('services.search')} placeholder={t('services.searchPlaceholder')} value={search} maxLength={100} onChange={(e) => setSearch(e.currentTarget.value)} />
          <Select
            label={t('services.category')}
            value={category}
            allowDeselect={false}
            onChange={(v) => setCategory(v ?? '')}
            data={[{ value: '', label: t('services.allCategories') }, ...(categories.data?.items ?? []).map((c) => ({ value: c.slug, label: local(c.name) }))]}
          />
          <Select
            label={t('adminServices.list.status')}
            value={status}
            allowDeselect={false}
            onChange={(v) => {
              if (isStatus(v)) setStatus(v);
            }}
            data={[
              { value: 'all', label: t('common.any') },
              { value: 'active', label: t('adminServices.list.active') },
              { value: 'inactive', label: t('adminServices.list.inactive') },
            ]}
          />
        </SimpleGrid>
        <LoadState {...state}>
          {({ items, total }) =>
            items.length === 0 ? (
              <Text c="dimmed">{t('services.empty')}</Text>
            ) : (
              <Stack gap="xs">
                <Text size="sm" c="dimmed" role="status">
                  {t('services.count', { count: total })}
                </Text>
                <Table.ScrollContainer minWidth={640}>
                  <Table striped highlightOnHover verticalSpacing="xs" aria-label={t('adminServices.list.title')}>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>{t('adminServices.list.service')}</Table.Th>
                        <Table.Th>{t('services.category')}</Table.Th>
                        <Table.Th ta="right">{t('services.fees.total')}</Table.Th>
                        <Table.Th>{t('adminServices.list.form')}</Table.Th>
                        <Table.Th>{t('adminServices.list.status')}</Table.Th>
                        <Table.Th>{t('adminServices.list.actions')}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {items.map((s) => (
                        <Table.Tr key={s.id}>
                          <Table.Td>
                            <Anchor component={Link} to={`/admin/services/${s.id}`} fw={500} size="sm">
                              {s.name.en}
                            </Anchor>
                            <Text size="xs" c="dimmed" lang="hi">
                              {s.name.hi}
                            </Text>
                          </Table.Td>
                          <Table.Td>{local(s.category.name)}</Table.Td>
                          <Table.Td ta="right" style={numeric}>
                            {formatMoney(s.fees.total)}
                          </Table.Td>
                          <Table.Td>{t('adminServices.list.version', { version: s.currentFormVersion })}</Table.Td>
                          <Table.Td>
                            <Badge color={s.active && s.categoryActive ? 'teal' : 'gray'} variant="light">
                              {s.active ? (s.categoryActive ? t('adminServices.list.active') : t('adminServices.list.categoryInactive')) : t('adminServices.list.inactive')}
                            </Badge>
                          </Table.Td>
                          <Table.Td>
                            <Group gap={4} wrap="nowrap">
                              <Button component={Link} to={`/admin/services/${s.id}`} size="xs" variant="light" aria-label={t('adminServices.list.editNamed', { name: s.name.en })}>
                                {t('adminServices.list.edit')}
                              </Button>
                              <Button size="xs" variant="subtle" color={s.active ? 'red' : 'teal'} onClick={() => toggle(s)}>
                                {s.active ? t('adminServices.list.deactivate') : t('adminServices.list.activate')}
                              </Button>
                            </Group>
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              </Stack>
            )
          }
        </LoadState>
      </Stack>
    </>
  );
}
