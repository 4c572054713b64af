import { Divider, NavLink, Stack, Text } from '@mantine/core';
import { Link, useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { Role } from '../api/types';
import { isAdmin, isStaff, useUser } from '../auth/context';

interface Item {
  to: string;
  label: string;
  allowed: (role: Role) => boolean;
}

const everyone = () => true;

const MAIN: Item[] = [
  { to: '/', label: 'nav.dashboard', allowed: everyone },
  { to: '/services', label: 'nav.services', allowed: everyone },
  { to: '/applications', label: 'applications.nav.mine', allowed: everyone },
  { to: '/wallet', label: 'nav.wallet', allowed: everyone },
  { to: '/kyc', label: 'nav.kyc', allowed: everyone },
  { to: '/support', label: 'nav.support', allowed: everyone },
  { to: '/notifications', label: 'nav.notifications', allowed: everyone },
  { to: '/profile', label: 'nav.profile', allowed: everyone },
  { to: '/preferences', label: 'nav.preferences', allowed: everyone },
  { to: '/sessions', label: 'nav.sessions', allowed: everyone },
  { to: '/activity', label: 'nav.activity', allowed: everyone },
];

// whatsapp: the WhatsApp Business API section (features/whatsapp/*); append the section's other pages here
const WHATSAPP: Item[] = [
  { to: '/whatsapp/numbers', label: 'nav.waNumbers', allowed: everyone },
  { to: '/whatsapp/keys', label: 'nav.waKeys', allowed: everyone },
  { to: '/whatsapp/templates', label: 'nav.waTemplates', allowed: everyone },
  { to: '/whatsapp/usage', label: 'nav.waUsage', allowed: everyone },
  { to: '/whatsapp/prices', label: 'nav.waPrices', allowed: everyone },
  { to: '/whatsapp/send', label: 'nav.waSend', allowed: everyone },
  { to: '/whatsapp/messages', label: 'nav.waMessages', allowed: everyone },
  { to: '/whatsapp/contacts', label: 'nav.waContacts', allowed: everyone },
  { to: '/whatsapp/phone', label: 'nav.waPhone', allowed: everyone },
  { to: '/whatsapp/inbox', label: 'nav.waInbox', allowed: everyone },
  { to: '/whatsapp/team', label: 'nav.waTeam', allowed: everyone },
  { to: '/whatsapp/webhooks', label: 'nav.waWebhooks', allowed: everyone },
  { to: '/whatsapp/automations', label: 'nav.waAutomations', allowed: everyone },
];

const STAFF: Item[] = [
  { to: '/admin/users', label: 'nav.adminUsers', allowed: isStaff },
  { to: '/admin/applications', label: 'applications.nav.queue', allowed: isStaff },
  { to: '/admin/kyc', label: 'nav.adminKyc', allowed: isStaff },
  { to: '/admin/support', label: 'nav.adminSupport', allowed: isStaff },
  { to: '/admin/services', label: 'nav.adminServices', allowed: isAdmin },
  { to: '/admin/service-categories', label: 'nav.adminServiceCategories', allowed: isAdmin },
  { to: '/admin/activity', label: 'nav.adminActivity', allowed: isAdmin },
  { to: '/admin/whatsapp/prices', label: 'nav.adminWaPrices', allowed: isAdmin },
  { to: '/admin/whatsapp/usage', label: 'nav.adminWaUsage', allowed: isAdmin },
  { to: '/admin/wallets', label: 'nav.adminWallets', allowed: isAdmin },
  { to: '/admin/payments', label: 'nav.adminPayments', allowed: isAdmin },
  { to: '/admin/reconciliations', label: 'nav.adminReconciliations', allowed: isAdmin },
  { to: '/admin/mail', label: 'nav.adminMail', allowed: isAdmin },
];

function ItemLinks({ items, onNavigate }: { items: Item[]; onNavigate: () => void }) {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  return items.map((item) => {
    const active = item.to === '/' ? pathname === '/' : pathname.startsWith(item.to);
    return (
      <NavLink
        key={item.to}
        component={Link}
        to={item.to}
        label={t(item.label)}
        active={active}
        aria-current={active ? 'page' : undefined}
        onClick={onNavigate}
      />
    );
  });
}

/** The side navigation; staff and admin entries appear only for those roles. */
export function NavLinks({ onNavigate }: { onNavigate: () => void }) {
  const { t } = useTranslation();
  const { role } = useUser();
  const staffItems = STAFF.filter((item) => item.allowed(role));
  return (
    <Stack gap={2}>
      <ItemLinks items={MAIN} onNavigate={onNavigate} />
      <Divider my="sm" />
      <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pb={4}>
        {t('nav.whatsapp')}
      </Text>
      <ItemLinks items={WHATSAPP.filter((item) => item.allowed(role))} onNavigate={onNavigate} />
      {staffItems.length > 0 ? (
        <>
          <Divider my="sm" />
          <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pb={4}>
            {t('nav.staff')}
          </Text>
          <ItemLinks items={staffItems} onNavigate={onNavigate} />
        </>
      ) : null}
    </Stack>
  );
}
