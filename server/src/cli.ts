import { parseArgs } from 'node:util';
import { boot, startServer, startWorker } from './runtime.js';
import { loadConfig, ConfigError, CONFIG_VARS } from './config.js';
import { openDatabase } from './db/index.js';
import { migrate } from './db/migrate.js';
import { SYSTEM_META } from './platform/actor.js';
import { AppError } from './platform/errors.js';
import { DataDirLockedError } from './db/data-dir-lock.js';

const USAGE = `Usage: seva <command>

Commands:
  start                               serve the platform (and run jobs unless RUN_WORKERS=false)
  worker                              run background jobs only
  migrate                             apply database migrations and exit
  create-admin --email E --password P create an admin, or promote and reset an existing account
  config                              list the environment variables the platform reads
  rotate-keys                         re-wrap all encrypted data under MASTER_KEY (old keys in MASTER_KEY_PREVIOUS)
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      await startServer();
      return -1; // keep running
    case 'worker':
      await startWorker();
      return -1;
    case 'migrate': {
      const config = loadConfig();
      const db = await openDatabase(config);
      try {
        const applied = await migrate(db);
        console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
      } finally {
        await db.close();
      }
      return 0;
    }
    case 'create-admin': {
      const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } } });
      if (!values.email || !values.password) {
        console.error('create-admin needs --email and --password');
        return 2;
      }
      const running = await boot();
      try {
        await running.platform.jobs.start({ work: false });
        const user = await running.platform.services.accounts.createAdmin(values.email, values.password, SYSTEM_META, values.name);
        console.log(`Admin ready: ${user.email}`);
      } finally {
        await running.stop();
      }
      return 0;
    }
    case 'rotate-keys': {
      // After a new MASTER_KEY (the old one in MASTER_KEY_PREVIOUS): afterwards the old key can go.
      const running = await boot();
      try {
        const result = await running.platform.services.rotateKeys();
        const { files, ...columns } = result;
        const values = Object.values(columns).reduce((sum, n) => sum + n, 0);
        console.log(`Re-wrapped ${files.rewrapped} of ${files.checked} files and ${values} encrypted values under the current MASTER_KEY.`);
      } finally {
        await running.stop();
      }
      return 0;
    }
    case 'config':
      for (const v of CONFIG_VARS) console.log(`${v.name}${v.default ? ` (default ${v.default})` : ''}\n    ${v.description}`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return command ? 0 : 2;
    default:
      console.error(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof DataDirLockedError) console.error(err.message);
    else if (err instanceof AppError) console.error(`${err.message}${err.details ? ' ' + err.details.map((d) => d.message).join(' ') : ''}`);
    else console.error(err);
    process.exit(1);
  },
);
