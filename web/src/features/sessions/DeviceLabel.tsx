import { useDeviceName } from './useDeviceName';

/** Inline device summary; the full User-Agent is kept as a tooltip. */
export function DeviceLabel({ userAgent }: { userAgent: string | null | undefined }) {
  const deviceName = useDeviceName();
  return <span title={userAgent ?? undefined}>{deviceName(userAgent).name}</span>;
}
