import { Button, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { applicationsApi } from '../../api/applications';
import { isStaff, useUser } from '../../auth/context';
import { notifyError } from '../../lib/errors';

/** Starts a draft for this service and opens it; staff can also file for a walk-in customer. */
export function ApplyButton({ serviceId }: { serviceId: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { role } = useUser();
  const [busy, setBusy] = useState(false);

  const apply = async () => {
    setBusy(true);
    try {
      const { application } = await applicationsApi.create(serviceId);
      navigate(`/applications/${application.id}`);
    } catch (err) {
      notifyError(err);
      setBusy(false);
    }
  };

  return (
    <Stack gap={4}>
      <Group gap="xs">
        <Button size="md" onClick={() => void apply()} loading={busy} w={{ base: '100%', sm: 'auto' }}>
          {t('services.apply')}
        </Button>
        {isStaff(role) ? (
          <Button size="md" variant="light" component={Link} to={`/admin/applications/new?service=${encodeURIComponent(serviceId)}`} w={{ base: '100%', sm: 'auto' }}>
            {t('applications.walkIn.start')}
          </Button>
        ) : null}
      </Group>
      <Text size="sm" c="dimmed">
        {t('applications.applyNote')}
      </Text>
    </Stack>
  );
}
