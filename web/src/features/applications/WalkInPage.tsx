import { Alert, Button, Card, Group, NativeSelect, Radio, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { staffApplicationsApi } from '../../api/applications';
import { staffApi } from '../../api/endpoints';
import { servicesApi } from '../../api/services';
import type { User } from '../../api/types';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { errorMessage } from '../../lib/errors';
import { formatMobile } from '../../lib/format';
import { normalizeMobile } from '../../lib/validation';
import { useLocalized } from '../services/localize';

/**
 * Filing at the counter for a walk-in customer: find their account by mobile number or email, choose
 * the service, and continue on the application as their agent (paid from their wallet).
 */
export function WalkInPage() {
  const { t } = useTranslation();
  const local = useLocalized();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<User[] | null>(null);
  const [customerId, setCustomerId] = useState('');
  const [serviceId, setServiceId] = useState(params.get('service') ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const services = useApi((signal) => servicesApi.list({}, signal), 'services');

  const search = async () => {
    setError(null);
    const text = q.trim();
    if (!text) return;
    // A mobile number is stored as +91…; search by its last ten digits whatever was typed.
    const mobile = normalizeMobile(text);
    try {
      const res = await staffApi.users({ q: mobile ? mobile.slice(3) : text.toLowerCase(), role: 'customer', status: 'active', limit: 20 });
      setFound(res.items);
      setCustomerId(res.items.length === 1 ? res.items[0]!.id : '');
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const { application } = await staffApplicationsApi.fileFor(customerId, serviceId);
      navigate(`/admin/applications/${application.id}`);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader title={t('applications.walkIn.title')} description={t('applications.walkIn.intro')} />
      <Stack maw={640}>
        <Card withBorder radius="md" padding="md">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void search();
            }}
          >
            <Stack gap="xs">
              <TextInput label={t('applications.walkIn.find')} description={t('applications.walkIn.findHint')} value={q} maxLength={100} onChange={(e) => setQ(e.currentTarget.value)} />
              <Group>
                <Button type="submit" variant="light">
                  {t('applications.walkIn.search')}
                </Button>
              </Group>
            </Stack>
          </form>
          {found ? (
            found.length === 0 ? (
              <Text size="sm" c="dimmed" mt="sm">
                {t('applications.walkIn.none')}
              </Text>
            ) : (
              <Radio.Group value={customerId} onChange={setCustomerId} label={t('applications.walkIn.choose')} mt="sm">
                <Stack gap={6} mt={6}>
                  {found.map((u) => (
                    <Radio key={u.id} value={u.id} label={`${u.name} · ${formatMobile(u.mobile)} · ${u.email}`} />
                  ))}
                </Stack>
              </Radio.Group>
            )
          ) : null}
        </Card>
        <NativeSelect
          label={t('applications.walkIn.service')}
          value={serviceId}
          onChange={(e) => setServiceId(e.currentTarget.value)}
          data={[{ value: '', label: t('applications.form.choose') }, ...(services.data?.items ?? []).map((s) => ({ value: s.id, label: local(s.name) }))]}
        />
        {error ? (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        ) : null}
        <Group>
          <Button onClick={() => void create()} loading={busy} disabled={!customerId || !serviceId}>
            {t('applications.walkIn.create')}
          </Button>
          <Button component={Link} to="/admin/applications" variant="subtle">
            {t('common.cancel')}
          </Button>
        </Group>
      </Stack>
    </>
  );
}
