import { Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ApplicationDetail } from '../../api/applications';
import { formatMoney } from '../../lib/format';
import { formatPercent } from '../services/localize';

const numeric = { whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' } as const;

/** The fee breakdown with GST split into CGST and SGST halves; an estimate until submission. */
export function FeeSummary({ application }: { application: ApplicationDetail }) {
  const { t } = useTranslation();
  const { fees } = application;
  const half = formatPercent(fees.gstRateBps / 2);
  const rows: [string, number][] = [
    [t('services.fees.platform'), fees.platformFee],
    [t('applications.fees.cgst', { rate: half }), fees.cgst],
    [t('applications.fees.sgst', { rate: half }), fees.sgst],
    [application.variableAmount ? t('applications.fees.amount') : t('services.fees.government'), fees.governmentFee],
  ];
  return (
    <>
      <Table verticalSpacing={6} aria-label={t('services.fees.title')}>
        <Table.Tbody>
          {rows.map(([label, paise]) => (
            <Table.Tr key={label}>
              <Table.Td>{label}</Table.Td>
              <Table.Td ta="right" style={numeric}>
                {formatMoney(paise)}
              </Table.Td>
            </Table.Tr>
          ))}
          <Table.Tr>
            <Table.Th>{t('services.fees.total')}</Table.Th>
            <Table.Th ta="right" style={numeric} data-testid="fees-total">
              {formatMoney(fees.total)}
            </Table.Th>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed" mt={4}>
        {application.feesFinal ? t(`applications.fees.final.${application.state === 'completed' ? 'charged' : ['rejected', 'cancelled'].includes(application.state) ? 'released' : 'held'}`) : t('applications.fees.estimate')}
      </Text>
    </>
  );
}
