import { Button, Card, Group, Menu, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PhoneMessage, PhoneReply } from '../../../api/whatsapp-inbox';
import { formatDateTime } from '../../../lib/format';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj) : []);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** What a message says, as the phone shows it: business messages are Cloud API requests, the person's are webhook messages. */
export function bubbleText(m: PhoneMessage, t: (k: string, o?: Record<string, unknown>) => string): string {
  const c = m.content;
  switch (m.type) {
    case 'text':
      return text(obj(c.text).body);
    case 'template': {
      const tpl = obj(c.template);
      const params = list(tpl.components)
        .flatMap((comp) => list(comp.parameters))
        .map((p) => text(p.text) || text(obj(p.currency).fallback_value) || text(obj(p.date_time).fallback_value) || text(p.payload))
        .filter(Boolean);
      return t('waPhone.template', { name: text(tpl.name), params: params.join(', ') || '—' });
    }
    case 'interactive': {
      const i = obj(c.interactive);
      if (i.type === 'button_reply') return text(obj(i.button_reply).title);
      if (i.type === 'list_reply') return text(obj(i.list_reply).title);
      return [text(obj(i.header).text), text(obj(i.body).text), text(obj(i.footer).text)].filter(Boolean).join('\n');
    }
    case 'button':
      return text(obj(c.button).text);
    case 'image':
    case 'video':
    case 'document':
    case 'audio':
    case 'sticker':
      return `[${t(`waLog.types.${m.type}`)}] ${text(obj(c[m.type]).caption) || text(obj(c[m.type]).filename)}`.trim();
    case 'location': {
      const l = obj(c.location);
      return `📍 ${[text(l.name), text(l.address)].filter(Boolean).join(', ') || `${String(l.latitude)}, ${String(l.longitude)}`}`;
    }
    case 'reaction':
      return text(obj(c.reaction).emoji);
    case 'contacts':
      return list(c.contacts).map((x) => text(obj(x.name).formatted_name)).join(', ');
    default:
      return `[${m.type}]`;
  }
}

/** Reply buttons, list rows, or a quick-reply of a template, for the person to tap. */
function Actions({ m, onReply }: { m: PhoneMessage; onReply: (r: PhoneReply) => void }) {
  const { t } = useTranslation();
  const [quick, setQuick] = useState('');
  const c = m.content;
  if (m.type === 'interactive') {
    const i = obj(c.interactive);
    const action = obj(i.action);
    if (i.type === 'button') {
      return (
        <Group gap={4} mt={4}>
          {list(action.buttons).map((b) => {
            const reply = obj(b.reply);
            return (
              <Button key={text(reply.id)} size="compact-xs" variant="light" onClick={() => onReply({ kind: 'button_reply', replyTo: m.id, id: text(reply.id), title: text(reply.title) })}>
                {text(reply.title)}
              </Button>
            );
          })}
        </Group>
      );
    }
    if (i.type === 'list') {
      return (
        <Menu position="bottom-start" withinPortal>
          <Menu.Target>
            <Button size="compact-xs" variant="light" mt={4}>
              {text(action.button) || t('waPhone.chooseFromList')}
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            {list(action.sections).map((s, si) => (
              <div key={si}>
                {text(s.title) ? <Menu.Label>{text(s.title)}</Menu.Label> : null}
                {list(s.rows).map((r) => (
                  <Menu.Item key={text(r.id)} onClick={() => onReply({ kind: 'list_reply', replyTo: m.id, id: text(r.id), title: text(r.title), ...(text(r.description) ? { description: text(r.description) } : {}) })}>
                    {text(r.title)}
                  </Menu.Item>
                ))}
              </div>
            ))}
          </Menu.Dropdown>
        </Menu>
      );
    }
    return null;
  }
  if (m.type === 'template') {
    const payloads = list(obj(c.template).components)
      .filter((comp) => comp.type === 'button' && comp.sub_type === 'quick_reply')
      .flatMap((comp) => list(comp.parameters).map((p) => text(p.payload)))
      .filter(Boolean);
    return (
      <Stack gap={4} mt={4}>
        {payloads.length ? (
          <Group gap={4}>
            {payloads.map((p) => (
              <Button key={p} size="compact-xs" variant="light" onClick={() => onReply({ kind: 'button', replyTo: m.id, payload: p, text: p })}>
                {p}
              </Button>
            ))}
          </Group>
        ) : null}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!quick.trim()) return;
            onReply({ kind: 'button', replyTo: m.id, payload: quick.trim(), text: quick.trim() });
            setQuick('');
          }}
        >
          <Group gap={4} wrap="nowrap">
            <TextInput size="xs" aria-label={t('waPhone.quickReply')} placeholder={t('waPhone.quickReply')} maxLength={256} value={quick} onChange={(e) => setQuick(e.currentTarget.value)} style={{ flex: 1 }} />
            <Button size="compact-xs" type="submit" variant="default">
              {t('waPhone.tap')}
            </Button>
          </Group>
        </form>
      </Stack>
    );
  }
  return null;
}

/** One message on the simulated phone: the business's on the left, the person's own on the right. */
export function PhoneBubble({ m, onReply }: { m: PhoneMessage; onReply: (r: PhoneReply) => void }) {
  const { t } = useTranslation();
  const mine = m.direction === 'inbound';
  return (
    <Group justify={mine ? 'flex-end' : 'flex-start'}>
      <Card padding="xs" radius="md" withBorder maw="85%" bg={mine ? 'teal.0' : undefined} aria-label={mine ? t('waPhone.sentByPerson') : t('waPhone.fromBusiness')}>
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {bubbleText(m, t)}
        </Text>
        {!mine ? <Actions m={m} onReply={onReply} /> : null}
        <Text size="xs" c="dimmed" ta="right" mt={2}>
          {formatDateTime(m.createdAt)}
          {!mine ? ` · ${t(`waLog.statuses.${m.status}`, m.status)}` : ''}
          {m.errorCode ? ` · ${m.errorCode}` : ''}
        </Text>
      </Card>
    </Group>
  );
}
