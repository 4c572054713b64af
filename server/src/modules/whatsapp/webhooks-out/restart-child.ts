// A whole platform working jobs in its own process, for delivery-restart.test.ts to kill with SIGKILL:
// configuration from the environment as `seva worker` reads it, delivery settings from argv[2] (JSON);
// it starts when a line arrives on stdin.
import { createPlatform } from '../../../app.js';
import { loadConfig } from '../../../config.js';
import { openDatabase } from '../../../db/index.js';
import type { DeliverySettings } from './settings.js';

const settings = JSON.parse(process.argv[2] ?? '{}') as Partial<DeliverySettings>;
// Loaded and waiting: the test says when the database is free (PGlite allows one process at a time).
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
process.stdin.pause();
const config = loadConfig(process.env);
const db = await openDatabase(config);
// Warnings and errors go to stderr, which the test shows when the process does not deliver.
const platform = await createPlatform({ config, db, logger: { level: 'warn', stream: process.stderr }, webhooksOut: { settings } });
await platform.jobs.start({ work: true });
process.stdout.write('working\n');
