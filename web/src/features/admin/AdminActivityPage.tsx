import { Button, Paper, Stack } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { withQuery } from '../../api/client';
import { ACTIVITY_CSV_PATH, adminApi } from '../../api/endpoints';
import { PageHeader } from '../../components/PageHeader';
import { ActivityList } from '../activity/ActivityList';
import { useActivityFeed } from '../activity/useActivityFeed';
import { ActivityFilterForm } from './ActivityFilterForm';
import { filtersFromParams, filtersToParams, toApiFilters } from './activityFilters';

/** The platform audit log for admins; the filters live in the URL so a view can be shared. */
export function AdminActivityPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const values = filtersFromParams(params);
  const apiFilters = toApiFilters(values);
  const key = JSON.stringify(apiFilters);
  const feed = useActivityFeed((before, signal) => adminApi.activity(apiFilters, before, 50, signal), key);

  return (
    <>
      <PageHeader
        title={t('admin.activity.title')}
        description={t('admin.activity.intro')}
        actions={
          <Button component="a" href={withQuery(ACTIVITY_CSV_PATH, { ...apiFilters })} download variant="light">
            {t('admin.activity.exportCsv')}
          </Button>
        }
      />
      <Stack>
        <Paper withBorder p="md" radius="md">
          <ActivityFilterForm key={params.toString()} initial={values} onApply={(v) => setParams(filtersToParams(v))} />
        </Paper>
        <ActivityList feed={feed} emptyText={t('admin.activity.empty')} staffView />
      </Stack>
    </>
  );
}
