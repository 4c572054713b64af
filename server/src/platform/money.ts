/** Indian digit grouping of whole paise as rupees: 123456789 → "12,34,567.89". */
export function formatRupees(paise: number): string {
  const sign = paise < 0 ? '-' : '';
  const abs = Math.abs(paise);
  const rupees = Math.floor(abs / 100);
  const p = String(abs % 100).padStart(2, '0');
  return `${sign}${new Intl.NumberFormat('en-IN', { maximumFractionDigits: 0 }).format(rupees)}.${p}`;
}
