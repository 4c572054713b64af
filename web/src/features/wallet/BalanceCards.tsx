import { Card, SimpleGrid, Skeleton, Text } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { WalletBalances } from '../../api/types';
import { formatMoney } from '../../lib/format';

function BalanceCard({
  title,
  hint,
  paise,
  emphasis,
}: {
  title: string;
  hint: string;
  paise: number | undefined;
  emphasis: boolean;
}) {
  const titleId = useId();
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby={titleId}>
      <Text id={titleId} size="sm" c="dimmed" fw={500}>
        {title}
      </Text>
      {paise === undefined ? (
        <Skeleton height={emphasis ? 31 : 26} mt={6} width="70%" />
      ) : (
        <Text
          fw={700}
          fz={emphasis ? 24 : 20}
          lh={1.3}
          c={emphasis ? undefined : 'dimmed'}
          style={{ fontVariantNumeric: 'tabular-nums', overflowWrap: 'anywhere' }}
        >
          {formatMoney(paise)}
        </Text>
      )}
      <Text size="xs" c="dimmed" mt={4}>
        {hint}
      </Text>
    </Card>
  );
}

/** Available and held balances, side by side even on a phone. */
export function BalanceCards({ balances }: { balances: WalletBalances | undefined }) {
  const { t } = useTranslation();
  return (
    <SimpleGrid cols={2} spacing="sm">
      <BalanceCard
        title={t('wallet.available')}
        hint={t('wallet.availableHint')}
        paise={balances?.available}
        emphasis
      />
      <BalanceCard title={t('wallet.held')} hint={t('wallet.heldHint')} paise={balances?.held} emphasis={false} />
    </SimpleGrid>
  );
}
