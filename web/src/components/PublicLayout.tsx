import { Box, Container, Group, Paper } from '@mantine/core';
import { Outlet } from 'react-router';
import { Brand } from './Brand';
import { LanguageSwitch } from './LanguageSwitch';

/** Frame of the pages used before signing in: a single card, comfortable on a phone. */
export function PublicLayout() {
  return (
    <Box mih="100dvh" bg="var(--mantine-color-gray-0)">
      <Group justify="space-between" px="md" h={56} wrap="nowrap" component="header">
        <Brand to="/login" />
        <LanguageSwitch />
      </Group>
      <Container size={460} px="sm" pb="xl" component="main">
        <Paper withBorder shadow="xs" radius="md" p={{ base: 'md', xs: 'xl' }} mt={{ base: 'xs', xs: 'xl' }}>
          <Outlet />
        </Paper>
      </Container>
    </Box>
  );
}
