import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { startPingPage, type PingPage, type StartOptions } from '../main.js';
import { createTestDatabase, type TestDatabase } from './db.js';

export interface TestApp extends PingPage {
  db: TestDatabase;
  /** Every log line the app wrote, as text (for tests that check what is and is not logged). */
  logs(): string;
  /** Stops the app and drops its database. */
  stop(): Promise<void>;
}

/** A whole PingPage on port 0 with a database of its own and captured logs. */
export async function startTestApp(env: Record<string, string> = {}, opts: StartOptions = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pingpage-app-'));
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  // Self-monitoring off unless a test asks: the first org would otherwise get a monitor it did not make.
  const config = loadConfig({ DATABASE_URL: db.url, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'debug', PINGPAGE_SELF_MONITOR: 'false', ...env });
  const app = await startPingPage(config, { log: createLogger(config.LOG_LEVEL, sink), ...opts });
  return Object.assign(app, {
    db,
    logs: () => lines.join(''),
    async stop() {
      await app.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}
