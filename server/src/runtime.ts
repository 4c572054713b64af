import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from './config.js';
import { openDatabase, type Db } from './db/index.js';
import { migrate } from './db/migrate.js';
import { createPlatform, type Platform } from './app.js';
import { SYSTEM_META } from './platform/actor.js';
import { countAdmins } from './modules/accounts/accounts.repo.js';

export interface Running {
  config: Readonly<Config>;
  db: Db;
  platform: Platform;
  stop(): Promise<void>;
}

/** Opens the database, applies migrations and builds the platform; the caller decides what runs. */
export async function boot(env: NodeJS.ProcessEnv = process.env): Promise<Running> {
  const config = loadConfig(env);
  const db = await openDatabase(config);
  try {
    await migrate(db);
    const platform = await createPlatform({ config, db });
    let stopped = false;
    return {
      config,
      db,
      platform,
      async stop() {
        if (stopped) return;
        stopped = true;
        await platform.app.close();
        await platform.jobs.stop();
        await db.close();
      },
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}

/** A first admin, so a fresh install can be signed into; its password is printed once. */
async function ensureFirstAdmin(running: Running): Promise<{ email: string; password: string } | null> {
  if ((await countAdmins(running.db)) > 0) return null;
  const password = randomBytes(12).toString('base64url');
  await running.platform.services.accounts.createAdmin(running.config.adminEmail, password, SYSTEM_META);
  return { email: running.config.adminEmail, password };
}

function onShutdown(stop: () => Promise<void>, log: (msg: string) => void): void {
  let shuttingDown = false;
  const handler = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log(`${signal} received: finishing requests and jobs, then stopping`);
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
}

export async function startServer(): Promise<Running> {
  const running = await boot();
  const { config, platform } = running;
  await platform.jobs.start({ work: config.runWorkers });
  const admin = await ensureFirstAdmin(running);
  await platform.app.listen({ host: config.host, port: config.port });
  onShutdown(running.stop, (m) => platform.app.log.info(m));
  const lines = [
    '',
    `  Seva Kendra is running at ${config.publicUrl}  (listening on ${config.host}:${config.port})`,
    `  Database: ${running.db.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL'}`,
    `  API docs: ${config.publicUrl}/docs`,
  ];
  if (admin) {
    lines.push(
      '',
      '  First admin created. Sign in with:',
      `    email:    ${admin.email}`,
      `    password: ${admin.password}`,
      '  This password is shown only once: change it under Profile after signing in.',
    );
  } else {
    lines.push('', '  Sign in with your admin account (new admin: `npx seva create-admin --email E --password P`).');
  }
  if (!config.smtpUrl) lines.push('  Mail goes to the sandbox outbox: Admin → Mail outbox.');
  process.stdout.write(lines.join('\n') + '\n\n');
  return running;
}

export async function startWorker(): Promise<Running> {
  const running = await boot();
  await running.platform.jobs.start({ work: true });
  onShutdown(running.stop, (m) => running.platform.app.log.info(m));
  running.platform.app.log.info('worker started');
  return running;
}
