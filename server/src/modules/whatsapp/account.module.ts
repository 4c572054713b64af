import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/index.js';
import type { Keyring } from '../../platform/encryption.js';
import type { KycGate } from '../kyc/kyc-gate.js';
import type { MetaSandbox } from '../meta-sandbox/meta-sandbox.service.js';
import { apiKeyWhoAmIRoutes, apiKeysRoutes } from './api-keys/api-keys.routes.js';
import { createApiKeysService, type ApiKeysService } from './api-keys/api-keys.service.js';
import { pricesRoutes } from './billing/prices.routes.js';
import { createPricesService, type PricesService } from './billing/prices.service.js';
import { usageRoutes } from './billing/usage.routes.js';
import type { GraphClient } from './graph/graph-client.js';
import { numbersRoutes } from './numbers/numbers.routes.js';
import { createNumbersService, type NumbersService } from './numbers/numbers.service.js';

/**
 * A customer's WhatsApp account on the platform (README.md beside this file): connected numbers,
 * API keys (and GET /v1/me to test one), the price table and usage reports.
 */
export async function registerWhatsAppAccount(
  app: FastifyInstance,
  deps: {
    db: Db;
    ring: Keyring;
    graph: GraphClient | null;
    sandbox: Pick<MetaSandbox, 'createNumber'> | null;
    kycGate: Pick<KycGate, 'check'>;
    publicUrl: string;
  },
): Promise<{ numbers: NumbersService; apiKeys: ApiKeysService; prices: PricesService }> {
  const { db } = deps;
  const numbers = createNumbersService(deps);
  const apiKeys = createApiKeysService({ db });
  const prices = createPricesService({ db });
  await app.register(numbersRoutes, { db, numbers });
  await app.register(apiKeysRoutes, { apiKeys });
  await app.register(apiKeyWhoAmIRoutes, { db, apiKeys });
  await app.register(pricesRoutes, { prices });
  await app.register(usageRoutes, { db });
  return { numbers, apiKeys, prices };
}
