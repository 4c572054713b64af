import { notifications } from '@mantine/notifications';
import { ApiError, NETWORK_ERROR } from '../api/client';
import i18n from '../i18n';

/**
 * The text to show for a failed request: the server's message in English; in Hindi a translation
 * of the common codes, falling back to the server's message.
 */
export function errorMessage(err: unknown): string {
  const t = (key: string, options?: Record<string, unknown>): string => i18n.t(key, options ?? {});
  if (!(err instanceof ApiError)) return t('errors.generic');
  const key = `errors.codes.${err.code}`;
  let text: string;
  let translated = true;
  if (err.code === NETWORK_ERROR) text = t('errors.network_error');
  else if (i18n.resolvedLanguage !== 'en' && i18n.exists(key)) text = t(key);
  else if (err.message) {
    text = err.message;
    translated = false; // the server's own message already says when to retry
  } else text = i18n.exists(key) ? t(key) : t('errors.generic');
  if (translated && err.retryAfter !== undefined && err.retryAfter > 0) {
    text = `${text} ${t('errors.retryIn', { minutes: Math.max(1, Math.ceil(err.retryAfter / 60)) })}`;
  }
  return text;
}

/** Field name → message, from the `details` of a validation error. */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const d of err.details) {
    const field = d.field.replace(/^\/?(body[./])?/, '');
    if (field && !(field in out)) out[field] = d.message;
  }
  return out;
}

export function notifyError(err: unknown): void {
  if (err instanceof DOMException && err.name === 'AbortError') return;
  const requestId = err instanceof ApiError ? err.requestId : undefined;
  notifications.show({
    color: 'red',
    title: i18n.t('common.errorTitle'),
    message: requestId
      ? `${errorMessage(err)} (${i18n.t('errors.reference', { id: requestId })})`
      : errorMessage(err),
    autoClose: 8000,
  });
}

export function notifySuccess(message: string): void {
  notifications.show({ color: 'teal', message, autoClose: 4000 });
}

/** A one-time link whose token the server refused, as invalid/expired or as malformed. */
export function isBadTokenError(err: unknown): boolean {
  if (!(err instanceof ApiError)) return false;
  return err.code === 'invalid_token' || (err.code === 'validation_failed' && 'token' in fieldErrors(err));
}

/** The message for a refused one-time link: the server's for invalid_token, ours for a malformed token. */
export function badTokenMessage(err: unknown): string {
  return err instanceof ApiError && err.code === 'invalid_token' ? errorMessage(err) : i18n.t('errors.codes.invalid_token');
}
