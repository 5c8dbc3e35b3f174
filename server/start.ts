/**
 * `npm start`: read the environment, build the dashboard if needed, start PingPage, stop cleanly
 * on SIGINT/SIGTERM. Startup problems are one line on stderr and exit code 1, never a stack.
 */
import { ensureClientBuilt, clientDist } from './client-build.js';
import { loadConfig } from './config.js';
import { StartupError } from './errors.js';
import { createLogger } from './log.js';
import { startPingPage, type PingPage } from './main.js';

function die(message: string): never {
  process.stderr.write(`pingpage: ${message}\n`);
  process.exit(1);
}

async function main() {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  if (process.env.PINGPAGE_SKIP_CLIENT_BUILD !== '1') await ensureClientBuilt((m) => log.info(m));
  let starting: Promise<PingPage> | undefined;
  let signalled = false;
  const stop = (signal: string) => {
    if (signalled) return;
    signalled = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => die('shutdown took longer than 15 s; exiting'), 15_000);
    force.unref();
    // A signal during start-up waits for it, so the embedded PostgreSQL is never left behind.
    void Promise.resolve(starting)
      .then((app) => app?.close(), () => undefined)
      .then(
      () => {
        log.flush();
        process.exit(0);
      },
      (err) => die(`shutdown failed: ${(err as Error).message}`),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  starting = startPingPage(config, { log, clientDir: clientDist });
  const app = await starting;
  if (signalled) return;
  log.info({ url: app.config.PUBLIC_URL, listen: app.url }, 'PingPage is running');
  const setup = app.setupCode ? `Set-up code for the first account (asked only from another machine): ${app.setupCode}\n` : '';
  process.stdout.write(`\nPingPage is running at ${app.config.PUBLIC_URL}\n${setup}\n`);
}

main().catch((err) => {
  if (err instanceof StartupError) die(err.message);
  die(`could not start: ${(err as Error).message}`);
});
