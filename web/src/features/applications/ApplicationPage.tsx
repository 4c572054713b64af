import { Alert, Anchor, Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { applicationsApi, staffApplicationsApi, type AnswerValue, type ApplicationDetail } from '../../api/applications';
import { isStaff, useUser } from '../../auth/context';
import { LoadState } from '../../components/LoadState';
import { useApi } from '../../hooks/useApi';
import { useConfirm } from '../../hooks/useConfirm';
import { errorMessage, notifyError, notifySuccess } from '../../lib/errors';
import { formatDateTime, formatMobile, formatMoney } from '../../lib/format';
import { rupeesToPaise } from '../../lib/validation';
import { useLocalized } from '../services/localize';
import { answerErrors } from './answerIssues';
import { ApplicationStateBadge } from './ApplicationStateBadge';
import { CommentBox } from './CommentBox';
import { DocumentLink } from './DocumentLink';
import { FeeSummary } from './FeeSummary';
import { FormRenderer, answersOf, valuesOf, type Values } from './FormRenderer';
import { StaffActions } from './StaffActions';
import { Timeline } from './Timeline';

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  const id = useId();
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby={id} data-testid={testId}>
      <Title order={2} size="h4" mb="sm" id={id}>
        {title}
      </Title>
      {children}
    </Card>
  );
}

const paiseToRupees = (paise: number | null): string => (paise === null ? '' : paise % 100 === 0 ? String(paise / 100) : (paise / 100).toFixed(2));

function Application({ initial }: { initial: ApplicationDetail }) {
  const { t } = useTranslation();
  const local = useLocalized();
  const confirm = useConfirm();
  const me = useUser();
  const [application, setApplication] = useState(initial);
  const [values, setValues] = useState<Values>(() => valuesOf(initial.form, initial.answers));
  const [amount, setAmount] = useState(paiseToRupees(initial.amountPaise));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<'save' | 'submit' | null>(null);
  const can = (a: string) => application.allowedActions.includes(a as never);
  const editable = can('edit');
  const asStaff = isStaff(me.role) && application.customer.id !== me.id;
  const firstSubmission = application.state === 'draft';

  const update = (next: ApplicationDetail, resetValues = false) => {
    setApplication(next);
    if (resetValues) {
      setValues(valuesOf(next.form, next.answers));
      setAmount(paiseToRupees(next.amountPaise));
    }
  };
  const reload = async () => update((await applicationsApi.get(application.id)).application);
  /** A corrected answer or a new upload takes its problem away. */
  const clearError = (key: string) =>
    setErrors((e) => {
      if (!(key in e)) return e;
      const { [key]: _, ...rest } = e;
      return rest;
    });

  const amountPaise = (): number | null | undefined => {
    if (!application.variableAmount || !editable || !firstSubmission) return undefined;
    if (!amount.trim()) return null;
    return rupeesToPaise(amount) ?? NaN;
  };

  const fail = (err: unknown) => {
    const fieldErrors = answerErrors(err, application.form.fields, t, local);
    setErrors(fieldErrors);
    if (Object.keys(fieldErrors).length) setProblem(null);
    else if (err instanceof ApiError) setProblem(err);
    else notifyError(err);
  };

  const checkedAmount = (): number | null | undefined | false => {
    const paise = amountPaise();
    if (paise !== undefined && paise !== null && Number.isNaN(paise)) {
      setErrors({ amountPaise: t('validation.amountOrZero') });
      return false;
    }
    return paise;
  };

  const save = async () => {
    const paise = checkedAmount();
    if (paise === false) return;
    setBusy('save');
    setErrors({});
    setProblem(null);
    try {
      update((await applicationsApi.save(application.id, answersOf(application.form, values), paise)).application, true);
      notifySuccess(t('applications.saved'));
    } catch (err) {
      fail(err);
    } finally {
      setBusy(null);
    }
  };

  const doSubmit = async (paise: number | null | undefined) => {
    setBusy('submit');
    setErrors({});
    setProblem(null);
    try {
      const next = (await applicationsApi.submit(application.id, answersOf(application.form, values), paise)).application;
      update(next, true);
      notifySuccess(t(firstSubmission ? 'applications.submittedOk' : 'applications.resubmittedOk', { ack: next.ackNumber }));
    } catch (err) {
      fail(err);
    } finally {
      setBusy(null);
    }
  };

  const submit = () => {
    const paise = checkedAmount();
    if (paise === false) return;
    if (!firstSubmission) {
      void doSubmit(paise);
      return;
    }
    const estimate = application.variableAmount && paise ? application.fees.total - application.fees.governmentFee + paise : application.fees.total;
    confirm({
      title: t('applications.confirmSubmit.title'),
      body: estimate > 0 ? t('applications.confirmSubmit.body', { amount: formatMoney(estimate) }) : t('applications.confirmSubmit.free'),
      confirmLabel: t('applications.confirmSubmit.confirm'),
      onConfirm: () => doSubmit(paise),
    });
  };

  const cancel = () =>
    confirm({
      title: t('applications.confirmCancel.title'),
      body: application.state === 'submitted' && (application.total ?? 0) > 0 ? t('applications.confirmCancel.released', { amount: formatMoney(application.total ?? 0) }) : t('applications.confirmCancel.body'),
      confirmLabel: t('applications.confirmCancel.confirm'),
      danger: true,
      onConfirm: async () => {
        try {
          update((await applicationsApi.cancel(application.id)).application, true);
          notifySuccess(t('applications.cancelledOk'));
        } catch (err) {
          notifyError(err);
        }
      },
    });

  const serviceName = local(application.service.name);
  return (
    <Stack gap="md">
      <Stack gap={6}>
        <Group gap="xs" wrap="wrap">
          <ApplicationStateBadge state={application.state} />
          {application.overdue && asStaff ? (
            <Text size="sm" c="red" fw={600}>
              {t('applications.queue.overdue')}
            </Text>
          ) : null}
        </Group>
        <Title order={1} size="h2">
          {serviceName}
        </Title>
        {application.ackNumber ? (
          <Text size="sm">
            {t('applications.ackNumber')}: <strong data-testid="ack-number">{application.ackNumber}</strong>
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            {t('applications.draftNote')}
          </Text>
        )}
        {application.filedBy ? (
          <Text size="sm" c="dimmed">
            {t('applications.filedBy', { name: application.filedBy.name })}
          </Text>
        ) : null}
        {application.slaDueAt && !['completed', 'rejected', 'cancelled'].includes(application.state) ? (
          <Text size="sm" c="dimmed">
            {t('applications.expectedBy', { date: formatDateTime(application.slaDueAt) })}
          </Text>
        ) : null}
      </Stack>

      {application.state === 'needs_info' && application.infoRequest ? (
        <Alert color="orange" title={t('applications.needsInfoTitle')}>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {application.infoRequest}
          </Text>
        </Alert>
      ) : null}
      {application.state === 'rejected' && application.rejectionReason ? (
        <Alert color="red" title={t('applications.rejectedTitle')}>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {application.rejectionReason}
          </Text>
        </Alert>
      ) : null}
      {application.kycRequired && application.state === 'draft' ? (
        <Alert color="blue">
          {t('applications.kycNote')}{' '}
          <Anchor component={Link} to="/kyc">
            {t('nav.kyc')}
          </Anchor>
        </Alert>
      ) : null}

      {asStaff ? (
        <Section title={t('applications.staff.customer')}>
          <Text size="sm" fw={600}>
            {application.customer.name}
          </Text>
          <Text size="sm">{application.customer.email}</Text>
          <Text size="sm">{formatMobile(application.customer.mobile)}</Text>
        </Section>
      ) : null}
      {asStaff && application.allowedActions.some((a) => ['assign', 'start', 'request_info', 'complete', 'reject', 'upload_output'].includes(a)) ? (
        <StaffActions application={application} onChange={(a) => update(a, true)} />
      ) : null}

      {!asStaff && application.outputs.length ? (
        <Section title={t('applications.outputs.title')} testId="outputs">
          <Stack gap="xs">
            {application.outputs.map((o, i) => (
              <DocumentLink key={o.id} doc={o} label={t('applications.outputs.name', { n: i + 1 })} />
            ))}
            <Text size="xs" c="dimmed">
              {t('applications.outputs.linkNote')}
            </Text>
          </Stack>
        </Section>
      ) : null}

      <Section title={t('applications.form.title')}>
        <Stack gap="md">
          <FormRenderer
            applicationId={application.id}
            form={application.form}
            values={values}
            errors={errors}
            editable={editable}
            documents={application.documents}
            onChange={(key: string, value: AnswerValue | '') => {
              setValues((v) => ({ ...v, [key]: value }));
              clearError(key);
            }}
            onDocumentsChange={(key) => {
              clearError(`documents.${key}`);
              for (const f of application.form.fields) if (f.type === 'file' && f.document === key) clearError(f.key);
              void reload().catch(notifyError);
            }}
          />
          {application.variableAmount ? (
            editable && firstSubmission ? (
              <TextInput
                label={t('applications.amount.label')}
                description={t('applications.amount.hint', { min: formatMoney(application.variableAmount.minPaise), max: formatMoney(application.variableAmount.maxPaise) })}
                inputMode="decimal"
                leftSection="₹"
                leftSectionProps={{ 'aria-hidden': true }}
                maxLength={12}
                required
                value={amount}
                error={errors.amountPaise}
                onChange={(e) => setAmount(e.currentTarget.value)}
              />
            ) : (
              <Text size="sm">
                {t('applications.amount.label')}: <strong>{application.amountPaise !== null ? formatMoney(application.amountPaise) : '—'}</strong>
              </Text>
            )
          ) : null}
        </Stack>
      </Section>

      <Section title={t('services.fees.title')}>
        <FeeSummary application={application} />
      </Section>

      {problem ? (
        <Alert color="red" role="alert" title={t('common.errorTitle')}>
          {errorMessage(problem)}
          {problem.code === 'insufficient_funds' && !asStaff ? (
            <>
              {' '}
              <Anchor component={Link} to="/wallet">
                {t('applications.addMoney')}
              </Anchor>
            </>
          ) : null}
          {problem.code === 'kyc_required' && !asStaff ? (
            <>
              {' '}
              <Anchor component={Link} to="/kyc">
                {t('nav.kyc')}
              </Anchor>
            </>
          ) : null}
        </Alert>
      ) : Object.keys(errors).length ? (
        <Alert color="red" role="alert">
          {t('applications.fixErrors')}
        </Alert>
      ) : null}

      <Group gap="xs" wrap="wrap">
        {can('submit') ? (
          <Button size="md" onClick={submit} loading={busy === 'submit'} disabled={busy === 'save'} w={{ base: '100%', sm: 'auto' }}>
            {firstSubmission ? t('applications.submit') : t('applications.resubmit')}
          </Button>
        ) : null}
        {editable ? (
          <Button size="md" variant="default" onClick={() => void save()} loading={busy === 'save'} disabled={busy === 'submit'} w={{ base: '100%', sm: 'auto' }}>
            {t('applications.saveDraft')}
          </Button>
        ) : null}
        {can('receipt') ? (
          <Button size="md" variant="light" component="a" href={applicationsApi.receiptUrl(application.id)} download w={{ base: '100%', sm: 'auto' }}>
            {application.state === 'completed' ? t('applications.downloadReceipt') : t('applications.downloadAck')}
          </Button>
        ) : null}
        {can('cancel') ? (
          <Button size="md" variant="subtle" color="red" onClick={cancel} w={{ base: '100%', sm: 'auto' }}>
            {t('applications.cancel')}
          </Button>
        ) : null}
      </Group>

      <Section title={t('applications.timeline.title')}>
        <Stack gap="md">
          <Timeline events={application.timeline} />
          {can('comment') ? (
            <CommentBox
              staff={asStaff}
              onSend={async (message, visibility) =>
                (asStaff ? await staffApplicationsApi.comment(application.id, message, visibility) : await applicationsApi.comment(application.id, message)).application
              }
              onSent={(a) => update(a)}
            />
          ) : null}
        </Stack>
      </Section>
    </Stack>
  );
}

/** One application: the form (editable in the customer's turn), fees, documents, results, timeline; staff controls for operators. */
export function ApplicationPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { pathname } = useLocation();
  const fromQueue = pathname.startsWith('/admin/');
  const state = useApi((signal) => applicationsApi.get(id, signal), id);
  return (
    <Stack gap="md">
      <Anchor component={Link} to={fromQueue ? '/admin/applications' : '/applications'} size="sm">
        {fromQueue ? t('applications.queue.back') : t('applications.back')}
      </Anchor>
      <LoadState {...state}>{({ application }) => <Application key={application.id} initial={application} />}</LoadState>
    </Stack>
  );
}
