import { useTranslation } from 'react-i18next';
import { meApi } from '../../api/endpoints';
import { PageHeader } from '../../components/PageHeader';
import { ActivityList } from './ActivityList';
import { useActivityFeed } from './useActivityFeed';

export function ActivityPage() {
  const { t } = useTranslation();
  const feed = useActivityFeed((before, signal) => meApi.activity(before, 50, signal), 'me');
  return (
    <>
      <PageHeader title={t('activity.title')} description={t('activity.intro')} />
      <ActivityList feed={feed} emptyText={t('activity.empty')} />
    </>
  );
}
