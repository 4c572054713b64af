import { Anchor, Box, Group, Text } from '@mantine/core';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import classes from './Brand.module.css';

export function Brand({ to = '/' }: { to?: string }) {
  const { t } = useTranslation();
  return (
    <Anchor component={Link} to={to} underline="never" c="inherit" aria-label={t('app.name')}>
      <Group gap={8} wrap="nowrap">
        <Box className={classes.mark} aria-hidden>
          से
        </Box>
        <Text fw={700} visibleFrom="xs" className={classes.name}>
          {t('app.name')}
        </Text>
      </Group>
    </Anchor>
  );
}
