import { Group, Pagination, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * One page of a paged list: the result count (announced to screen readers), the items or an
 * "empty" line, and page buttons when there is more than one page.
 */
export function PagedResults(props: {
  total: number;
  empty: boolean;
  countText: string;
  emptyText: string;
  page: number;
  pageSize: number;
  onPage: (page: number) => void;
  pageLabel?: string;
  children: ReactNode;
}) {
  return (
    <Stack>
      <Text size="sm" c="dimmed" role="status">
        {props.countText}
      </Text>
      {props.empty ? <Text c="dimmed">{props.emptyText}</Text> : props.children}
      {props.total > props.pageSize ? (
        <Group justify="center">
          <Pagination
            total={Math.ceil(props.total / props.pageSize)}
            value={props.page}
            onChange={props.onPage}
            size="sm"
            {...(props.pageLabel ? { 'aria-label': props.pageLabel } : {})}
          />
        </Group>
      ) : null}
    </Stack>
  );
}
