import { Alert, Badge, Button, Card, FileButton, Group, Progress, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { applicationsApi, uploadApplicationDocument, type ApplicationDocument } from '../../api/applications';
import type { RequiredDocument } from '../../api/services';
import { errorMessage, notifyError } from '../../lib/errors';
import { formatBytes, formatDocumentTypes, useLocalized } from '../services/localize';
import { DocumentLink } from './DocumentLink';

const ACCEPT: Record<string, string> = {
  pdf: 'application/pdf,.pdf',
  jpeg: 'image/jpeg,.jpg,.jpeg',
  png: 'image/png,.png',
  webp: 'image/webp,.webp',
};

interface Props {
  applicationId: string;
  document: RequiredDocument;
  current: ApplicationDocument | undefined;
  editable: boolean;
  /** A problem the server reported for this document (e.g. missing at submission). */
  error?: string | undefined;
  onChange: () => void;
}

/** One document the form asks for: what is uploaded, and choosing a file with progress and a clear refusal. */
export function DocumentSlot({ applicationId, document, current, editable, error, onChange }: Props) {
  const { t } = useTranslation();
  const local = useLocalized();
  const [progress, setProgress] = useState<number | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const label = local(document.label);
  const accept = document.types.map((type) => ACCEPT[type] ?? '').join(',');

  const choose = async (file: File | null) => {
    if (!file) return;
    setRefusal(null);
    if (file.size > document.maxSizeBytes) {
      setRefusal(t('applications.documents.tooLarge', { max: formatBytes(document.maxSizeBytes) }));
      return;
    }
    setProgress(0);
    try {
      await uploadApplicationDocument(applicationId, document.key, file, setProgress);
      onChange();
    } catch (err) {
      setRefusal(errorMessage(err));
    } finally {
      setProgress(null);
    }
  };

  const remove = async () => {
    try {
      await applicationsApi.removeDocument(applicationId, document.key);
      onChange();
    } catch (err) {
      notifyError(err);
    }
  };

  return (
    <Card withBorder radius="md" padding="sm" data-testid={`document-${document.key}`}>
      <Stack gap={6}>
        <Group justify="space-between" gap="xs" wrap="nowrap">
          <Text fw={600} size="sm">
            {label}
          </Text>
          {current ? (
            <Badge color="teal" variant="light" size="sm">
              {t('applications.documents.uploaded')}
            </Badge>
          ) : (
            <Badge color={document.required ? 'orange' : 'gray'} variant="outline" size="sm">
              {document.required ? t('services.required') : t('services.optional')}
            </Badge>
          )}
        </Group>
        <Text size="xs" c="dimmed">
          {t('services.documents.limits', { types: formatDocumentTypes(document.types), size: formatBytes(document.maxSizeBytes) })}
        </Text>
        {current ? <DocumentLink doc={current} label={label} /> : null}
        {progress !== null ? <Progress value={Math.round(progress * 100)} aria-label={t('applications.documents.uploading')} animated /> : null}
        {refusal ? (
          <Alert color="red" role="alert" title={t('applications.documents.refused')}>
            {refusal}
          </Alert>
        ) : error ? (
          <Text size="sm" c="red" role="alert">
            {error}
          </Text>
        ) : null}
        {editable ? (
          <Group gap="xs">
            <FileButton onChange={(f) => void choose(f)} accept={accept}>
              {(props) => (
                <Button {...props} size="sm" variant={current ? 'default' : 'light'} loading={progress !== null} aria-label={`${current ? t('applications.documents.replace') : t('applications.documents.choose')}: ${label}`}>
                  {current ? t('applications.documents.replace') : t('applications.documents.choose')}
                </Button>
              )}
            </FileButton>
            {current ? (
              <Button size="sm" variant="subtle" color="red" onClick={() => void remove()} aria-label={`${t('applications.documents.remove')}: ${label}`}>
                {t('applications.documents.remove')}
              </Button>
            ) : null}
          </Group>
        ) : null}
      </Stack>
    </Card>
  );
}
