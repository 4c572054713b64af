import { Button, Group, Modal, Text } from '@mantine/core';
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface ConfirmRequest {
  title: string;
  body: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => Promise<void>;
}

const ConfirmContext = createContext<((req: ConfirmRequest) => void) | null>(null);

/** Opens an "are you sure?" dialog; the action runs when confirmed, with the button busy meanwhile. */
export function useConfirm(): (req: ConfirmRequest) => void {
  const ctx = useContext(ConfirmContext);
  if (!ctx) throw new Error('useConfirm needs <ConfirmProvider>');
  return ctx;
}

export function ConfirmProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [request, setRequest] = useState<ConfirmRequest | null>(null);
  const [busy, setBusy] = useState(false);

  const close = () => {
    if (!busy) setRequest(null);
  };

  const confirm = async () => {
    if (!request) return;
    setBusy(true);
    try {
      await request.onConfirm();
    } finally {
      setBusy(false);
      setRequest(null);
    }
  };

  const open = useCallback((req: ConfirmRequest) => setRequest(req), []);

  return (
    <ConfirmContext.Provider value={open}>
      {children}
      <Modal opened={request !== null} onClose={close} title={request?.title} centered>
        <Text size="sm">{request?.body}</Text>
        <Group justify="flex-end" mt="lg">
          <Button variant="default" onClick={close} disabled={busy}>
            {t('common.cancel')}
          </Button>
          <Button color={request?.danger ? 'red' : undefined} loading={busy} onClick={() => void confirm()}>
            {request?.confirmLabel}
          </Button>
        </Group>
      </Modal>
    </ConfirmContext.Provider>
  );
}
