import { Anchor, Button, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { adminApi } from '../../api/endpoints';
import { PageHeader } from '../../components/PageHeader';
import { PassbookSection } from '../wallet/PassbookSection';
import { AdjustBalanceModal } from './AdjustBalanceModal';

interface WalletState {
  name?: string;
  email?: string;
  available?: number;
}

/** One customer's passbook for an admin, with "Adjust balance". */
export function AdminWalletPassbookPage() {
  const { t } = useTranslation();
  const { userId = '' } = useParams();
  const location = useLocation();
  // The wallet list hands over who this is; opened directly, only the id is known.
  const [known, setKnown] = useState<WalletState>(() => (location.state as WalletState | null) ?? {});
  const [adjustOpen, setAdjustOpen] = useState(false);
  const [adjustKey, setAdjustKey] = useState(0);
  const [version, setVersion] = useState(0);
  const name = known.name ?? t('admin.wallets.unknownCustomer', { id: userId.slice(0, 8) });

  return (
    <>
      <Anchor component={Link} to="/admin/wallets" size="sm">
        ← {t('admin.wallets.back')}
      </Anchor>
      <PageHeader
        title={t('admin.wallets.passbookFor', { name })}
        description={known.email}
        actions={
          <Button
            onClick={() => {
              setAdjustKey((k) => k + 1);
              setAdjustOpen(true);
            }}
          >
            {t('admin.wallets.adjust')}
          </Button>
        }
      />
      <Stack>
        <Text size="xs" c="dimmed" ff="monospace">
          {userId}
        </Text>
        <PassbookSection
          title={t('wallet.passbook.title')}
          intro={t('admin.wallets.passbookIntro')}
          feedKey={`${userId}:${version}`}
          fetchPage={(filters, before, signal) => adminApi.walletPassbook(userId, filters, before, 50, signal)}
        />
      </Stack>
      <AdjustBalanceModal
        key={adjustKey}
        userId={userId}
        name={name}
        {...(known.available !== undefined ? { available: known.available } : {})}
        opened={adjustOpen}
        onClose={() => setAdjustOpen(false)}
        onDone={(result) => {
          setAdjustOpen(false);
          setKnown((k) => ({ ...k, available: result.balances.available }));
          setVersion((v) => v + 1);
        }}
      />
    </>
  );
}
