import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';

const wrap = { overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' } as const;

/**
 * A secret with a copy button and an example of its use. A click outside does not close it: the
 * secret may not be shown again.
 */
export function CopySecretModal({
  title,
  notice,
  secret,
  testId,
  labels,
  usage,
  example,
  onClose,
}: {
  title: string;
  notice: string;
  secret: string;
  testId: string;
  labels: { copy: string; copied: string; done: string };
  /** What the example shows. */
  usage: string;
  example: string;
  onClose: () => void;
}) {
  return (
    <Modal opened onClose={onClose} title={title} centered size="lg" closeOnClickOutside={false}>
      <Stack gap="sm">
        <Alert color="yellow" variant="light" role="status">
          {notice}
        </Alert>
        <Code block data-testid={testId} style={wrap}>
          {secret}
        </Code>
        <Group>
          <CopyButton value={secret}>
            {({ copied, copy }) => (
              <Button color={copied ? 'teal' : undefined} onClick={copy}>
                {copied ? labels.copied : labels.copy}
              </Button>
            )}
          </CopyButton>
        </Group>
        <Text size="sm" c="dimmed">
          {usage}
        </Text>
        <Code block style={wrap}>
          {example}
        </Code>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {labels.done}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
