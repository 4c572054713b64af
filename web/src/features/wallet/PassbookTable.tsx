import { Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { PassbookLine } from '../../api/types';
import { formatDateTime, formatMoney, formatSignedMoney } from '../../lib/format';
import { useKindLabel } from './useKindLabel';

const numeric = { whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' } as const;

/**
 * Passbook lines, newest first: what happened and when, the signed amount, and the balance after it.
 * Three columns, so it fits a phone without sideways scrolling.
 */
export function PassbookTable({ lines }: { lines: PassbookLine[] }) {
  const { t } = useTranslation();
  const kindLabel = useKindLabel();
  return (
    <Table verticalSpacing="xs" horizontalSpacing="xs" striped aria-label={t('wallet.passbook.caption')}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('wallet.passbook.details')}</Table.Th>
          <Table.Th ta="right">{t('wallet.passbook.amount')}</Table.Th>
          <Table.Th ta="right">{t('wallet.passbook.balance')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {lines.map((line) => (
          <Table.Tr key={line.id}>
            <Table.Td>
              <Text size="sm" fw={500}>
                {kindLabel(line.kind)}
              </Text>
              {line.kind !== 'topup' && line.description ? (
                <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
                  {line.description}
                </Text>
              ) : null}
              <Text size="xs" c="dimmed">
                {formatDateTime(line.at)}
              </Text>
            </Table.Td>
            <Table.Td ta="right" style={numeric}>
              <Text size="sm" fw={600} c={line.amount >= 0 ? 'teal.8' : 'red.8'} span>
                {formatSignedMoney(line.amount)}
              </Text>
            </Table.Td>
            <Table.Td ta="right" style={numeric}>
              <Text size="sm" span>
                {formatMoney(line.balanceAfter)}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
