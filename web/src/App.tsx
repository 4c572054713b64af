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
import { ServiceDetailPage } from './features/services/ServiceDetailPage'; // services catalogue
import { ServicesPage } from './features/services/ServicesPage';
import { KycPage } from './features/kyc/KycPage';

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

const KycQueuePage = lazy(() => import('./features/kyc/admin/KycQueuePage').then((m) => ({ default: m.KycQueuePage })));
const KycReviewPage = lazy(() => import('./features/kyc/admin/KycReviewPage').then((m) => ({ default: m.KycReviewPage })));

// services catalogue: admin pages
const AdminServicesPage = lazy(() => import('./features/services/admin/AdminServicesPage').then((m) => ({ default: m.AdminServicesPage })));
const ServiceEditorPage = lazy(() => import('./features/services/admin/ServiceEditorPage').then((m) => ({ default: m.ServiceEditorPage })));
const ServiceCategoriesPage = lazy(() => import('./features/services/admin/CategoriesPage').then((m) => ({ default: m.CategoriesPage })));

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
          <Route path="/services" element={<ServicesPage />} />
          <Route path="/services/:ref" element={<ServiceDetailPage />} />
          <Route path="/kyc" element={<KycPage />} />
          <Route element={<RequireRole allowed={isStaff} />}>
            <Route path="/admin/users" element={<UsersPage />} />
            <Route path="/admin/kyc" element={<KycQueuePage />} />
            <Route path="/admin/kyc/:userId" element={<KycReviewPage />} />
          </Route>
          <Route element={<RequireRole allowed={isAdmin} />}>
            <Route path="/admin/activity" element={<AdminActivityPage />} />
            <Route path="/admin/services" element={<AdminServicesPage />} />
            <Route path="/admin/services/new" element={<ServiceEditorPage />} />
            <Route path="/admin/services/:id" element={<ServiceEditorPage />} />
            <Route path="/admin/service-categories" element={<ServiceCategoriesPage />} />
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
