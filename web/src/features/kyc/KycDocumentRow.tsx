import { Alert, Anchor, Button, Card, FileButton, Group, Image, Progress, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { kycApi, uploadKycDocument, type DocumentKind, type KycDocument } from '../../api/kyc';
import { errorMessage, notifyError, notifySuccess } from '../../lib/errors';
import { formatBytes } from './kycValidation';

const ACCEPT: Record<string, string> = {
  pdf: 'application/pdf,.pdf',
  jpeg: 'image/jpeg,.jpg,.jpeg',
  png: 'image/png,.png',
  webp: 'image/webp,.webp',
};
const TYPE_NAMES: Record<string, string> = { pdf: 'PDF', jpeg: 'JPEG', png: 'PNG', webp: 'WebP' };

/** A document preview: images inline through the short-lived link, PDFs as a link. */
export function DocumentPreview({ doc, label }: { doc: KycDocument; label: string }) {
  const { t } = useTranslation();
  if (doc.contentType.startsWith('image/')) {
    return (
      <Anchor href={doc.url} target="_blank" rel="noopener noreferrer">
        <Image src={doc.url} alt={label} maw={240} mah={180} fit="contain" radius="sm" bd="1px solid var(--mantine-color-gray-3)" />
      </Anchor>
    );
  }
  return (
    <Anchor href={doc.url} rel="noopener noreferrer" download>
      {t('kyc.documents.openPdf', { size: formatBytes(doc.sizeBytes) })}
    </Anchor>
  );
}

interface Props {
  kind: DocumentKind;
  required: boolean;
  doc: KycDocument | undefined;
  editable: boolean;
  types: string[];
  maxBytes: number;
  onChange: () => void;
}

/** One document: what is uploaded, and choosing a new file with progress and a clear error. */
export function KycDocumentRow({ kind, required, doc, editable, types, maxBytes, onChange }: Props) {
  const { t } = useTranslation();
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const label = t(`kyc.kinds.${kind}`);
  const accept = types.map((type) => ACCEPT[type] ?? '').filter(Boolean).join(',');

  const choose = async (file: File | null) => {
    if (!file) return;
    setError(null);
    if (file.size > maxBytes) {
      setError(t('kyc.documents.tooLarge', { max: formatBytes(maxBytes) }));
      return;
    }
    setProgress(0);
    try {
      await uploadKycDocument(kind, file, setProgress);
      notifySuccess(t('kyc.documents.uploaded', { kind: label }));
      onChange();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setProgress(null);
    }
  };

  const remove = async () => {
    try {
      await kycApi.removeDocument(kind);
      onChange();
    } catch (err) {
      notifyError(err);
    }
  };

  return (
    <Card withBorder radius="md" padding="md" data-testid={`kyc-doc-${kind}`}>
      <Stack gap="xs">
        <Group justify="space-between" gap="xs">
          <Text fw={600}>
            {label}
            {required ? null : (
              <Text span size="sm" c="dimmed">
                {' '}
                ({t('kyc.documents.optional')})
              </Text>
            )}
          </Text>
          {doc ? (
            <Text size="xs" c="teal.8">
              {t('kyc.documents.uploadedOk')}
            </Text>
          ) : null}
        </Group>
        <Text size="sm" c="dimmed">
          {t(`kyc.kindHints.${kind}`)} {t('kyc.documents.allowed', { types: types.map((x) => TYPE_NAMES[x] ?? x).join(', '), max: formatBytes(maxBytes) })}
        </Text>
        {doc ? <DocumentPreview doc={doc} label={label} /> : null}
        {progress !== null ? <Progress value={Math.round(progress * 100)} aria-label={t('kyc.documents.uploading')} animated /> : null}
        {error ? (
          <Alert color="red" role="alert" title={t('kyc.documents.refused')}>
            {error}
          </Alert>
        ) : null}
        {editable ? (
          <Group gap="xs">
            <FileButton onChange={(f) => void choose(f)} accept={accept}>
              {(props) => (
                <Button {...props} variant={doc ? 'default' : 'light'} size="sm" loading={progress !== null} aria-label={`${doc ? t('kyc.documents.replace') : t('kyc.documents.choose')}: ${label}`}>
                  {doc ? t('kyc.documents.replace') : t('kyc.documents.choose')}
                </Button>
              )}
            </FileButton>
            {doc && !doc.submitted ? (
              <Button variant="subtle" color="red" size="sm" onClick={() => void remove()}>
                {t('kyc.documents.remove')}
              </Button>
            ) : null}
          </Group>
        ) : null}
      </Stack>
    </Card>
  );
}
