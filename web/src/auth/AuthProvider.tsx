import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { setCsrfRefresher, setCsrfToken, setUnauthenticatedHandler } from '../api/client';
import { authApi } from '../api/endpoints';
import type { User } from '../api/types';
import { changeLanguage, hasStoredLanguage } from '../i18n';
import { FullPageError, FullPageLoader } from '../components/FullPage';
import { AuthContext, type AuthState } from './context';

/** Until the person picks a language on this device, follow the language saved in their account. */
function adoptAccountLanguage(user: User | null): void {
  if (user && !hasStoredLanguage()) void changeLanguage(user.language, false);
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUserState] = useState<User | null>(null);
  const [phase, setPhase] = useState<'loading' | 'ready' | 'failed'>('loading');
  const [loadError, setLoadError] = useState<unknown>(null);
  const inflight = useRef<Promise<void> | null>(null);

  const refresh = useCallback((): Promise<void> => {
    // Concurrent callers (a 401 from several requests at once) share one session request.
    inflight.current ??= authApi
      .session()
      .then((session) => {
        setCsrfToken(session.csrfToken);
        setUserState(session.user);
        adoptAccountLanguage(session.user);
      })
      .finally(() => {
        inflight.current = null;
      });
    return inflight.current;
  }, []);

  const load = useCallback(() => {
    setPhase('loading');
    refresh().then(
      () => setPhase('ready'),
      (err: unknown) => {
        setLoadError(err);
        setPhase('failed');
      },
    );
  }, [refresh]);

  useEffect(() => {
    load();
    setCsrfRefresher(refresh);
    setUnauthenticatedHandler(() => {
      setUserState(null);
      void refresh().catch(() => undefined);
    });
    return () => {
      setCsrfRefresher(null);
      setUnauthenticatedHandler(null);
    };
  }, [load, refresh]);

  const login = useCallback(async (email: string, password: string): Promise<User> => {
    const res = await authApi.login(email, password);
    setCsrfToken(res.csrfToken);
    setUserState(res.user);
    adoptAccountLanguage(res.user);
    return res.user;
  }, []);

  const logout = useCallback(async (): Promise<void> => {
    try {
      await authApi.logout();
    } finally {
      setUserState(null);
      // The old CSRF token belonged to the ended session.
      await refresh().catch(() => undefined);
    }
  }, [refresh]);

  const value = useMemo<AuthState>(
    () => ({ user, login, logout, refresh, setUser: setUserState }),
    [user, login, logout, refresh],
  );

  if (phase === 'loading') return <FullPageLoader />;
  if (phase === 'failed') return <FullPageError error={loadError} onRetry={load} />;
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
