import { Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { adminApi } from '../../api/endpoints';
import { LoadState } from '../../components/LoadState';
import { PageHeader } from '../../components/PageHeader';
import { RefreshButton } from '../../components/RefreshButton';
import { useApi } from '../../hooks/useApi';
import { MailCard } from './MailCard';

/** The mail outbox: in sandbox mode, the way a local admin reads verification and reset links. */
export function MailPage() {
  const { t } = useTranslation();
  const state = useApi((signal) => adminApi.mail(100, signal), 'mail');
  return (
    <>
      <PageHeader
        title={t('admin.mail.title')}
        description={t('admin.mail.intro')}
        actions={
          <RefreshButton state={state} />
        }
      />
      <LoadState {...state}>
        {({ items }) =>
          items.length === 0 ? (
            <Text c="dimmed">{t('admin.mail.empty')}</Text>
          ) : (
            <Stack gap="sm">
              {items.map((mail) => (
                <MailCard key={mail.id} mail={mail} />
              ))}
            </Stack>
          )
        }
      </LoadState>
    </>
  );
}
