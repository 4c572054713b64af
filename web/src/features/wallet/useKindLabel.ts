import { useTranslation } from 'react-i18next';

/** The name of a passbook line's kind in the current language; unknown kinds read as "some kind". */
export function useKindLabel(): (kind: string) => string {
  const { t } = useTranslation();
  return (kind) => t(`wallet.kinds.${kind}`, kind.replace(/_/g, ' '));
}
