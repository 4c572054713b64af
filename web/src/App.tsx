import { lazy } from 'react';
import { Route, Routes } from 'react-router';
import { isAdmin, isStaff } from './auth/context';
import { AppLayout } from './components/AppLayout';
import { GuestOnly, RequireAuth, RequireRole } from './components/guards';
import { NotFound } from './components/NotFound';
import { PublicLayout } from './components/PublicLayout';
import { ActivityPage } from './features/activity/ActivityPage';
import { ForgotPasswordPage } from './features/auth/ForgotPasswordPage';
import { LoginPage } from './features/auth/LoginPage';
import { RegisterPage } from './features/auth/RegisterPage';
import { ResetPasswordPage } from './features/auth/ResetPasswordPage';
import { VerifyEmailPage } from './features/auth/VerifyEmailPage';
import { DashboardPage } from './features/dashboard/DashboardPage';
import { PreferencesPage } from './features/preferences/PreferencesPage';
import { ProfilePage } from './features/profile/ProfilePage';
import { SessionsPage } from './features/sessions/SessionsPage';
import { WalletPage } from './features/wallet/WalletPage';

// Staff pages are a separate download: most people never open them.
const UsersPage = lazy(() => import('./features/admin/UsersPage').then((m) => ({ default: m.UsersPage })));
const AdminActivityPage = lazy(() =>
  import('./features/admin/AdminActivityPage').then((m) => ({ default: m.AdminActivityPage })),
);
const MailPage = lazy(() => import('./features/admin/MailPage').then((m) => ({ default: m.MailPage })));
const AdminWalletsPage = lazy(() =>
  import('./features/admin/AdminWalletsPage').then((m) => ({ default: m.AdminWalletsPage })),
);
const AdminWalletPassbookPage = lazy(() =>
  import('./features/admin/AdminWalletPassbookPage').then((m) => ({ default: m.AdminWalletPassbookPage })),
);
const PaymentsPage = lazy(() =>
  import('./features/admin/PaymentsPage').then((m) => ({ default: m.PaymentsPage })),
);
const ReconciliationsPage = lazy(() =>
  import('./features/admin/ReconciliationsPage').then((m) => ({ default: m.ReconciliationsPage })),
);

export function App() {
  return (
    <Routes>
      <Route element={<PublicLayout />}>
        <Route element={<GuestOnly />}>
          <Route path="/login" element={<LoginPage />} />
          <Route path="/register" element={<RegisterPage />} />
        </Route>
        <Route path="/forgot-password" element={<ForgotPasswordPage />} />
        <Route path="/reset-password" element={<ResetPasswordPage />} />
        <Route path="/verify-email" element={<VerifyEmailPage />} />
      </Route>

      <Route element={<RequireAuth />}>
        <Route element={<AppLayout />}>
          <Route index element={<DashboardPage />} />
          <Route path="/profile" element={<ProfilePage />} />
          <Route path="/preferences" element={<PreferencesPage />} />
          <Route path="/sessions" element={<SessionsPage />} />
          <Route path="/activity" element={<ActivityPage />} />
          <Route path="/wallet" element={<WalletPage />} />
          <Route element={<RequireRole allowed={isStaff} />}>
            <Route path="/admin/users" element={<UsersPage />} />
          </Route>
          <Route element={<RequireRole allowed={isAdmin} />}>
            <Route path="/admin/activity" element={<AdminActivityPage />} />
            <Route path="/admin/mail" element={<MailPage />} />
            <Route path="/admin/wallets" element={<AdminWalletsPage />} />
            <Route path="/admin/wallets/:userId" element={<AdminWalletPassbookPage />} />
            <Route path="/admin/payments" element={<PaymentsPage />} />
            <Route path="/admin/reconciliations" element={<ReconciliationsPage />} />
          </Route>
        </Route>
      </Route>

      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
