import { Button, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { meApi } from '../../api/endpoints';
import { LoadState } from '../../components/LoadState';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { useConfirm } from '../../hooks/useConfirm';
import { notifyError, notifySuccess } from '../../lib/errors';
import { SessionCard } from './SessionCard';

export function SessionsPage() {
  const { t } = useTranslation();
  const state = useApi((signal) => meApi.sessions(signal), 'sessions');
  const confirm = useConfirm();

  const revoke = async (id: string) => {
    try {
      await meApi.revokeSession(id);
      notifySuccess(t('sessions.revoked'));
      state.reload();
    } catch (err) {
      notifyError(err);
    }
  };

  const signOutOthers = () =>
    confirm({
      title: t('sessions.signOutOthers'),
      body: t('sessions.signOutOthersConfirm'),
      confirmLabel: t('sessions.signOutOthers'),
      danger: true,
      onConfirm: async () => {
        try {
          await meApi.revokeOtherSessions();
          notifySuccess(t('sessions.othersSignedOut'));
          state.reload();
        } catch (err) {
          notifyError(err);
        }
      },
    });

  const others = state.data?.sessions.filter((s) => !s.current).length ?? 0;

  return (
    <>
      <PageHeader
        title={t('sessions.title')}
        description={t('sessions.intro')}
        actions={
          others > 0 ? (
            <Button color="red" variant="light" onClick={signOutOthers}>
              {t('sessions.signOutOthers')}
            </Button>
          ) : null
        }
      />
      <LoadState {...state}>
        {({ sessions }) => (
          <Stack>
            {[...sessions]
              .sort((a, b) => Number(b.current) - Number(a.current))
              .map((s) => (
                <SessionCard key={s.id} session={s} onRevoke={() => revoke(s.id)} />
              ))}
            {others === 0 ? (
              <Text size="sm" c="dimmed">
                {t('sessions.onlyThis')}
              </Text>
            ) : null}
          </Stack>
        )}
      </LoadState>
    </>
  );
}
