import { Button, Checkbox, Group, Modal, Radio, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ALL_EVENTS, webhooksApi, type EndpointFormat, type EventType, type WebhookEndpoint, type WebhookNumber } from '../../../api/whatsapp-webhooks';
import { FormError } from '../../../components/FormError';
import { useForm } from '../../../hooks/useForm';
import { useSubmit } from '../../../hooks/useSubmit';
import { numberName, useEventTypeLabel } from './labels';

/** What a new endpoint receives unless changed. */
const DEFAULT_TYPES: EventType[] = ['message.received', 'message.status'];

const checkUrl = (value: string): string | null => {
  const v = value.trim();
  if (!v) return 'validation.required';
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:' ? null : 'waWebhooks.form.urlScheme';
  } catch {
    return 'waWebhooks.form.urlInvalid';
  }
};

/** Register an endpoint, or change one: URL, what it receives, for which numbers, in which format. */
export function EndpointFormModal({
  opened,
  endpoint,
  eventTypes,
  numbers,
  onClose,
  onSaved,
}: {
  opened: boolean;
  /** The endpoint being changed; absent = a new one. */
  endpoint?: WebhookEndpoint;
  eventTypes: string[];
  numbers: WebhookNumber[];
  onClose: () => void;
  onSaved: (saved: { endpoint: WebhookEndpoint; secret?: string }) => void;
}) {
  const { t } = useTranslation();
  const typeLabel = useEventTypeLabel();
  const form = useForm({ url: endpoint?.url ?? '', description: endpoint?.description ?? '' }, { url: checkUrl });
  const [allEvents, setAllEvents] = useState(endpoint ? endpoint.eventTypes.includes(ALL_EVENTS) : false);
  const [types, setTypes] = useState<string[]>(endpoint && !endpoint.eventTypes.includes(ALL_EVENTS) ? endpoint.eventTypes : DEFAULT_TYPES);
  const [allNumbers, setAllNumbers] = useState(endpoint ? endpoint.numberIds === null : true);
  const [numberIds, setNumberIds] = useState<string[]>(endpoint?.numberIds ?? []);
  const [format, setFormat] = useState<EndpointFormat>(endpoint?.format ?? 'standard');
  const [localError, setLocalError] = useState<string | null>(null);

  const submit = useSubmit(
    async () => {
      const input = {
        url: form.values.url.trim(),
        description: form.values.description.trim(),
        eventTypes: allEvents ? [ALL_EVENTS] : types,
        numberIds: allNumbers ? null : numberIds,
        format,
      };
      onSaved(endpoint ? await webhooksApi.update(endpoint.id, input) : await webhooksApi.create(input));
    },
    (err) => form.showServerErrors(err),
  );

  const run = () => {
    setLocalError(null);
    if (!form.validate()) return;
    if (!allEvents && types.length === 0) return setLocalError(t('waWebhooks.form.needEvent'));
    if (!allNumbers && numberIds.length === 0) return setLocalError(t('waWebhooks.form.needNumber'));
    void submit.run();
  };

  return (
    <Modal opened={opened} onClose={onClose} title={t(endpoint ? 'waWebhooks.form.editTitle' : 'waWebhooks.form.createTitle')} centered size="lg">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          run();
        }}
      >
        <Stack gap="sm">
          <FormError error={localError ? null : form.serverErrorShownInFields ? null : submit.error} />
          {localError ? (
            <Text c="red" size="sm" role="alert">
              {localError}
            </Text>
          ) : null}
          <TextInput
            label={t('waWebhooks.fields.url')}
            description={t('waWebhooks.form.urlHint')}
            placeholder="https://example.com/webhooks/whatsapp"
            type="url"
            inputMode="url"
            autoComplete="off"
            required
            maxLength={2000}
            data-autofocus
            {...form.field('url')}
          />
          <TextInput label={t('waWebhooks.fields.description')} maxLength={200} {...form.field('description')} />
          <Checkbox label={t('waWebhooks.form.allEvents')} description={t('waWebhooks.form.allEventsHint')} checked={allEvents} onChange={(e) => setAllEvents(e.currentTarget.checked)} />
          {!allEvents ? (
            <Checkbox.Group label={t('waWebhooks.fields.eventTypes')} value={types} onChange={setTypes}>
              <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs" mt="xs">
                {eventTypes.map((type) => (
                  <Checkbox key={type} value={type} label={typeLabel(type)} description={type} />
                ))}
              </SimpleGrid>
            </Checkbox.Group>
          ) : null}
          <Radio.Group label={t('waWebhooks.fields.numbers')} value={allNumbers ? 'all' : 'some'} onChange={(v) => setAllNumbers(v === 'all')}>
            <Stack gap="xs" mt="xs">
              <Radio value="all" label={t('waWebhooks.allNumbers')} />
              <Radio value="some" label={t('waWebhooks.form.someNumbers')} disabled={numbers.length === 0} />
            </Stack>
          </Radio.Group>
          {!allNumbers ? (
            <Checkbox.Group value={numberIds} onChange={setNumberIds} aria-label={t('waWebhooks.fields.numbers')}>
              <Stack gap="xs" pl="lg">
                {numbers.map((n) => (
                  <Checkbox key={n.id} value={n.id} label={numberName(n)} description={n.displayPhoneNumber ?? n.phoneNumberId} />
                ))}
              </Stack>
            </Checkbox.Group>
          ) : null}
          <Radio.Group label={t('waWebhooks.fields.format')} value={format} onChange={(v) => setFormat(v === 'meta' ? 'meta' : 'standard')}>
            <Stack gap="xs" mt="xs">
              <Radio value="standard" label={t('waWebhooks.format.standard')} description={t('waWebhooks.format.standardHint')} />
              <Radio value="meta" label={t('waWebhooks.format.meta')} description={t('waWebhooks.format.metaHint')} />
            </Stack>
          </Radio.Group>
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose} disabled={submit.busy}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={submit.busy}>
              {t(endpoint ? 'waWebhooks.form.save' : 'waWebhooks.form.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
