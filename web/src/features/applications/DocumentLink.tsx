import { Anchor, Image } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ApplicationDocument } from '../../api/applications';
import { formatBytes } from '../services/localize';

/** A stored file through its short-lived link: images shown small, PDFs as a download. */
export function DocumentLink({ doc, label }: { doc: ApplicationDocument; label: string }) {
  const { t } = useTranslation();
  if (doc.contentType.startsWith('image/')) {
    return (
      <Anchor href={doc.url} target="_blank" rel="noopener noreferrer" aria-label={t('applications.documents.openImage', { name: label })}>
        <Image src={doc.url} alt={label} maw={200} mah={150} fit="contain" radius="sm" bd="1px solid var(--mantine-color-gray-3)" />
      </Anchor>
    );
  }
  return (
    <Anchor href={doc.url} rel="noopener noreferrer" download>
      {t('applications.documents.download', { name: label, size: formatBytes(doc.sizeBytes) })}
    </Anchor>
  );
}
