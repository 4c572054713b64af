import type { TFunction } from 'i18next';

/** "86.31" paise → 86310 milli-paise, or null when it is not paise with at most 3 decimals. */
export function millipaise(paise: string): number | null {
  const m = /^([0-9]{1,9})(?:\.([0-9]{1,3}))?$/.exec(paise.trim());
  return m ? Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0')) : null;
}

/** "20" or "12.5" percent → basis points, or null (at most 2 decimals, 0–1000 %). */
export function percentToBps(percent: string): number | null {
  const m = /^([0-9]{1,4})(?:\.([0-9]{1,2}))?$/.exec(percent.trim());
  if (!m) return null;
  const bps = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return bps <= 100_000 ? bps : null;
}

/** What the wallet is charged: Meta's rate plus the markup, rounded up to the paisa (as the server computes it). */
export function customerPrice(rateMillipaise: number, markupBps: number): number {
  return Number((BigInt(rateMillipaise) * BigInt(10_000 + markupBps) + 9_999_999n) / 10_000_000n);
}

/** Milli-paise as paise with up to 3 decimals: 86310 → "86.31". */
export const formatMillipaise = (m: number): string => (m / 1000).toLocaleString('en-IN', { maximumFractionDigits: 3 });

export const formatBps = (bps: number): string => `${(bps / 100).toLocaleString('en-IN', { maximumFractionDigits: 2 })} %`;

/** A calling code as people know it: India, every other country, or "+44". */
export function countryLabel(t: TFunction, code: string): string {
  if (code === '*') return t('waPrices.otherCountries');
  if (code === '91') return t('waPrices.india');
  return `+${code}`;
}
