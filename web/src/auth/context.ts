import { createContext, useContext } from 'react';
import type { Role, User } from '../api/types';

export interface AuthState {
  /** null when signed out. */
  user: User | null;
  login: (email: string, password: string) => Promise<User>;
  logout: () => Promise<void>;
  /** Replace the signed-in user after a profile change (null: the session ended, e.g. the account was closed). */
  setUser: (user: User | null) => void;
  /** Reload the user and a fresh CSRF token from the server. */
  refresh: () => Promise<void>;
}

export const AuthContext = createContext<AuthState | null>(null);

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth must be used inside <AuthProvider>');
  return ctx;
}

/** The signed-in user; only for pages behind <RequireAuth>. */
export function useUser(): User {
  const { user } = useAuth();
  if (!user) throw new Error('useUser needs a signed-in user');
  return user;
}

export const isStaff = (role: Role): boolean => role === 'operator' || role === 'admin';
export const isAdmin = (role: Role): boolean => role === 'admin';
