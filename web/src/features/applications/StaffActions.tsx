import { Alert, Button, Card, FileButton, Group, Modal, Progress, Select, Stack, Text, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { applicationsApi, staffApplicationsApi, uploadApplicationOutput, type ApplicationDetail } from '../../api/applications';
import { staffApi } from '../../api/endpoints';
import { isAdmin, useUser } from '../../auth/context';
import { useApi } from '../../hooks/useApi';
import { errorMessage, notifyError, notifySuccess } from '../../lib/errors';
import { DocumentLink } from './DocumentLink';

type Dialog = 'request_info' | 'complete' | 'reject' | null;

/** Admins pick any active operator or admin to assign. */
function AssignSelect({ application, onDone }: { application: ApplicationDetail; onDone: (a: ApplicationDetail) => void }) {
  const { t } = useTranslation();
  const staff = useApi(
    async (signal) => {
      const [operators, admins] = await Promise.all([
        staffApi.users({ role: 'operator', status: 'active', limit: 200 }, signal),
        staffApi.users({ role: 'admin', status: 'active', limit: 200 }, signal),
      ]);
      return [...operators.items, ...admins.items].filter((u) => u.id !== application.customer.id);
    },
    'staff',
  );
  const [choice, setChoice] = useState<string | null>(application.assignedTo?.id ?? null);
  const [busy, setBusy] = useState(false);
  const assign = async () => {
    setBusy(true);
    try {
      onDone((await staffApplicationsApi.assign(application.id, choice)).application);
      notifySuccess(t('applications.staff.assigned'));
    } catch (err) {
      notifyError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Group align="flex-end" gap="xs" wrap="wrap">
      <Select
        label={t('applications.staff.assignTo')}
        placeholder={t('applications.staff.unassigned')}
        clearable
        searchable
        value={choice}
        onChange={setChoice}
        data={(staff.data ?? []).map((u) => ({ value: u.id, label: `${u.name} (${t(`roles.${u.role}`)})` }))}
        w={{ base: '100%', xs: 260 }}
      />
      <Button variant="light" onClick={() => void assign()} loading={busy}>
        {t('applications.staff.assign')}
      </Button>
    </Group>
  );
}

/** An operator's controls on one application: assignment, start, results, more information, complete, reject. */
export function StaffActions({ application, onChange }: { application: ApplicationDetail; onChange: (a: ApplicationDetail) => void }) {
  const { t } = useTranslation();
  const me = useUser();
  const can = (a: string) => application.allowedActions.includes(a as never);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);

  const run = async (action: () => Promise<{ application: ApplicationDetail }>, success: string) => {
    setBusy(true);
    setDialogError(null);
    try {
      onChange((await action()).application);
      notifySuccess(success);
      setDialog(null);
      setText('');
    } catch (err) {
      if (dialog) setDialogError(errorMessage(err));
      else notifyError(err);
    } finally {
      setBusy(false);
    }
  };

  const refresh = async () => onChange((await applicationsApi.get(application.id)).application);

  const uploadOutput = async (file: File | null) => {
    if (!file) return;
    setUploadError(null);
    setProgress(0);
    try {
      await uploadApplicationOutput(application.id, file, setProgress);
      await refresh();
    } catch (err) {
      setUploadError(errorMessage(err));
    } finally {
      setProgress(null);
    }
  };

  const removeOutput = async (documentId: string) => {
    try {
      await staffApplicationsApi.removeOutput(application.id, documentId);
      await refresh();
    } catch (err) {
      notifyError(err);
    }
  };

  const assignedToMe = application.assignedTo?.id === me.id;
  const dialogs: Record<Exclude<Dialog, null>, { title: string; label: string; required: boolean; confirm: string; color?: string; go: () => void }> = {
    request_info: {
      title: t('applications.staff.requestInfo'),
      label: t('applications.staff.requestInfoLabel'),
      required: true,
      confirm: t('applications.staff.sendBack'),
      go: () => void run(() => staffApplicationsApi.requestInfo(application.id, text), t('applications.staff.infoRequested')),
    },
    complete: {
      title: t('applications.staff.complete'),
      label: t('applications.staff.completeLabel'),
      required: false,
      confirm: t('applications.staff.complete'),
      color: 'teal',
      go: () => void run(() => staffApplicationsApi.complete(application.id, text), t('applications.staff.completed')),
    },
    reject: {
      title: t('applications.staff.reject'),
      label: t('applications.staff.rejectLabel'),
      required: true,
      confirm: t('applications.staff.reject'),
      color: 'red',
      go: () => void run(() => staffApplicationsApi.reject(application.id, text), t('applications.staff.rejected')),
    },
  };
  const open = dialog ? dialogs[dialog] : null;

  return (
    <Card withBorder radius="md" padding="md" component="section" aria-label={t('applications.staff.title')}>
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('applications.staff.title')}
        </Title>
        <Text size="sm">
          {t('applications.staff.assignee')}: <strong>{application.assignedTo ? application.assignedTo.name : t('applications.staff.unassigned')}</strong>
        </Text>
        {can('assign') ? (
          <Group gap="xs">
            {!assignedToMe && (isAdmin(me.role) || !application.assignedTo) ? (
              <Button variant="light" size="sm" loading={busy} onClick={() => void run(() => staffApplicationsApi.assign(application.id, me.id), t('applications.staff.assigned'))}>
                {t('applications.staff.assignMe')}
              </Button>
            ) : null}
            {assignedToMe ? (
              <Button variant="subtle" size="sm" loading={busy} onClick={() => void run(() => staffApplicationsApi.assign(application.id, null), t('applications.staff.assigned'))}>
                {t('applications.staff.handBack')}
              </Button>
            ) : null}
          </Group>
        ) : null}
        {can('assign') && isAdmin(me.role) ? <AssignSelect application={application} onDone={onChange} /> : null}

        {can('start') ? (
          <Button onClick={() => void run(() => staffApplicationsApi.start(application.id), t('applications.staff.started'))} loading={busy} w={{ base: '100%', sm: 'auto' }}>
            {t('applications.staff.start')}
          </Button>
        ) : null}

        {application.state === 'in_progress' || application.outputs.length ? (
          <Stack gap={6}>
            <Text fw={600} size="sm">
              {t('applications.staff.outputs')}
            </Text>
            {application.outputs.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t('applications.staff.noOutputs')}
              </Text>
            ) : (
              application.outputs.map((o, i) => (
                <Group key={o.id} gap="xs" wrap="wrap">
                  <DocumentLink doc={o} label={t('applications.outputs.name', { n: i + 1 })} />
                  {can('upload_output') ? (
                    <Button size="xs" variant="subtle" color="red" onClick={() => void removeOutput(o.id)}>
                      {t('applications.documents.remove')}
                    </Button>
                  ) : null}
                </Group>
              ))
            )}
            {progress !== null ? <Progress value={Math.round(progress * 100)} aria-label={t('applications.documents.uploading')} animated /> : null}
            {uploadError ? (
              <Alert color="red" role="alert" title={t('applications.documents.refused')}>
                {uploadError}
              </Alert>
            ) : null}
            {can('upload_output') ? (
              <FileButton onChange={(f) => void uploadOutput(f)} accept="application/pdf,.pdf,image/jpeg,.jpg,.jpeg,image/png,.png,image/webp,.webp">
                {(props) => (
                  <Button {...props} size="sm" variant="light" loading={progress !== null} w={{ base: '100%', sm: 'auto' }}>
                    {t('applications.staff.addOutput')}
                  </Button>
                )}
              </FileButton>
            ) : null}
          </Stack>
        ) : null}

        <Group gap="xs" wrap="wrap">
          {can('complete') ? (
            <Button color="teal" onClick={() => setDialog('complete')} disabled={application.outputs.length === 0}>
              {t('applications.staff.complete')}
            </Button>
          ) : null}
          {can('request_info') ? (
            <Button variant="default" onClick={() => setDialog('request_info')}>
              {t('applications.staff.requestInfo')}
            </Button>
          ) : null}
          {can('reject') ? (
            <Button variant="outline" color="red" onClick={() => setDialog('reject')}>
              {t('applications.staff.reject')}
            </Button>
          ) : null}
        </Group>
        {can('complete') && application.outputs.length === 0 ? (
          <Text size="xs" c="dimmed">
            {t('applications.staff.completeNeedsOutput')}
          </Text>
        ) : null}
      </Stack>

      <Modal opened={open !== null} onClose={() => (busy ? undefined : setDialog(null))} title={open?.title} centered>
        {open ? (
          <Stack gap="sm">
            <Textarea label={open.label} autosize minRows={3} maxLength={2000} value={text} onChange={(e) => setText(e.currentTarget.value)} data-autofocus />
            {dialogError ? (
              <Alert color="red" role="alert">
                {dialogError}
              </Alert>
            ) : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setDialog(null)} disabled={busy}>
                {t('common.cancel')}
              </Button>
              <Button color={open.color} loading={busy} disabled={open.required && text.trim().length < 5} onClick={open.go}>
                {open.confirm}
              </Button>
            </Group>
          </Stack>
        ) : null}
      </Modal>
    </Card>
  );
}
