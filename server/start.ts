/**
 * `npm start`: read the environment, build the dashboard if needed, start PingPage, stop cleanly
 * on SIGINT/SIGTERM. Startup problems are one line on stderr and exit code 1, never a stack.
 * An exception or rejection nobody caught (a plugin's timer, a stray promise) is logged, with the
 * plugin it came from, and stops PingPage the same clean way with exit code 1: writes flushed,
 * the embedded PostgreSQL stopped, never left running without us.
 */
import { ensureClientBuilt, clientDist } from './client-build.js';
import { loadConfig } from './config.js';
import { StartupError } from './errors.js';
import { createLogger } from './log.js';
import { startPingPage, type PingPage } from './main.js';
import { blamePlugin } from './probes/blame.js';

function die(message: string): never {
  process.stderr.write(`pingpage: ${message}\n`);
  process.exit(1);
}

/** Last resort when shutting down hangs or fails: PostgreSQL's immediate shutdown, so it is not orphaned. */
function stopPostgresNow(app: PingPage | undefined) {
  try {
    if (app?.embedded) process.kill(app.embedded.pid, 'SIGQUIT');
  } catch {
    // already gone
  }
}

async function main() {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  if (process.env.PINGPAGE_SKIP_CLIENT_BUILD !== '1') await ensureClientBuilt((m) => log.info(m));
  let starting: Promise<PingPage> | undefined;
  let app: PingPage | undefined;
  let stopping = false;
  const stop = (exitCode: 0 | 1) => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => {
      stopPostgresNow(app);
      die('shutdown took longer than 15 s; exiting');
    }, 15_000);
    force.unref();
    // A stop during start-up waits for it, so the embedded PostgreSQL is never left behind.
    void Promise.resolve(starting)
      .then((started) => started?.close(), () => undefined)
      .then(
        () => {
          log.flush();
          process.exit(exitCode);
        },
        (err) => {
          stopPostgresNow(app);
          die(`shutdown failed: ${(err as Error).message}`);
        },
      );
  };
  const onSignal = (signal: string) => {
    if (stopping) return;
    log.info({ signal }, 'shutting down');
    stop(0);
  };
  const onUncaught = (kind: string, err: unknown) => {
    const plugin = blamePlugin(err, app?.probes);
    const message = `${plugin ? `plugin ${plugin.id}` : 'PingPage'}: ${kind}: ${err instanceof Error ? err.message : String(err)}`;
    log.fatal({ err, plugin: plugin?.id, source: plugin?.source }, stopping ? message : `${message}; stopping`);
    stop(1);
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('uncaughtException', (err) => onUncaught('uncaught exception', err));
  process.on('unhandledRejection', (reason) => onUncaught('unhandled rejection', reason));
  starting = startPingPage(config, { log, clientDir: clientDist });
  app = await starting;
  if (stopping) return;
  log.info({ url: app.config.PUBLIC_URL, listen: app.url }, 'PingPage is running');
  const setup = app.setupCode ? `Set-up code for the first account (asked only from another machine): ${app.setupCode}\n` : '';
  const moved = app.embedded?.createdElsewhere;
  const database = moved ? `The embedded database is in ${app.embedded!.dir} (${moved}; DATA_DIR/postgres links there)\n` : '';
  process.stdout.write(`\nPingPage is running at ${app.config.PUBLIC_URL}\n${setup}${database}\n`);
}

main().catch((err) => {
  if (err instanceof StartupError) die(err.message);
  die(`could not start: ${(err as Error).message}`);
});
