import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/**
 * A signing secret with a copy button: after creating an endpoint, after a rotation (the old secret
 * keeps signing for 24 hours), or when revealed again.
 */
export function SecretModal({ secret, kind, onClose }: { secret: string; kind: 'created' | 'rotated' | 'revealed'; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened onClose={onClose} title={t(`waWebhooks.secret.title.${kind}`)} centered size="lg" closeOnClickOutside={false}>
      <Stack gap="sm">
        <Alert color="yellow" variant="light" role="status">
          {t(kind === 'rotated' ? 'waWebhooks.secret.rotated' : 'waWebhooks.secret.keep')}
        </Alert>
        <Code block data-testid="webhook-secret" style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
          {secret}
        </Code>
        <Group>
          <CopyButton value={secret}>
            {({ copied, copy }) => (
              <Button color={copied ? 'teal' : undefined} onClick={copy}>
                {copied ? t('waWebhooks.secret.copied') : t('waWebhooks.secret.copy')}
              </Button>
            )}
          </CopyButton>
        </Group>
        <Text size="sm" c="dimmed">
          {t('waWebhooks.secret.verify')}
        </Text>
        <Code block style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
          {`import { Webhook } from 'standardwebhooks';\nconst event = new Webhook(process.env.WEBHOOK_SECRET).verify(rawBody, headers);`}
        </Code>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('waWebhooks.secret.done')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
