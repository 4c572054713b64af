import type { Queryable } from '../../../db/index.js';
import { decryptString, encryptString, type Keyring } from '../../../platform/encryption.js';

export interface NumberRow {
  id: string;
  tenant_id: string;
  label: string;
  waba_id: string;
  phone_number_id: string;
  access_token_enc: string;
  app_secret_enc: string | null;
  verify_token_hash: string | null;
  display_phone_number: string | null;
  verified_name: string | null;
  quality_rating: string | null;
  messaging_limit_tier: string | null;
  throughput_level: string | null;
  mps: number;
  status: 'connected' | 'error' | 'disconnected';
  last_checked_at: Date | null;
  last_error: string | null;
  token_rotated_at: Date | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  disconnected_at: Date | null;
}

type SecretField = 'access_token' | 'app_secret';

/** Binds each ciphertext to its number and field, so one cannot be swapped for another. */
const secretContext = (numberId: string, field: SecretField) => `wa_number:${numberId}:${field}`;

export function sealNumberSecret(ring: Keyring, numberId: string, field: SecretField, plaintext: string): string {
  return encryptString(ring, plaintext, secretContext(numberId, field));
}

export function accessTokenOf(ring: Keyring, row: Pick<NumberRow, 'id' | 'access_token_enc'>): string {
  return decryptString(ring, row.access_token_enc, secretContext(row.id, 'access_token'));
}

export function appSecretOf(ring: Keyring, row: Pick<NumberRow, 'id' | 'app_secret_enc'>): string | null {
  return row.app_secret_enc ? decryptString(ring, row.app_secret_enc, secretContext(row.id, 'app_secret')) : null;
}

/** The live (not disconnected) number Meta knows as `phoneNumberId`: routes webhooks and /graph calls. */
export async function findLiveNumberByPhoneNumberId(q: Queryable, phoneNumberId: string): Promise<NumberRow | null> {
  const rows = await q.query<NumberRow>(`SELECT * FROM wa_numbers WHERE phone_number_id = $1 AND status <> 'disconnected'`, [phoneNumberId]);
  return rows[0] ?? null;
}

/** One of the tenant's numbers by id; another tenant's number is simply not found. */
export async function findTenantNumber(q: Queryable, tenantId: string, id: string): Promise<NumberRow | null> {
  const rows = await q.query<NumberRow>('SELECT * FROM wa_numbers WHERE id = $1 AND tenant_id = $2', [id, tenantId]);
  return rows[0] ?? null;
}
