import { useTranslation } from 'react-i18next';
import { summarizeUserAgent, type DeviceKind } from '../../lib/userAgent';

/** "Chrome on Android" from a User-Agent header, in the current language. */
export function useDeviceName(): (userAgent: string | null | undefined) => { name: string; kind: DeviceKind } {
  const { t } = useTranslation();
  return (userAgent) => {
    const { browser, os, kind } = summarizeUserAgent(userAgent);
    if (!browser && !os) return { name: t('common.unknown'), kind };
    return {
      name: t('sessions.deviceOn', {
        browser: browser ?? t('sessions.unknownBrowser'),
        os: os ?? t('sessions.unknownOs'),
      }),
      kind,
    };
  };
}
