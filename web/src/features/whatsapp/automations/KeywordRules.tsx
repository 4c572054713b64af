import { ActionIcon, Alert, Badge, Button, Card, Group, Stack, Switch, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { automationsApi, type Rule } from '../../../api/whatsapp-automations';
import { useConfirm } from '../../../hooks/useConfirm';
import { notifyError, notifySuccess } from '../../../lib/errors';
import { RuleModal } from './RuleModal';
import { replyLine } from './replyText';

interface Props {
  numberId: string;
  rules: Rule[];
  onChange: (rules: Rule[]) => void;
}

function RuleCard({ rule, index, count, busy, onEdit, onToggle, onMove, onDelete }: { rule: Rule; index: number; count: number; busy: boolean; onEdit: () => void; onToggle: (on: boolean) => void; onMove: (by: -1 | 1) => void; onDelete: () => void }) {
  const { t } = useTranslation();
  const name = rule.name || rule.patterns.join(', ');
  return (
    <Card withBorder radius="md" padding="sm" component="li" aria-label={name}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Stack gap={2} style={{ minWidth: 0 }}>
            <Group gap={6}>
              <Text size="xs" c="dimmed">
                {index + 1}.
              </Text>
              <Text fw={600} size="sm" style={{ overflowWrap: 'anywhere' }}>
                {name}
              </Text>
              <Badge size="xs" variant="light">
                {t(`waAutomations.match.${rule.matchType ?? 'exact'}`)}
              </Badge>
            </Group>
            <Group gap={4}>
              {rule.patterns.map((p) => (
                <Badge key={p} size="sm" variant="outline" tt="none" style={{ maxWidth: '100%' }}>
                  {p}
                </Badge>
              ))}
            </Group>
          </Stack>
          <Switch checked={rule.enabled && !rule.stoppedAt} disabled={busy} onChange={(e) => onToggle(e.currentTarget.checked)} aria-label={t('waAutomations.enableNamed', { name })} />
        </Group>
        {rule.reply ? (
          <Text size="sm" lineClamp={2} style={{ overflowWrap: 'anywhere' }}>
            ↩ {replyLine(rule.reply, t)}
          </Text>
        ) : null}
        {rule.addTags.length ? (
          <Group gap={4}>
            <Text size="xs" c="dimmed">
              {t('waAutomations.rule.tagsShort')}
            </Text>
            {rule.addTags.map((tag) => (
              <Badge key={tag} size="xs" color="grape" variant="light">
                {tag}
              </Badge>
            ))}
          </Group>
        ) : null}
        {rule.stoppedAt ? (
          <Alert color="orange" p="xs" title={t('waAutomations.stopped')}>
            <Text size="xs">{rule.stoppedReason}</Text>
          </Alert>
        ) : null}
        <Group justify="space-between" gap={4}>
          <Group gap={4} wrap="nowrap">
            <ActionIcon variant="default" size="lg" disabled={busy || index === 0} onClick={() => onMove(-1)} aria-label={t('waAutomations.rule.moveUp', { name })}>
              ↑
            </ActionIcon>
            <ActionIcon variant="default" size="lg" disabled={busy || index === count - 1} onClick={() => onMove(1)} aria-label={t('waAutomations.rule.moveDown', { name })}>
              ↓
            </ActionIcon>
          </Group>
          <Group gap={4}>
            <Button size="xs" variant="light" onClick={onEdit}>
              {t('waAutomations.rule.editShort')}
            </Button>
            <Button size="xs" variant="subtle" color="red" disabled={busy} onClick={onDelete}>
              {t('waAutomations.rule.delete')}
            </Button>
          </Group>
        </Group>
      </Stack>
    </Card>
  );
}

/** The keyword rules of a number, in the order they are tried: add, edit, switch, reorder, delete. */
export function KeywordRules({ numberId, rules, onChange }: Props) {
  const { t } = useTranslation();
  const confirm = useConfirm();
  const [editing, setEditing] = useState<Rule | 'new' | null>(null);
  const [busy, setBusy] = useState(false);

  const act = async (work: () => Promise<Rule[]>) => {
    setBusy(true);
    try {
      onChange(await work());
    } catch (err) {
      notifyError(err);
    } finally {
      setBusy(false);
    }
  };
  const replace = (saved: Rule) => (rules.some((r) => r.id === saved.id) ? rules.map((r) => (r.id === saved.id ? saved : r)) : [...rules, saved]);

  const move = (index: number, by: -1 | 1) => {
    const ids = rules.map((r) => r.id);
    const [id] = ids.splice(index, 1);
    ids.splice(index + by, 0, id!);
    void act(async () => (await automationsApi.reorder(numberId, ids)).rules.filter((r) => r.kind === 'keyword'));
  };

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text size="sm" c="dimmed" style={{ flex: 1, minWidth: 200 }}>
          {t('waAutomations.rule.intro')}
        </Text>
        <Button onClick={() => setEditing('new')}>{t('waAutomations.rule.add')}</Button>
      </Group>
      {rules.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t('waAutomations.rule.empty')}
        </Text>
      ) : (
        <Stack gap="xs" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label={t('waAutomations.tabs.keywords')}>
          {rules.map((rule, i) => (
            <RuleCard
              key={rule.id}
              rule={rule}
              index={i}
              count={rules.length}
              busy={busy}
              onEdit={() => setEditing(rule)}
              onMove={(by) => move(i, by)}
              onToggle={(on) => void act(async () => replace((await automationsApi.updateRule(numberId, rule.id, { enabled: on })).rule))}
              onDelete={() =>
                confirm({
                  title: t('waAutomations.rule.deleteTitle'),
                  body: t('waAutomations.rule.deleteBody', { name: rule.name || rule.patterns.join(', ') }),
                  confirmLabel: t('waAutomations.rule.delete'),
                  danger: true,
                  onConfirm: () =>
                    act(async () => {
                      await automationsApi.deleteRule(numberId, rule.id);
                      notifySuccess(t('waAutomations.rule.deleted'));
                      return rules.filter((r) => r.id !== rule.id);
                    }),
                })
              }
            />
          ))}
        </Stack>
      )}
      {editing ? (
        <RuleModal
          numberId={numberId}
          rule={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            onChange(replace(saved));
            notifySuccess(t('waAutomations.saved'));
          }}
        />
      ) : null}
    </Stack>
  );
}
