import { ActionIcon, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';

interface Props {
  /** Names the item in the buttons' accessible labels ("Move Field 2 up"). */
  name: string;
  index: number;
  count: number;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}

/** Move up, move down and remove buttons for one item of an editable list. */
export function ItemActions({ name, index, count, onMove, onRemove }: Props) {
  const { t } = useTranslation();
  return (
    <Group gap={4} wrap="nowrap">
      <ActionIcon variant="default" size="lg" disabled={index === 0} onClick={() => onMove(-1)} aria-label={t('adminServices.moveUp', { name })}>
        ↑
      </ActionIcon>
      <ActionIcon variant="default" size="lg" disabled={index === count - 1} onClick={() => onMove(1)} aria-label={t('adminServices.moveDown', { name })}>
        ↓
      </ActionIcon>
      <ActionIcon variant="light" color="red" size="lg" onClick={onRemove} aria-label={t('adminServices.remove', { name })}>
        ✕
      </ActionIcon>
    </Group>
  );
}
