import { Button, Menu } from '@mantine/core';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { adminApi } from '../../api/endpoints';
import type { Role, User, UserStatus } from '../../api/types';
import { useConfirm } from '../../hooks/useConfirm';
import { notifyError, notifySuccess } from '../../lib/errors';
import { ChangeRoleModal } from './ChangeRoleModal';
import { CloseAccountModal } from './CloseAccountModal';

/** Admin actions on one user: change role, open the wallet, suspend or reactivate, close the account. */
export function UserActionsMenu({ user, onUpdated }: { user: User; onUpdated: (user: User) => void }) {
  const { t } = useTranslation();
  const confirm = useConfirm();
  const navigate = useNavigate();
  const [roleOpen, setRoleOpen] = useState(false);
  const [closeOpen, setCloseOpen] = useState(false);

  const update = async (patch: { role?: Role; status?: UserStatus }) => {
    try {
      const res = await adminApi.updateUser(user.id, patch);
      onUpdated(res.user);
      notifySuccess(t('admin.users.updated', { name: res.user.name }));
      return true;
    } catch (err) {
      notifyError(err);
      return false;
    }
  };

  const toggleStatus = () => {
    const suspend = user.status === 'active';
    confirm({
      title: t(suspend ? 'admin.users.suspendTitle' : 'admin.users.reactivateTitle', { name: user.name }),
      body: t(suspend ? 'admin.users.suspendBody' : 'admin.users.reactivateBody'),
      confirmLabel: t(suspend ? 'admin.users.suspend' : 'admin.users.reactivate'),
      danger: suspend,
      onConfirm: async () => {
        await update({ status: suspend ? 'suspended' : 'active' });
      },
    });
  };

  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button size="xs" variant="default" aria-label={t('admin.users.actionsFor', { name: user.name })}>
            {t('admin.users.actions')} ▾
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => setRoleOpen(true)}>{t('admin.users.changeRole')}</Menu.Item>
          <Menu.Item
            onClick={() =>
              void navigate(`/admin/wallets/${user.id}`, { state: { name: user.name, email: user.email } })
            }
          >
            {t('admin.users.openWallet')}
          </Menu.Item>
          {/* A closed account is final (it cannot be suspended, reactivated or closed again). */}
          {user.status === 'closed' ? null : (
            <>
              <Menu.Item color={user.status === 'active' ? 'red' : 'teal'} onClick={toggleStatus}>
                {user.status === 'active' ? t('admin.users.suspend') : t('admin.users.reactivate')}
              </Menu.Item>
              <Menu.Divider />
              <Menu.Item color="red" onClick={() => setCloseOpen(true)}>
                {t('admin.users.close')}
              </Menu.Item>
            </>
          )}
        </Menu.Dropdown>
      </Menu>
      <ChangeRoleModal
        user={user}
        opened={roleOpen}
        onClose={() => setRoleOpen(false)}
        onSave={async (role) => {
          if (await update({ role })) setRoleOpen(false);
        }}
      />
      <CloseAccountModal
        user={user}
        opened={closeOpen}
        onClose={() => setCloseOpen(false)}
        onClosed={(closed) => {
          setCloseOpen(false);
          onUpdated(closed);
        }}
      />
    </>
  );
}
