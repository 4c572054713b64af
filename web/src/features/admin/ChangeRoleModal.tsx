import { Button, Group, Modal, Radio, Stack } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role, User } from '../../api/types';

const ROLES: Role[] = ['customer', 'operator', 'admin'];
const isRole = (value: string): value is Role => (ROLES as string[]).includes(value);

interface Props {
  user: User;
  opened: boolean;
  onClose: () => void;
  onSave: (role: Role) => Promise<void>;
}

export function ChangeRoleModal({ user, opened, onClose, onSave }: Props) {
  const { t } = useTranslation();
  const [role, setRole] = useState<Role>(user.role);
  const [busy, setBusy] = useState(false);

  const close = () => {
    setRole(user.role);
    onClose();
  };

  const save = async () => {
    setBusy(true);
    try {
      await onSave(role);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={t('admin.users.changeRoleFor', { name: user.name })}
      centered
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Radio.Group
          label={t('admin.users.newRole')}
          value={role}
          onChange={(value) => {
            if (isRole(value)) setRole(value);
          }}
        >
          <Stack gap="xs" mt="xs">
            {ROLES.map((r) => (
              <Radio key={r} value={r} label={t(`roles.${r}`)} />
            ))}
          </Stack>
        </Radio.Group>
        <Group justify="flex-end" mt="lg">
          <Button variant="default" onClick={close} disabled={busy}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={busy} disabled={role === user.role}>
            {t('common.save')}
          </Button>
        </Group>
      </form>
    </Modal>
  );
}
