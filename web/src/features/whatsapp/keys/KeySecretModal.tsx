import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/**
 * The new key, shown this once with a copy button. Closing asks no question: the key is gone from
 * the page afterwards (only its hash is kept), and a lost key is revoked and replaced.
 */
export function KeySecretModal({ name, secret, onClose }: { name: string; secret: string; onClose: () => void }) {
  const { t } = useTranslation();
  const origin = window.location.origin;
  return (
    <Modal opened onClose={onClose} title={t('waKeys.secret.title', { name })} centered size="lg" closeOnClickOutside={false}>
      <Stack gap="sm">
        <Alert color="yellow" variant="light" role="status">
          {t('waKeys.secret.once')}
        </Alert>
        <Code block data-testid="api-key-secret" style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
          {secret}
        </Code>
        <Group>
          <CopyButton value={secret}>
            {({ copied, copy }) => (
              <Button color={copied ? 'teal' : undefined} onClick={copy}>
                {copied ? t('waKeys.secret.copied') : t('waKeys.secret.copy')}
              </Button>
            )}
          </CopyButton>
        </Group>
        <Text size="sm" c="dimmed">
          {t('waKeys.secret.tryIt')}
        </Text>
        <Code block style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
          {`curl -H "Authorization: Bearer ${secret.slice(0, 16)}…" ${origin}/v1/me`}
        </Code>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('waKeys.secret.done')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
