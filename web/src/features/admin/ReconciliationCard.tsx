import { Badge, Button, Card, Code, Collapse, Group, Stack, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { Reconciliation } from '../../api/types';
import { formatDateTime, formatMoney } from '../../lib/format';

/** An account whose cached balance differs from the sum of its entries. */
interface Drift {
  accountId: string;
  kind: string;
  ownerUserId: string | null;
  balance: number;
  entriesSum: number;
}

/** What the gateway check did about one payment. */
interface Finding {
  paymentId: string;
  orderId: string | null;
  action: string;
  message?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isDrift = (v: unknown): v is Drift =>
  isObject(v) && typeof v.accountId === 'string' && typeof v.balance === 'number' && typeof v.entriesSum === 'number';
const isFinding = (v: unknown): v is Finding =>
  isObject(v) && typeof v.paymentId === 'string' && typeof v.action === 'string';

const PROBLEM_ACTIONS = new Set(['error', 'review']);
const NOTABLE_ACTIONS = new Set(['credited', 'unpaid']);

function DriftTable({ rows }: { rows: Drift[] }) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing={4} fz="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('admin.reconciliations.account')}</Table.Th>
            <Table.Th>{t('admin.reconciliations.accountKind')}</Table.Th>
            <Table.Th>{t('admin.reconciliations.owner')}</Table.Th>
            <Table.Th ta="right">{t('admin.reconciliations.balance')}</Table.Th>
            <Table.Th ta="right">{t('admin.reconciliations.entriesSum')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((d) => (
            <Table.Tr key={d.accountId} bg="var(--mantine-color-red-light)">
              <Table.Td ff="monospace">{d.accountId}</Table.Td>
              <Table.Td>{d.kind}</Table.Td>
              <Table.Td ff="monospace">{d.ownerUserId ?? '—'}</Table.Td>
              <Table.Td ta="right">{formatMoney(d.balance)}</Table.Td>
              <Table.Td ta="right">{formatMoney(d.entriesSum)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function FindingsTable({ rows }: { rows: Finding[] }) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table verticalSpacing={4} fz="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('admin.reconciliations.action')}</Table.Th>
            <Table.Th>{t('admin.reconciliations.payment')}</Table.Th>
            <Table.Th>{t('admin.reconciliations.order')}</Table.Th>
            <Table.Th>{t('admin.reconciliations.message')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((f, i) => {
            const problem = PROBLEM_ACTIONS.has(f.action);
            const notable = NOTABLE_ACTIONS.has(f.action);
            return (
              <Table.Tr
                key={`${f.paymentId}:${i}`}
                bg={problem ? 'var(--mantine-color-red-light)' : notable ? 'var(--mantine-color-yellow-light)' : undefined}
              >
                <Table.Td>
                  <Badge size="xs" variant="light" color={problem ? 'red' : notable ? 'yellow' : 'gray'}>
                    {t(`admin.reconciliations.actions.${f.action}`, f.action)}
                  </Badge>
                </Table.Td>
                <Table.Td ff="monospace">{f.paymentId}</Table.Td>
                <Table.Td ff="monospace">{f.orderId ?? '—'}</Table.Td>
                <Table.Td>{f.message ?? ''}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function Details({ report }: { report: Reconciliation }) {
  const { t } = useTranslation();
  const list = Array.isArray(report.details) ? (report.details as unknown[]) : null;
  if (list && list.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {t('admin.reconciliations.noDetails')}
      </Text>
    );
  }
  if (list && report.kind === 'balances' && list.every(isDrift)) return <DriftTable rows={list} />;
  if (list && report.kind === 'gateway' && list.every(isFinding)) return <FindingsTable rows={list} />;
  return (
    <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
      {JSON.stringify(report.details, null, 2)}
    </Code>
  );
}

/** One reconciliation report; a report with problems is outlined in red and opens its details. */
export function ReconciliationCard({ report }: { report: Reconciliation }) {
  const { t } = useTranslation();
  const bad = report.problems > 0;
  const [opened, { toggle }] = useDisclosure(bad);
  const detailsId = useId();
  const hasDetails = Array.isArray(report.details) ? report.details.length > 0 : report.details !== null && report.details !== undefined;

  return (
    <Card
      withBorder
      radius="md"
      padding="md"
      style={bad ? { borderColor: 'var(--mantine-color-red-6)', borderWidth: 2 } : undefined}
    >
      <Group justify="space-between" align="flex-start" gap="xs">
        <Stack gap={2}>
          <Group gap="xs">
            <Text fw={600}>{t(`admin.reconciliations.kinds.${report.kind}`, report.kind)}</Text>
            <Badge color={bad ? 'red' : 'teal'} variant={bad ? 'filled' : 'light'} size="sm">
              {bad ? t('admin.reconciliations.problems', { count: report.problems }) : t('admin.reconciliations.ok')}
            </Badge>
          </Group>
          <Text size="xs" c="dimmed">
            {formatDateTime(report.ranAt)} · {t('admin.reconciliations.checked', { count: report.checked })}
          </Text>
        </Stack>
        {hasDetails ? (
          <Button size="xs" variant="subtle" onClick={toggle} aria-expanded={opened} aria-controls={detailsId}>
            {opened ? t('admin.reconciliations.hideDetails') : t('admin.reconciliations.showDetails')}
          </Button>
        ) : null}
      </Group>
      {hasDetails ? (
        <Collapse in={opened} id={detailsId}>
          <Stack mt="sm">
            <Details report={report} />
          </Stack>
        </Collapse>
      ) : null}
    </Card>
  );
}
