import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import type { Db } from '../../db/index.js';
import { catalogueAdminRoutes, catalogueRoutes } from './services.routes.js';
import { createCatalogueService, type CatalogueService } from './services.service.js';

/**
 * Wires the service catalogue into the app (see README.md). A required document may not allow files
 * larger than the platform accepts at all (UPLOAD_MAX_BYTES).
 */
export async function registerServices(app: FastifyInstance, deps: { db: Db; config: Pick<Readonly<Config>, 'uploadMaxBytes'> }): Promise<{ catalogue: CatalogueService }> {
  const catalogue = createCatalogueService({ db: deps.db, maxFileBytes: deps.config.uploadMaxBytes });
  await app.register(catalogueRoutes, { catalogue });
  await app.register(catalogueAdminRoutes, { catalogue });
  return { catalogue };
}
