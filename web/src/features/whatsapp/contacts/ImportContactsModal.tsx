import { Alert, Button, Code, FileInput, Group, Modal, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { contactsApi, type ImportReport } from '../../../api/whatsapp-inbox';
import { FormError } from '../../../components/FormError';

const MAX_BYTES = 2_000_000;
const SAMPLE = 'name,phone,tags,opt_in_source,opt_in_evidence,opt_in_at\nAsha Devi,+91 98765 43210,VIP;Jaipur,paper form,"Signed the WhatsApp updates form at the shop",2026-11-01';

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

function Report({ report }: { report: ImportReport }) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm" aria-live="polite">
      <SimpleGrid cols={{ base: 2, xs: 4 }} spacing="xs">
        {(['created', 'updated', 'optIns', 'failed'] as const).map((k) => (
          <Stack key={k} gap={0}>
            <Text size="xs" c="dimmed">
              {t(`waContacts.import.${k}`)}
            </Text>
            <Text fw={700} c={k === 'failed' && report.failed ? 'red.8' : undefined}>
              {report[k]}
            </Text>
          </Stack>
        ))}
      </SimpleGrid>
      {report.ignoredColumns.length ? (
        <Text size="xs" c="dimmed">
          {t('waContacts.import.ignored', { columns: report.ignoredColumns.join(', ') })}
        </Text>
      ) : null}
      {report.problems.length ? (
        <>
          <Table verticalSpacing={4} striped aria-label={t('waContacts.import.problems')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('waContacts.import.line')}</Table.Th>
                <Table.Th>{t('waContacts.import.problem')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {report.problems.slice(0, 200).map((p) => (
                <Table.Tr key={p.line}>
                  <Table.Td>{p.line}</Table.Td>
                  <Table.Td>
                    <Text size="xs" c={p.status === 'error' ? 'red.8' : 'orange.8'} style={{ overflowWrap: 'anywhere' }}>
                      {p.phone ? `${p.phone}: ` : ''}
                      {[...p.errors, ...p.warnings].join(' ')}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {report.errorReportCsv ? (
            <Button variant="light" size="xs" onClick={() => download('contacts-import-report.csv', report.errorReportCsv!)}>
              {t('waContacts.import.downloadReport')}
            </Button>
          ) : null}
        </>
      ) : (
        <Alert color="teal">{t('waContacts.import.allGood')}</Alert>
      )}
    </Stack>
  );
}

/** CSV import of contacts (and their opt-ins with proof), with a report of every row that had a problem. */
export function ImportContactsModal({ opened, onClose, onImported }: { opened: boolean; onClose: () => void; onImported: () => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const tooBig = file !== null && file.size > MAX_BYTES;

  const submit = async () => {
    if (!file || tooBig) return;
    setBusy(true);
    setError(null);
    try {
      const r = await contactsApi.importCsv(await file.text());
      setReport(r);
      onImported();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const close = () => {
    setFile(null);
    setReport(null);
    setError(null);
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title={t('waContacts.import.title')} size="lg">
      <Stack>
        <Text size="sm">{t('waContacts.import.intro')}</Text>
        <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', fontSize: 11 }}>
          {SAMPLE}
        </Code>
        <FormError error={error} />
        <FileInput
          label={t('waContacts.import.file')}
          accept=".csv,text/csv"
          clearable
          value={file}
          onChange={(f) => {
            setFile(f);
            setReport(null);
          }}
          error={tooBig ? t('waContacts.import.tooBig') : undefined}
        />
        {report ? <Report report={report} /> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {t('common.close')}
          </Button>
          <Button onClick={() => void submit()} loading={busy} disabled={!file || tooBig}>
            {t('waContacts.import.submit')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
