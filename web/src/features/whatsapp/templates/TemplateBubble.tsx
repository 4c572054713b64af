import { Box, Paper, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { RenderedTemplate } from '../../../api/whatsapp-templates';
import { WhatsAppText } from './WhatsAppText';

const BUTTON_ICON: Record<string, string> = { QUICK_REPLY: '↩', URL: '↗', PHONE_NUMBER: '☎', COPY_CODE: '⧉', OTP: '⧉' };

/** A rendered template as it arrives on a phone: one chat bubble, its buttons underneath. */
export function TemplateBubble({ preview, label }: { preview: RenderedTemplate; label?: string }) {
  const { t } = useTranslation();
  const media = preview.header && preview.header.format !== 'TEXT' ? preview.header.format : null;
  return (
    <Box
      role="figure"
      aria-label={label ?? t('waTemplates.preview.title')}
      p="sm"
      style={{ background: '#efeae2', borderRadius: 'var(--mantine-radius-md)' }}
    >
      <Stack gap={4} maw={340}>
        <Paper radius="md" p="xs" shadow="xs" data-testid="template-bubble">
          {media ? (
            <Box
              mb="xs"
              h={120}
              bg="gray.2"
              style={{ borderRadius: 'var(--mantine-radius-sm)', display: 'grid', placeItems: 'center' }}
            >
              <Text size="sm" c="dimmed">
                {t(`waTemplates.headerFormats.${media}`, media)}
              </Text>
            </Box>
          ) : null}
          {preview.header?.text ? (
            <Text fw={700} size="sm" mb={4}>
              <WhatsAppText text={preview.header.text} />
            </Text>
          ) : null}
          <Text size="sm">
            <WhatsAppText text={preview.body || '…'} />
          </Text>
          {preview.footer ? (
            <Text size="xs" c="dimmed" mt={6}>
              {preview.footer}
            </Text>
          ) : null}
        </Paper>
        {preview.buttons.map((b, i) => (
          <Box
            key={i}
            bg="white"
            py={6}
            px="xs"
            style={{ borderRadius: 'var(--mantine-radius-md)', textAlign: 'center' }}
            title={b.url ?? b.phoneNumber ?? b.code}
          >
            <Text size="sm" c="blue.7" fw={500}>
              <span aria-hidden="true">{BUTTON_ICON[b.type] ?? '•'} </span>
              {b.text}
            </Text>
          </Box>
        ))}
      </Stack>
    </Box>
  );
}
