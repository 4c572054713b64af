import type { Queryable } from '../../db/index.js';
import type { LinkType } from './support.rules.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Meta's message ids: "wamid." and base64-ish characters.
const WAMID = /^wamid\.[A-Za-z0-9_=+/-]{8,190}$/;

async function tableExists(q: Queryable, table: string): Promise<boolean> {
  const rows = await q.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [`public.${table}`]);
  return Boolean(rows[0]?.t);
}

/**
 * Whether the object a ticket is linked to exists and belongs to the customer. Each kind lives in
 * another module's table; applications (migration 0009) and WhatsApp messages (0011) are looked up
 * only when their table exists, so this module never depends on their migration order. Without the
 * table, no such object can exist yet, so the link is refused.
 */
export async function linkedObjectBelongsTo(q: Queryable, type: LinkType, id: string, customerId: string): Promise<boolean> {
  switch (type) {
    case 'payment':
      if (!UUID.test(id)) return false;
      return (await q.query('SELECT 1 FROM payments WHERE id = $1 AND user_id = $2', [id, customerId])).length > 0;
    case 'application':
      if (!UUID.test(id) || !(await tableExists(q, 'applications'))) return false;
      return (await q.query('SELECT 1 FROM applications WHERE id = $1 AND user_id = $2', [id, customerId])).length > 0;
    case 'whatsapp_message':
      // A message of one of the customer's own numbers (they are its tenant), by Meta's id.
      if (!WAMID.test(id) || !(await tableExists(q, 'wa_messages'))) return false;
      return (await q.query('SELECT 1 FROM wa_messages WHERE wamid = $1 AND tenant_id = $2', [id, customerId])).length > 0;
  }
}
