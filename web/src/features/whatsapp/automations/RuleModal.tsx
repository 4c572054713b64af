import { Button, Checkbox, Group, Modal, SegmentedControl, Stack, Switch, TagsInput, Text, TextInput } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { automationsApi, type MatchType, type Reply, type Rule } from '../../../api/whatsapp-automations';
import { FormError } from '../../../components/FormError';
import { useSubmit } from '../../../hooks/useSubmit';
import { fieldErrors } from '../../../lib/errors';
import { ReplyEditor, cleanReply, emptyReply } from './ReplyEditor';

interface Props {
  numberId: string;
  /** The rule to edit; undefined adds a new one. */
  rule: Rule | undefined;
  onClose: () => void;
  onSaved: (rule: Rule) => void;
}

/** Adds or edits a keyword rule: what it matches, how, and what it does (reply, tags, or both). */
export function RuleModal({ numberId, rule, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const [name, setName] = useState(rule?.name ?? '');
  const [matchType, setMatchType] = useState<MatchType>(rule?.matchType ?? 'contains');
  const [patterns, setPatterns] = useState<string[]>(rule?.patterns ?? []);
  const [replies, setReplies] = useState(rule ? rule.reply !== null : true);
  const [reply, setReply] = useState<Reply>(rule?.reply ?? emptyReply('text'));
  const [tags, setTags] = useState<string[]>(rule?.addTags ?? []);
  const [enabled, setEnabled] = useState(rule?.enabled ?? true);
  const [problem, setProblem] = useState<string | null>(null);
  // A phone gets the whole screen for the form.
  const phone = useMediaQuery('(max-width: 36em)');

  const save = useSubmit(async () => {
    const input = { name: name.trim(), enabled, matchType, patterns, reply: replies ? cleanReply(reply) : null, addTags: tags };
    const { rule: saved } = rule ? await automationsApi.updateRule(numberId, rule.id, input) : await automationsApi.createRule(numberId, input);
    onSaved(saved);
  });
  const fields = fieldErrors(save.error);
  const patternError = Object.entries(fields).find(([f]) => f.startsWith('patterns'))?.[1];

  const submit = () => {
    if (!patterns.length) return setProblem(t('waAutomations.rule.patternsRequired'));
    if (!replies && !tags.length) return setProblem(t('waAutomations.rule.actionRequired'));
    setProblem(null);
    void save.run();
  };

  return (
    <Modal opened onClose={onClose} title={rule ? t('waAutomations.rule.edit') : t('waAutomations.rule.add')} size="lg" fullScreen={phone}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Stack gap="sm">
          <TextInput label={t('waAutomations.rule.name')} maxLength={80} value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <div>
            <Text size="sm" fw={500} mb={4}>
              {t('waAutomations.rule.matchType')}
            </Text>
            <SegmentedControl
              fullWidth
              value={matchType}
              onChange={(v) => setMatchType(v as MatchType)}
              data={(['exact', 'contains', 'regex'] as const).map((m) => ({ value: m, label: t(`waAutomations.match.${m}`) }))}
              aria-label={t('waAutomations.rule.matchType')}
            />
            <Text size="xs" c="dimmed" mt={4}>
              {t(`waAutomations.matchHints.${matchType}`)}
            </Text>
          </div>
          <TagsInput
            label={matchType === 'regex' ? t('waAutomations.rule.regexes') : t('waAutomations.rule.keywords')}
            description={t('waAutomations.rule.keywordsHint')}
            maxTags={20}
            splitChars={matchType === 'regex' ? [] : [',']}
            value={patterns}
            onChange={setPatterns}
            error={patternError}
          />
          <Switch label={t('waAutomations.rule.replies')} checked={replies} onChange={(e) => setReplies(e.currentTarget.checked)} />
          {replies ? <ReplyEditor numberId={numberId} value={reply} onChange={setReply} error={fields.reply} /> : null}
          <TagsInput label={t('waAutomations.rule.tags')} description={t('waAutomations.rule.tagsHint')} maxTags={10} value={tags} onChange={setTags} />
          <Checkbox label={t('waAutomations.rule.enabled')} checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
          {problem ? (
            <Text c="red" size="sm" role="alert">
              {problem}
            </Text>
          ) : null}
          <FormError error={save.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.busy}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
