import { ActionIcon, Button, Checkbox, Group, SegmentedControl, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { MediaType, Reply, ReplyType } from '../../../api/whatsapp-automations';
import { templatesApi } from '../../../api/whatsapp-templates';
import { useApi } from '../../../hooks/useApi';
import { templateValues, templateVariables, withVariables } from './replyText';

const MEDIA_TYPES: MediaType[] = ['image', 'video', 'audio', 'document'];

/** A reply of `type` with empty fields, to start editing from. */
export function emptyReply(type: ReplyType): Reply {
  switch (type) {
    case 'text':
      return { type, text: '' };
    case 'media':
      return { type, mediaType: 'image', link: '' };
    case 'buttons':
      return { type, body: '', buttons: [{ id: '', title: '' }] };
    case 'list':
      return { type, body: '', button: '', sections: [{ title: '', rows: [{ id: '', title: '' }] }] };
    case 'template':
      return { type, name: '', language: '' };
  }
}

/**
 * The reply as the server takes it: empty optional texts dropped, button and row ids taken from
 * their titles (a person's tap comes back with that id, so keyword rules can match it).
 */
export function cleanReply(r: Reply): Reply {
  const opt = (s: string | undefined) => (s?.trim() ? s.trim() : undefined);
  const strip = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  switch (r.type) {
    case 'text':
      return strip({ type: 'text', text: r.text, previewUrl: r.previewUrl || undefined });
    case 'media':
      return strip({ type: 'media', mediaType: r.mediaType, link: opt(r.link), mediaId: opt(r.mediaId), caption: r.mediaType === 'audio' ? undefined : opt(r.caption), filename: r.mediaType === 'document' ? opt(r.filename) : undefined });
    case 'buttons':
      return strip({ type: 'buttons', header: opt(r.header), body: r.body, footer: opt(r.footer), buttons: r.buttons.map((b) => ({ id: b.title.trim(), title: b.title.trim() })) });
    case 'list':
      return strip({
        type: 'list',
        header: opt(r.header),
        body: r.body,
        footer: opt(r.footer),
        button: r.button.trim(),
        sections: r.sections.map((s) => strip({ title: opt(s.title), rows: s.rows.map((row) => strip({ id: row.title.trim(), title: row.title.trim(), description: opt(row.description) })) })),
      });
    case 'template':
      return strip({ type: 'template', name: r.name, language: r.language, components: r.components?.length ? r.components : undefined });
  }
}

interface Props {
  numberId: string;
  value: Reply;
  onChange: (reply: Reply) => void;
  /** The kinds this reply may be (confirmations are text only). */
  types?: ReplyType[];
  error?: string | undefined;
}

function TemplateFields({ numberId, value, onChange }: { numberId: string; value: Extract<Reply, { type: 'template' }>; onChange: (r: Reply) => void }) {
  const { t } = useTranslation();
  const list = useApi((signal) => templatesApi.list({ numberId, status: 'APPROVED', limit: 100, offset: 0 }, signal), `automation-templates:${numberId}`);
  const items = list.data?.items ?? [];
  const key = value.name ? `${value.name}\n${value.language}` : null;
  const selected = items.find((tpl) => `${tpl.name}\n${tpl.language}` === key) ?? null;
  const variables = selected ? templateVariables(selected) : { format: 'POSITIONAL' as const, names: [] };
  const values = templateValues(value);
  return (
    <Stack gap="xs">
      <Select
        label={t('waAutomations.reply.template')}
        description={t('waAutomations.reply.templateHint')}
        placeholder={list.loading ? t('common.loading') : t('waAutomations.reply.templatePick')}
        searchable
        value={key}
        onChange={(v) => {
          const tpl = items.find((x) => `${x.name}\n${x.language}` === v);
          if (tpl) onChange({ type: 'template', name: tpl.name, language: tpl.language });
        }}
        data={items.map((tpl) => ({ value: `${tpl.name}\n${tpl.language}`, label: `${tpl.name} (${tpl.language}) · ${tpl.category}` }))}
        nothingFoundMessage={t('waAutomations.reply.noTemplates')}
      />
      {!list.loading && items.length === 0 ? (
        <Text size="xs" c="dimmed">
          {t('waAutomations.reply.noTemplates')}
        </Text>
      ) : null}
      {selected && variables.names.length > 0
        ? variables.names.map((name, i) => (
            <TextInput
              key={name}
              label={t('waAutomations.reply.variable', { name })}
              maxLength={1000}
              value={values[i] ?? ''}
              onChange={(e) => {
                const next = [...values];
                next[i] = e.currentTarget.value;
                onChange(withVariables(value, variables, next));
              }}
            />
          ))
        : null}
    </Stack>
  );
}

/** Edits one automated reply: text, media, reply buttons, a list, or an approved template. */
export function ReplyEditor({ numberId, value, onChange, types, error }: Props) {
  const { t } = useTranslation();
  const allowed: ReplyType[] = types ?? ['text', 'media', 'buttons', 'list', 'template'];
  const header = (v: { header?: string }, set: (h: string) => void) => (
    <TextInput label={t('waAutomations.reply.header')} maxLength={60} value={v.header ?? ''} onChange={(e) => set(e.currentTarget.value)} />
  );
  const footer = (v: { footer?: string }, set: (f: string) => void) => (
    <TextInput label={t('waAutomations.reply.footer')} maxLength={60} value={v.footer ?? ''} onChange={(e) => set(e.currentTarget.value)} />
  );

  return (
    <Stack gap="xs">
      {allowed.length > 1 ? (
        <SegmentedControl
          fullWidth
          size="xs"
          value={value.type}
          onChange={(type) => onChange(emptyReply(type as ReplyType))}
          data={allowed.map((type) => ({ value: type, label: t(`waAutomations.reply.types.${type}`) }))}
          aria-label={t('waAutomations.reply.type')}
        />
      ) : null}

      {value.type === 'text' ? (
        <>
          <Textarea label={t('waAutomations.reply.text')} autosize minRows={3} maxLength={4096} required value={value.text} error={error} onChange={(e) => onChange({ ...value, text: e.currentTarget.value })} />
          <Checkbox label={t('waAutomations.reply.previewUrl')} checked={Boolean(value.previewUrl)} onChange={(e) => onChange({ ...value, previewUrl: e.currentTarget.checked })} />
        </>
      ) : null}

      {value.type === 'media' ? (
        <>
          <Select
            label={t('waAutomations.reply.mediaType')}
            allowDeselect={false}
            value={value.mediaType}
            onChange={(v) => onChange({ ...value, mediaType: (v ?? 'image') as MediaType })}
            data={MEDIA_TYPES.map((m) => ({ value: m, label: t(`waAutomations.reply.media.${m}`) }))}
          />
          <SegmentedControl
            size="xs"
            value={value.mediaId !== undefined ? 'id' : 'link'}
            onChange={(v) => onChange(v === 'id' ? { ...value, link: undefined, mediaId: '' } : { ...value, mediaId: undefined, link: '' })}
            data={[
              { value: 'link', label: t('waAutomations.reply.byLink') },
              { value: 'id', label: t('waAutomations.reply.byId') },
            ]}
            aria-label={t('waAutomations.reply.source')}
          />
          {value.mediaId !== undefined ? (
            <TextInput label={t('waAutomations.reply.mediaId')} description={t('waAutomations.reply.mediaIdHint')} inputMode="numeric" maxLength={32} value={value.mediaId} error={error} onChange={(e) => onChange({ ...value, mediaId: e.currentTarget.value.replace(/\D/g, '') })} />
          ) : (
            <TextInput label={t('waAutomations.reply.link')} type="url" placeholder="https://" maxLength={2000} value={value.link ?? ''} error={error} onChange={(e) => onChange({ ...value, link: e.currentTarget.value })} />
          )}
          {value.mediaType !== 'audio' ? <TextInput label={t('waAutomations.reply.caption')} maxLength={1024} value={value.caption ?? ''} onChange={(e) => onChange({ ...value, caption: e.currentTarget.value })} /> : null}
          {value.mediaType === 'document' ? <TextInput label={t('waAutomations.reply.filename')} maxLength={240} value={value.filename ?? ''} onChange={(e) => onChange({ ...value, filename: e.currentTarget.value })} /> : null}
        </>
      ) : null}

      {value.type === 'buttons' ? (
        <>
          {header(value, (h) => onChange({ ...value, header: h }))}
          <Textarea label={t('waAutomations.reply.body')} autosize minRows={2} maxLength={1024} required value={value.body} error={error} onChange={(e) => onChange({ ...value, body: e.currentTarget.value })} />
          {footer(value, (f) => onChange({ ...value, footer: f }))}
          {value.buttons.map((b, i) => (
            <Group key={i} gap="xs" wrap="nowrap" align="flex-end">
              <TextInput
                style={{ flex: 1 }}
                label={t('waAutomations.reply.button', { n: i + 1 })}
                maxLength={20}
                required
                value={b.title}
                onChange={(e) => onChange({ ...value, buttons: value.buttons.map((x, j) => (j === i ? { id: e.currentTarget.value, title: e.currentTarget.value } : x)) })}
              />
              <ActionIcon variant="light" color="red" size="lg" disabled={value.buttons.length === 1} onClick={() => onChange({ ...value, buttons: value.buttons.filter((_, j) => j !== i) })} aria-label={t('waAutomations.reply.removeButton', { n: i + 1 })}>
                ✕
              </ActionIcon>
            </Group>
          ))}
          {value.buttons.length < 3 ? (
            <Button variant="subtle" size="xs" onClick={() => onChange({ ...value, buttons: [...value.buttons, { id: '', title: '' }] })}>
              {t('waAutomations.reply.addButton')}
            </Button>
          ) : null}
        </>
      ) : null}

      {value.type === 'list' ? (
        <>
          {header(value, (h) => onChange({ ...value, header: h }))}
          <Textarea label={t('waAutomations.reply.body')} autosize minRows={2} maxLength={1024} required value={value.body} error={error} onChange={(e) => onChange({ ...value, body: e.currentTarget.value })} />
          {footer(value, (f) => onChange({ ...value, footer: f }))}
          <TextInput label={t('waAutomations.reply.listButton')} description={t('waAutomations.reply.listButtonHint')} maxLength={20} required value={value.button} onChange={(e) => onChange({ ...value, button: e.currentTarget.value })} />
          {value.sections[0]!.rows.map((row, i) => {
            const setRow = (patch: Partial<typeof row>) =>
              onChange({ ...value, sections: [{ ...value.sections[0]!, rows: value.sections[0]!.rows.map((x, j) => (j === i ? { ...x, ...patch } : x)) }] });
            return (
              <Group key={i} gap="xs" wrap="nowrap" align="flex-end">
                <TextInput style={{ flex: 1 }} label={t('waAutomations.reply.row', { n: i + 1 })} maxLength={24} required value={row.title} onChange={(e) => setRow({ id: e.currentTarget.value, title: e.currentTarget.value })} />
                <TextInput style={{ flex: 1 }} label={t('waAutomations.reply.rowDescription')} maxLength={72} value={row.description ?? ''} onChange={(e) => setRow({ description: e.currentTarget.value })} />
                <ActionIcon
                  variant="light"
                  color="red"
                  size="lg"
                  disabled={value.sections[0]!.rows.length === 1}
                  onClick={() => onChange({ ...value, sections: [{ ...value.sections[0]!, rows: value.sections[0]!.rows.filter((_, j) => j !== i) }] })}
                  aria-label={t('waAutomations.reply.removeRow', { n: i + 1 })}
                >
                  ✕
                </ActionIcon>
              </Group>
            );
          })}
          {value.sections[0]!.rows.length < 10 ? (
            <Button variant="subtle" size="xs" onClick={() => onChange({ ...value, sections: [{ ...value.sections[0]!, rows: [...value.sections[0]!.rows, { id: '', title: '' }] }] })}>
              {t('waAutomations.reply.addRow')}
            </Button>
          ) : null}
        </>
      ) : null}

      {value.type === 'template' ? <TemplateFields numberId={numberId} value={value} onChange={onChange} /> : null}
      {value.type === 'template' && error ? (
        <Text size="sm" c="red">
          {error}
        </Text>
      ) : null}
    </Stack>
  );
}
