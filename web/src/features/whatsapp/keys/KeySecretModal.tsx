import { useTranslation } from 'react-i18next';
import { CopySecretModal } from '../../../components/CopySecretModal';

/**
 * The new key, shown this once with a copy button. Closing asks no question: the key is gone from
 * the page afterwards (only its hash is kept), and a lost key is revoked and replaced.
 */
export function KeySecretModal({ name, secret, onClose }: { name: string; secret: string; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <CopySecretModal
      title={t('waKeys.secret.title', { name })}
      notice={t('waKeys.secret.once')}
      secret={secret}
      testId="api-key-secret"
      labels={{ copy: t('waKeys.secret.copy'), copied: t('waKeys.secret.copied'), done: t('waKeys.secret.done') }}
      usage={t('waKeys.secret.tryIt')}
      example={`curl -H "Authorization: Bearer ${secret.slice(0, 16)}…" ${window.location.origin}/v1/me`}
      onClose={onClose}
    />
  );
}
