import { Button, Card, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { teamApi, type TeamMember, type TeamRole } from '../../../api/whatsapp-team-inbox';
import { LoadState } from '../../../components/LoadState';
import { PageHeader } from '../../../components/PageHeader';
import { useApi } from '../../../hooks/useApi';
import { useConfirm } from '../../../hooks/useConfirm';
import { fieldErrors, notifyError, notifySuccess } from '../../../lib/errors';
import { formatDate } from '../../../lib/format';

/**
 * The account owner's inbox team: invite people who already have an account, by email, as agent
 * (answers, notes, takes conversations) or manager (also assigns anyone and keeps quick replies);
 * change their role; remove them. Members get the inbox only, nothing else of this account.
 */
export function TeamPage() {
  const { t } = useTranslation();
  const confirm = useConfirm();
  const state = useApi((signal) => teamApi.list(signal), 'team');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<TeamRole>('agent');
  const [busy, setBusy] = useState(false);
  const [emailError, setEmailError] = useState<string | null>(null);
  const roles = [
    { value: 'agent', label: t('waInbox.roles.agent') },
    { value: 'manager', label: t('waInbox.roles.manager') },
  ];

  const inviteMember = async () => {
    setBusy(true);
    setEmailError(null);
    try {
      const { member } = await teamApi.invite(email.trim(), role);
      notifySuccess(t('waTeam.invited', { name: member.name }));
      setEmail('');
      state.reload();
    } catch (err) {
      const fields = fieldErrors(err);
      if (fields.email) setEmailError(fields.email);
      else notifyError(err);
    } finally {
      setBusy(false);
    }
  };

  const setMemberRole = async (m: TeamMember, next: TeamRole) => {
    try {
      await teamApi.setRole(m.id, next);
      state.reload();
    } catch (err) {
      notifyError(err);
    }
  };

  const remove = (m: TeamMember) =>
    confirm({
      title: t('waTeam.removeTitle', { name: m.name }),
      body: t('waTeam.removeBody'),
      confirmLabel: t('waTeam.remove'),
      danger: true,
      onConfirm: async () => {
        try {
          await teamApi.remove(m.id);
          notifySuccess(t('waTeam.removed', { name: m.name }));
          state.reload();
        } catch (err) {
          notifyError(err);
        }
      },
    });

  return (
    <>
      <PageHeader title={t('waTeam.title')} description={t('waTeam.intro')} actions={<Button component={Link} to="/whatsapp/inbox" variant="default">{t('waTeam.openInbox')}</Button>} />
      <Stack>
        <Card withBorder radius="md" component="section" aria-label={t('waTeam.inviteTitle')}>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (email.trim()) void inviteMember();
            }}
          >
            <Stack gap="xs">
              <Text fw={600}>{t('waTeam.inviteTitle')}</Text>
              <Text size="sm" c="dimmed">
                {t('waTeam.inviteHint')}
              </Text>
              <Group align="flex-end" gap="xs" wrap="wrap">
                <TextInput label={t('waTeam.email')} type="email" required value={email} error={emailError} onChange={(e) => setEmail(e.currentTarget.value)} style={{ flex: '1 1 220px' }} />
                <Select label={t('waTeam.role')} data={roles} value={role} onChange={(v) => setRole((v as TeamRole) ?? 'agent')} allowDeselect={false} w={160} />
                <Button type="submit" loading={busy} disabled={!email.trim()}>
                  {t('waTeam.invite')}
                </Button>
              </Group>
              <Text size="xs" c="dimmed">
                {t('waTeam.rolesHint')}
              </Text>
            </Stack>
          </form>
        </Card>
        <LoadState {...state}>
          {(d) =>
            d.items.length === 0 ? (
              <Text c="dimmed">{t('waTeam.empty')}</Text>
            ) : (
              <Stack gap="xs" component="ul" p={0} m={0} style={{ listStyle: 'none' }} aria-label={t('waTeam.members')}>
                {d.items.map((m) => (
                  <Card key={m.id} withBorder radius="md" component="li" aria-label={m.name}>
                    <Group justify="space-between" wrap="wrap" gap="xs">
                      <Stack gap={0}>
                        <Text fw={600}>{m.name}</Text>
                        <Text size="sm" c="dimmed">
                          {m.email}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {t('waTeam.since', { date: formatDate(m.createdAt) })}
                        </Text>
                      </Stack>
                      <Group gap="xs">
                        <Select aria-label={t('waTeam.roleOf', { name: m.name })} data={roles} value={m.role} onChange={(v) => v && v !== m.role && void setMemberRole(m, v as TeamRole)} allowDeselect={false} w={140} />
                        <Button variant="light" color="red" onClick={() => remove(m)}>
                          {t('waTeam.remove')}
                        </Button>
                      </Group>
                    </Group>
                  </Card>
                ))}
              </Stack>
            )
          }
        </LoadState>
      </Stack>
    </>
  );
}
