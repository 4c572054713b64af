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
import { MyApplicationsPage } from './features/applications/MyApplicationsPage'; // service applications
import { ApplicationPage } from './features/applications/ApplicationPage';
import { NotificationsPage } from './features/notifications/NotificationsPage'; // notifications + support
import { SupportPage } from './features/support/SupportPage';
import { NewTicketPage } from './features/support/NewTicketPage';
import { TicketPage } from './features/support/TicketPage';

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
// support: operators' ticket desk
const SupportQueuePage = lazy(() => import('./features/support/staff/SupportQueuePage').then((m) => ({ default: m.SupportQueuePage })));
const StaffTicketPage = lazy(() => import('./features/support/staff/StaffTicketPage').then((m) => ({ default: m.StaffTicketPage })));

// services catalogue: admin pages
const AdminServicesPage = lazy(() => import('./features/services/admin/AdminServicesPage').then((m) => ({ default: m.AdminServicesPage })));
const ServiceEditorPage = lazy(() => import('./features/services/admin/ServiceEditorPage').then((m) => ({ default: m.ServiceEditorPage })));
const ServiceCategoriesPage = lazy(() => import('./features/services/admin/CategoriesPage').then((m) => ({ default: m.CategoriesPage })));
// service applications: operators' work queue and walk-in filing
const WorkQueuePage = lazy(() => import('./features/applications/WorkQueuePage').then((m) => ({ default: m.WorkQueuePage })));
const WalkInPage = lazy(() => import('./features/applications/WalkInPage').then((m) => ({ default: m.WalkInPage })));

// whatsapp: numbers, API keys, usage and prices (a separate download: only WhatsApp customers open them)
const WaNumbersPage = lazy(() => import('./features/whatsapp/numbers/NumbersPage').then((m) => ({ default: m.NumbersPage })));
const WaKeysPage = lazy(() => import('./features/whatsapp/keys/KeysPage').then((m) => ({ default: m.KeysPage })));
const WaUsagePage = lazy(() => import('./features/whatsapp/usage/UsagePage').then((m) => ({ default: m.UsagePage })));
const WaPricesPage = lazy(() => import('./features/whatsapp/usage/PricesPage').then((m) => ({ default: m.PricesPage })));
const WaAdminPricesPage = lazy(() => import('./features/whatsapp/usage/AdminPricesPage').then((m) => ({ default: m.AdminPricesPage })));
const WaAdminUsagePage = lazy(() => import('./features/whatsapp/usage/AdminUsagePage').then((m) => ({ default: m.AdminUsagePage })));
// whatsapp: message templates
const WaTemplatesPage = lazy(() => import('./features/whatsapp/templates/TemplatesPage').then((m) => ({ default: m.TemplatesPage })));
const WaNewTemplatePage = lazy(() => import('./features/whatsapp/templates/NewTemplatePage').then((m) => ({ default: m.NewTemplatePage })));
const WaTemplatePage = lazy(() => import('./features/whatsapp/templates/TemplateDetailPage').then((m) => ({ default: m.TemplateDetailPage })));
// whatsapp: send a test message
const WaSendTestPage = lazy(() => import('./features/whatsapp/send/SendTestPage').then((m) => ({ default: m.SendTestPage })));
// whatsapp: message log, contacts and consent, "be the phone"
const WaMessageLogPage = lazy(() => import('./features/whatsapp/messages-log/MessageLogPage').then((m) => ({ default: m.MessageLogPage })));
const WaMessagePage = lazy(() => import('./features/whatsapp/messages-log/MessageDetailPage').then((m) => ({ default: m.MessageDetailPage })));
const WaContactsPage = lazy(() => import('./features/whatsapp/contacts/ContactsPage').then((m) => ({ default: m.ContactsPage })));
const WaContactPage = lazy(() => import('./features/whatsapp/contacts/ContactDetailPage').then((m) => ({ default: m.ContactDetailPage })));
const WaPhonePage = lazy(() => import('./features/whatsapp/phone/PhonePage').then((m) => ({ default: m.PhonePage })));
// whatsapp: team inbox and the owner's team
const WaInboxPage = lazy(() => import('./features/whatsapp/inbox/InboxPage').then((m) => ({ default: m.InboxPage })));
const WaTeamPage = lazy(() => import('./features/whatsapp/inbox/TeamPage').then((m) => ({ default: m.TeamPage })));
// whatsapp: customer webhooks
const WaWebhooksPage = lazy(() => import('./features/whatsapp/webhooks/WebhooksPage').then((m) => ({ default: m.WebhooksPage })));
const WaWebhookPage = lazy(() => import('./features/whatsapp/webhooks/EndpointDetailPage').then((m) => ({ default: m.EndpointDetailPage })));
// whatsapp: automations (welcome, away, keyword rules)
const WaAutomationsPage = lazy(() => import('./features/whatsapp/automations/AutomationsPage').then((m) => ({ default: m.AutomationsPage })));

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
          <Route path="/applications" element={<MyApplicationsPage />} />
          <Route path="/applications/:id" element={<ApplicationPage />} />
          <Route path="/whatsapp/numbers" element={<WaNumbersPage />} />
          <Route path="/whatsapp/keys" element={<WaKeysPage />} />
          <Route path="/whatsapp/usage" element={<WaUsagePage />} />
          <Route path="/whatsapp/prices" element={<WaPricesPage />} />
          <Route path="/whatsapp/templates" element={<WaTemplatesPage />} />
          <Route path="/whatsapp/templates/new" element={<WaNewTemplatePage />} />
          <Route path="/whatsapp/templates/:id" element={<WaTemplatePage />} />
          <Route path="/whatsapp/send" element={<WaSendTestPage />} />
          <Route path="/whatsapp/messages" element={<WaMessageLogPage />} />
          <Route path="/whatsapp/messages/:id" element={<WaMessagePage />} />
          <Route path="/whatsapp/contacts" element={<WaContactsPage />} />
          <Route path="/whatsapp/contacts/:id" element={<WaContactPage />} />
          <Route path="/whatsapp/phone" element={<WaPhonePage />} />
          <Route path="/whatsapp/inbox" element={<WaInboxPage />} />
          <Route path="/whatsapp/inbox/:conversationId" element={<WaInboxPage />} />
          <Route path="/whatsapp/team" element={<WaTeamPage />} />
          <Route path="/whatsapp/webhooks" element={<WaWebhooksPage />} />
          <Route path="/whatsapp/webhooks/:id" element={<WaWebhookPage />} />
          <Route path="/whatsapp/automations" element={<WaAutomationsPage />} />
          <Route path="/notifications" element={<NotificationsPage />} />
          <Route path="/support" element={<SupportPage />} />
          <Route path="/support/new" element={<NewTicketPage />} />
          <Route path="/support/tickets/:id" element={<TicketPage />} />
          <Route element={<RequireRole allowed={isStaff} />}>
            <Route path="/admin/users" element={<UsersPage />} />
            <Route path="/admin/kyc" element={<KycQueuePage />} />
            <Route path="/admin/kyc/:userId" element={<KycReviewPage />} />
            <Route path="/admin/applications" element={<WorkQueuePage />} />
            <Route path="/admin/applications/new" element={<WalkInPage />} />
            <Route path="/admin/applications/:id" element={<ApplicationPage />} />
            <Route path="/admin/support" element={<SupportQueuePage />} />
            <Route path="/admin/support/:id" element={<StaffTicketPage />} />
          </Route>
          <Route element={<RequireRole allowed={isAdmin} />}>
            <Route path="/admin/activity" element={<AdminActivityPage />} />
            <Route path="/admin/whatsapp/prices" element={<WaAdminPricesPage />} />
            <Route path="/admin/whatsapp/usage" element={<WaAdminUsagePage />} />
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
