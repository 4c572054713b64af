import { Anchor, Button, Card, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { CATEGORIES, LINK_TYPES, supportApi, type Attachment, type LinkType, type TicketCategory } from '../../api/support';
import { FormError } from '../../components/FormError';
import { PageHeader } from '../../components/PageHeader';
import { useSubmit } from '../../hooks/useSubmit';
import { fieldErrors, notifySuccess } from '../../lib/errors';
import { AttachmentPicker } from './AttachmentPicker';
import { GrievanceOfficerCard } from './GrievanceOfficerCard';

const isCategory = (v: string | null): v is TicketCategory => (CATEGORIES as readonly (string | null)[]).includes(v);
const isLinkType = (v: string | null): v is LinkType => (LINK_TYPES as readonly (string | null)[]).includes(v);

/** A new ticket: subject, category, message, optionally what it is about, and files. */
export function NewTicketPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [subject, setSubject] = useState('');
  const [category, setCategory] = useState<TicketCategory | null>(null);
  const [message, setMessage] = useState('');
  const [linkType, setLinkType] = useState<LinkType | ''>('');
  const [linkId, setLinkId] = useState('');
  const [files, setFiles] = useState<Attachment[]>([]);
  const [problems, setProblems] = useState<Record<string, string>>({});

  const submit = useSubmit(
    async () => {
      const view = await supportApi.open({
        subject: subject.trim(),
        category: category!,
        message: message.trim(),
        ...(linkType && linkId.trim() ? { link: { type: linkType, id: linkId.trim() } } : {}),
        attachmentIds: files.map((f) => f.id),
      });
      notifySuccess(t('support.form.created', { reference: view.ticket.reference }));
      void navigate(`/support/tickets/${view.ticket.id}`);
    },
    (err) => setProblems(fieldErrors(err)),
  );

  const validate = (): boolean => {
    const p: Record<string, string> = {};
    if (subject.trim().length < 3) p.subject = t('support.form.subjectShort');
    if (!category) p.category = t('support.form.categoryMissing');
    if (!message.trim()) p.message = t('support.form.messageMissing');
    if (linkType && !linkId.trim()) p['link.id'] = t('support.form.linkIdMissing');
    setProblems(p);
    return Object.keys(p).length === 0;
  };

  return (
    <>
      <PageHeader
        title={t('support.form.title')}
        description={
          <Anchor component={Link} to="/support" size="sm">
            {t('support.back')}
          </Anchor>
        }
      />
      <Stack gap="lg">
        <Card withBorder radius="md" padding="lg">
          <form
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              if (validate()) void submit.run();
            }}
          >
            <Stack>
              <FormError error={submit.error} />
              <TextInput label={t('support.form.subject')} required value={subject} onChange={(e) => setSubject(e.currentTarget.value)} maxLength={150} error={problems.subject} />
              <Select
                label={t('support.form.category')}
                required
                value={category}
                onChange={(v) => setCategory(isCategory(v) ? v : null)}
                data={CATEGORIES.map((c) => ({ value: c, label: t(`support.categories.${c}`) }))}
                error={problems.category}
                allowDeselect={false}
              />
              <Textarea
                label={t('support.form.message')}
                description={t('support.form.messageHint')}
                required
                value={message}
                onChange={(e) => setMessage(e.currentTarget.value)}
                maxLength={5000}
                autosize
                minRows={4}
                error={problems.message}
              />
              <Select
                label={t('support.form.about')}
                value={linkType}
                onChange={(v) => setLinkType(isLinkType(v) ? v : '')}
                data={[{ value: '', label: t('support.form.aboutNothing') }, ...LINK_TYPES.map((l) => ({ value: l, label: t(`support.linkTypes.${l}`) }))]}
                allowDeselect={false}
              />
              {linkType ? (
                <TextInput
                  label={t(`support.form.linkId.${linkType}`)}
                  description={t('support.form.linkIdHint')}
                  value={linkId}
                  onChange={(e) => setLinkId(e.currentTarget.value)}
                  maxLength={200}
                  error={problems['link.id']}
                />
              ) : null}
              <div>
                <Text size="sm" fw={500} mb={4}>
                  {t('support.attachments.title')}
                </Text>
                <AttachmentPicker value={files} onChange={setFiles} disabled={submit.busy} />
              </div>
              <Button type="submit" loading={submit.busy} w={{ base: '100%', xs: 'auto' }}>
                {t('support.form.submit')}
              </Button>
            </Stack>
          </form>
        </Card>
        <GrievanceOfficerCard />
      </Stack>
    </>
  );
}
