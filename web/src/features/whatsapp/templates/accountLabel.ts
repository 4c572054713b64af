import type { TemplateAccount } from '../../../api/whatsapp-templates';

/** A business account named by its numbers, as people know it: "Shop (+1 555…)", or its id. */
export function accountLabel(a: TemplateAccount): string {
  const names = a.numbers.map((n) => n.label || n.verifiedName || n.displayPhoneNumber || '').filter(Boolean);
  const phones = a.numbers.map((n) => n.displayPhoneNumber).filter(Boolean);
  if (!names.length) return a.wabaId;
  return phones.length && names[0] !== phones[0] ? `${names[0]} (${phones.join(', ')})` : names.join(', ');
}
