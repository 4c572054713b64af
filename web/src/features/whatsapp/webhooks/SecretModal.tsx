import { useTranslation } from 'react-i18next';
import { CopySecretModal } from '../../../components/CopySecretModal';

/**
 * A signing secret with a copy button: after creating an endpoint, after a rotation (the old secret
 * keeps signing for 24 hours), or when revealed again.
 */
export function SecretModal({ secret, kind, onClose }: { secret: string; kind: 'created' | 'rotated' | 'revealed'; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <CopySecretModal
      title={t(`waWebhooks.secret.title.${kind}`)}
      notice={t(kind === 'rotated' ? 'waWebhooks.secret.rotated' : 'waWebhooks.secret.keep')}
      secret={secret}
      testId="webhook-secret"
      labels={{ copy: t('waWebhooks.secret.copy'), copied: t('waWebhooks.secret.copied'), done: t('waWebhooks.secret.done') }}
      usage={t('waWebhooks.secret.verify')}
      example={`import { Webhook } from 'standardwebhooks';\nconst event = new Webhook(process.env.WEBHOOK_SECRET).verify(rawBody, headers);`}
      onClose={onClose}
    />
  );
}
