import { Alert, Stack } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { staffApi } from '../../api/endpoints';
import type { User } from '../../api/types';
import { isAdmin, useUser } from '../../auth/context';
import { LoadState } from '../../components/LoadState';
import { PagedResults } from '../../components/PagedResults';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { UserFilterBar, type UserFilterValues } from './UserFilterBar';
import { UsersTable } from './UsersTable';

const PAGE_SIZE = 25;

export function UsersPage() {
  const { t } = useTranslation();
  const me = useUser();
  const canEdit = isAdmin(me.role);
  const [filters, setFilters] = useState<UserFilterValues>({ q: '', role: '', status: '' });
  const [page, setPage] = useState(1);
  const [q] = useDebouncedValue(filters.q.trim(), 300);

  const query = { q, role: filters.role, status: filters.status, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE };
  const state = useApi((signal) => staffApi.users(query, signal), JSON.stringify(query));

  const changeFilters = (next: UserFilterValues) => {
    setFilters(next);
    setPage(1);
  };

  const replaceUser = (updated: User) => {
    if (!state.data) return;
    state.setData({ ...state.data, items: state.data.items.map((u) => (u.id === updated.id ? updated : u)) });
  };

  return (
    <>
      <PageHeader title={t('admin.users.title')} />
      <Stack>
        {canEdit ? null : <Alert color="blue">{t('admin.users.readOnly')}</Alert>}
        <UserFilterBar value={filters} onChange={changeFilters} />
        <LoadState {...state}>
          {({ items, total }) => (
            <PagedResults
              total={total}
              empty={items.length === 0}
              countText={t('admin.users.total', { count: total })}
              emptyText={t('admin.users.empty')}
              page={page}
              pageSize={PAGE_SIZE}
              onPage={setPage}
              pageLabel={t('admin.users.page')}
            >
              <UsersTable users={items} currentUserId={me.id} canEdit={canEdit} onUpdated={replaceUser} />
            </PagedResults>
          )}
        </LoadState>
      </Stack>
    </>
  );
}
