import { Alert, Button, Center, Loader, Stack, Text } from '@mantine/core';
import { useEffect, useEffectEvent, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { authApi } from '../../api/endpoints';
import { useAuth } from '../../auth/context';
import { badTokenMessage, errorMessage, isBadTokenError } from '../../lib/errors';
import { AuthHeading } from './AuthHeading';

type Result = { state: 'pending' } | { state: 'verified' } | { state: 'failed'; error: unknown };

/** Opens from the link in the verification email; verifies once on load. */
export function VerifyEmailPage() {
  const { t } = useTranslation();
  const { user, refresh } = useAuth();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [result, setResult] = useState<Result>({ state: 'pending' });
  const attempted = useRef<string | null>(null);

  const verify = useEffectEvent(async (value: string) => {
    try {
      await authApi.verifyEmail(value);
      setResult({ state: 'verified' });
      if (user) await refresh().catch(() => undefined);
    } catch (error) {
      // Opening the link a second time is not a failure.
      if (error instanceof ApiError && error.code === 'already_verified') setResult({ state: 'verified' });
      else setResult({ state: 'failed', error });
    }
  });

  useEffect(() => {
    // A token is single-use: never send it twice (React StrictMode runs effects twice).
    if (!token || attempted.current === token) return;
    attempted.current = token;
    void verify(token);
  }, [token]);

  const next = user ? (
    <Button component={Link} to="/" fullWidth>
      {t('verify.continue')}
    </Button>
  ) : (
    <Button component={Link} to="/login" fullWidth>
      {t('verify.goToLogin')}
    </Button>
  );

  if (!token) {
    return (
      <Stack>
        <AuthHeading title={t('verify.title')} />
        <Alert color="red">{t('verify.missingToken')}</Alert>
        {next}
      </Stack>
    );
  }

  if (result.state === 'pending') {
    return (
      <Stack>
        <AuthHeading title={t('verify.title')} />
        <Center py="md">
          <Stack align="center" gap="xs">
            <Loader aria-hidden />
            <Text role="status">{t('verify.verifying')}</Text>
          </Stack>
        </Center>
      </Stack>
    );
  }

  return (
    <Stack>
      <AuthHeading title={result.state === 'verified' ? t('verify.successTitle') : t('verify.failedTitle')} />
      {result.state === 'verified' ? (
        <Alert color="teal" role="status">
          {t('verify.success')}
        </Alert>
      ) : (
        <Alert color="red" role="alert">
          <Stack gap="xs">
            <span>{isBadTokenError(result.error) ? badTokenMessage(result.error) : errorMessage(result.error)}</span>
            <span>{t('verify.resendHint')}</span>
          </Stack>
        </Alert>
      )}
      {next}
    </Stack>
  );
}
