import { Button, CloseButton, FileButton, Group, Progress, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { uploadSupportAttachment, type Attachment } from '../../api/support';
import { errorMessage } from '../../lib/errors';
import { formatBytes } from '../kyc/kycValidation';

export const MAX_FILES = 5;
const ACCEPT = 'application/pdf,.pdf,image/jpeg,.jpg,.jpeg,image/png,.png,image/webp,.webp';
const TYPE_NAMES: Record<string, string> = { 'application/pdf': 'PDF', 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'image/webp': 'WebP' };

/**
 * Files for a message: each is uploaded (checked and stored by the server) as soon as it is chosen,
 * and its id is sent with the message. Removing one here only leaves it unsent; the server deletes
 * unsent uploads after a day.
 */
export function AttachmentPicker({ value, onChange, disabled }: { value: Attachment[]; onChange: (files: Attachment[]) => void; disabled?: boolean }) {
  const { t } = useTranslation();
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  const choose = async (file: File | null) => {
    if (!file) return;
    setError(null);
    setProgress(0);
    try {
      const uploaded = await uploadSupportAttachment(file, setProgress);
      onChange([...value, uploaded]);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setProgress(null);
    }
  };

  return (
    <Stack gap={6}>
      {value.map((a, i) => (
        <Group key={a.id} gap="xs" wrap="nowrap" data-testid="pending-attachment">
          <Text size="sm" style={{ flex: 1, minWidth: 0 }} truncate>
            {t('support.attachments.item', { n: i + 1, type: TYPE_NAMES[a.contentType] ?? a.contentType, size: formatBytes(a.sizeBytes) })}
          </Text>
          <CloseButton size="sm" aria-label={t('support.attachments.remove', { n: i + 1 })} onClick={() => onChange(value.filter((x) => x.id !== a.id))} />
        </Group>
      ))}
      {progress !== null ? <Progress value={progress * 100} size="sm" aria-label={t('support.attachments.uploading')} /> : null}
      {error ? (
        <Text size="sm" c="red" role="alert">
          {error}
        </Text>
      ) : null}
      <Group gap="xs">
        <FileButton onChange={(f) => void choose(f)} accept={ACCEPT} disabled={disabled || progress !== null || value.length >= MAX_FILES}>
          {(props) => (
            <Button {...props} variant="default" size="xs" loading={progress !== null}>
              {t('support.attachments.add')}
            </Button>
          )}
        </FileButton>
        <Text size="xs" c="dimmed">
          {t('support.attachments.hint', { max: MAX_FILES })}
        </Text>
      </Group>
    </Stack>
  );
}
