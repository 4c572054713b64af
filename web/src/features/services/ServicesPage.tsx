import { Chip, Group, ScrollArea, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { servicesApi } from '../../api/services';
import { LoadState } from '../../components/LoadState';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { ServiceCard } from './ServiceCard';
import { useLocalized } from './localize';

const ALL = '';

/** The catalogue for customers: search in English or Hindi, filter by category, cards that open a service. */
export function ServicesPage() {
  const { t } = useTranslation();
  const local = useLocalized();
  // The search and category live in the address, so "back" from a service returns to the same list.
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const category = params.get('category') ?? ALL;
  const [q] = useDebouncedValue(search.trim(), 300);
  const categories = useApi((signal) => servicesApi.categories(signal), 'categories');
  const services = useApi((signal) => servicesApi.list({ q, category }, signal), JSON.stringify({ q, category }));

  const update = (next: { q?: string; category?: string }) => {
    const merged = { q: search, category, ...next };
    const out: Record<string, string> = {};
    if (merged.q) out.q = merged.q;
    if (merged.category) out.category = merged.category;
    setParams(out, { replace: true });
  };

  return (
    <>
      <PageHeader title={t('services.title')} description={t('services.intro')} />
      <Stack gap="md">
        <TextInput
          type="search"
          label={t('services.search')}
          placeholder={t('services.searchPlaceholder')}
          value={search}
          maxLength={100}
          onChange={(e) => update({ q: e.currentTarget.value })}
        />
        {categories.data && categories.data.items.length > 0 ? (
          <ScrollArea type="auto" offsetScrollbars scrollbarSize={4}>
            <Chip.Group multiple={false} value={category} onChange={(value) => update({ category: value })}>
              <Group gap="xs" wrap="nowrap" role="group" aria-label={t('services.category')}>
                <Chip value={ALL} size="sm">
                  {t('services.allCategories')}
                </Chip>
                {categories.data.items.map((c) => (
                  <Chip key={c.id} value={c.slug} size="sm">
                    {local(c.name)}
                  </Chip>
                ))}
              </Group>
            </Chip.Group>
          </ScrollArea>
        ) : null}
        <LoadState {...services}>
          {({ items, total }) =>
            items.length === 0 ? (
              <Text c="dimmed">{t('services.empty')}</Text>
            ) : (
              <Stack gap="sm">
                <Text size="sm" c="dimmed" role="status">
                  {t('services.count', { count: total })}
                </Text>
                <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
                  {items.map((s) => (
                    <ServiceCard key={s.id} service={s} />
                  ))}
                </SimpleGrid>
              </Stack>
            )
          }
        </LoadState>
      </Stack>
    </>
  );
}
