import { Navigate, Outlet, useLocation } from 'react-router';
import type { Role } from '../api/types';
import { useAuth } from '../auth/context';
import { Forbidden } from './Forbidden';

/** Pages behind sign-in: signed-out visitors go to /login and come back afterwards. */
export function RequireAuth() {
  const { user } = useAuth();
  const location = useLocation();
  if (!user) return <Navigate to="/login" replace state={{ from: `${location.pathname}${location.search}` }} />;
  return <Outlet />;
}

/** Sign-in and registration make no sense when already signed in. */
export function GuestOnly() {
  const { user } = useAuth();
  if (user) return <Navigate to="/" replace />;
  return <Outlet />;
}

export function RequireRole({ allowed }: { allowed: (role: Role) => boolean }) {
  const { user } = useAuth();
  if (!user || !allowed(user.role)) return <Forbidden />;
  return <Outlet />;
}
