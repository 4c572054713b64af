import { AppShell, Burger, Center, Container, Group, Loader, ScrollArea } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Suspense } from 'react';
import { Outlet } from 'react-router';
import { useTranslation } from 'react-i18next';
import { NotificationBell } from '../features/notifications/NotificationBell';
import { Brand } from './Brand';
import { LanguageSwitch } from './LanguageSwitch';
import { NavLinks } from './NavLinks';
import { SignOutButton } from './SignOutButton';

/** The signed-in shell: header with menu, language and sign-out; side navigation; page content. */
export function AppLayout() {
  const { t } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure(false);

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="sm" justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={t('nav.toggleMenu')}
              aria-expanded={opened}
              aria-controls="main-navigation"
            />
            <Brand />
          </Group>
          <Group gap="xs" wrap="nowrap">
            <NotificationBell />
            <LanguageSwitch />
            <SignOutButton />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="xs" id="main-navigation" component="nav" aria-label={t('nav.main')}>
        <ScrollArea type="scroll">
          <NavLinks onNavigate={close} />
        </ScrollArea>
      </AppShell.Navbar>

      <AppShell.Main>
        <Container size="lg" px={0}>
          <Suspense
            fallback={
              <Center py="xl">
                <Loader aria-label={t('common.loading')} />
              </Center>
            }
          >
            <Outlet />
          </Suspense>
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}
