import { Badge, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { User } from '../../api/types';
import { formatDate, formatMobile } from '../../lib/format';
import { UserActionsMenu } from './UserActionsMenu';

const ROLE_COLOR = { customer: 'gray', operator: 'blue', admin: 'grape' } as const;

interface Props {
  users: User[];
  currentUserId: string;
  canEdit: boolean;
  onUpdated: (user: User) => void;
}

export function UsersTable({ users, currentUserId, canEdit, onUpdated }: Props) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={canEdit ? 900 : 820}>
      <Table striped highlightOnHover verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('admin.users.name')}</Table.Th>
            <Table.Th>{t('admin.users.email')}</Table.Th>
            <Table.Th>{t('admin.users.mobile')}</Table.Th>
            <Table.Th>{t('admin.users.role')}</Table.Th>
            <Table.Th>{t('admin.users.status')}</Table.Th>
            <Table.Th>{t('admin.users.verified')}</Table.Th>
            <Table.Th>{t('admin.users.created')}</Table.Th>
            {canEdit ? <Table.Th>{t('admin.users.actions')}</Table.Th> : null}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((user) => (
            <Table.Tr key={user.id}>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {user.name}
                </Text>
                {user.id === currentUserId ? (
                  <Badge size="xs" variant="outline">
                    {t('admin.users.you')}
                  </Badge>
                ) : null}
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{user.email}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatMobile(user.mobile)}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <Badge color={ROLE_COLOR[user.role]} variant="light">
                  {t(`roles.${user.role}`)}
                </Badge>
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <Badge color={user.status === 'active' ? 'teal' : 'red'} variant="light">
                  {t(`userStatus.${user.status}`)}
                </Badge>
              </Table.Td>
              <Table.Td>{user.emailVerified ? t('common.yes') : t('common.no')}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(user.createdAt)}</Table.Td>
              {canEdit ? (
                <Table.Td>
                  {user.id === currentUserId ? null : <UserActionsMenu user={user} onUpdated={onUpdated} />}
                </Table.Td>
              ) : null}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
