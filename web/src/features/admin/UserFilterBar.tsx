import { Select, SimpleGrid, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export interface UserFilterValues {
  q: string;
  role: string;
  status: string;
}

export function UserFilterBar({ value, onChange }: { value: UserFilterValues; onChange: (v: UserFilterValues) => void }) {
  const { t } = useTranslation();
  const any = { value: '', label: t('common.any') };
  return (
    <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
      <TextInput
        type="search"
        label={t('admin.users.search')}
        placeholder={t('admin.users.searchPlaceholder')}
        value={value.q}
        onChange={(e) => onChange({ ...value, q: e.currentTarget.value })}
      />
      <Select
        label={t('admin.users.role')}
        value={value.role}
        allowDeselect={false}
        onChange={(role) => onChange({ ...value, role: role ?? '' })}
        data={[
          any,
          { value: 'customer', label: t('roles.customer') },
          { value: 'operator', label: t('roles.operator') },
          { value: 'admin', label: t('roles.admin') },
        ]}
      />
      <Select
        label={t('admin.users.status')}
        value={value.status}
        allowDeselect={false}
        onChange={(status) => onChange({ ...value, status: status ?? '' })}
        data={[
          any,
          { value: 'active', label: t('userStatus.active') },
          { value: 'suspended', label: t('userStatus.suspended') },
          { value: 'closed', label: t('userStatus.closed') },
        ]}
      />
    </SimpleGrid>
  );
}
