/** Chromium for the browser tests (Debian's, driven by playwright-core), and where screenshots go. */
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterEach } from 'vitest';
import { clientDist, ensureClientBuilt } from '../server/client-build.js';

export const ARTIFACTS = path.resolve(import.meta.dirname, '..', 'test-artifacts');

export { clientDist };

/** Builds the client if its sources changed (a no-op when dist is current). */
export async function buildClient(): Promise<void> {
  await ensureClientBuilt(() => {});
}

/** The window sizes the screenshots are taken at. */
export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 390, height: 844 };

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** This test process's Chromium (vitest runs e2e/ files one after another in a process: isolate is off for them). */
let chromiumOfProcess: Promise<Browser> | undefined;

/**
 * Chromium for one test file: the process's, launched by the first file that asks and reused by
 * the next ones (a launch costs a second or more on a busy machine). What the file gets behaves as
 * its own browser: newContext/newPage open contexts of the file's, and close() closes those, not
 * Chromium, which goes when the test process ends. Each file's contexts are fresh: no cookie,
 * storage or cache is shared between files.
 */
export async function browserForFile(): Promise<Browser> {
  chromiumOfProcess ??= launchBrowser().then(
    (b) => {
      b.on('disconnected', () => (chromiumOfProcess = undefined)); // crashed: the next file launches another
      return b;
    },
    (err: unknown) => {
      chromiumOfProcess = undefined;
      throw err;
    },
  );
  const chromium = await chromiumOfProcess;
  const contexts = new Set<BrowserContext>();
  const own = (c: BrowserContext) => {
    contexts.add(c);
    c.on('close', () => contexts.delete(c));
    return c;
  };
  const file: Partial<Browser> = {
    newContext: async (...args) => own(await chromium.newContext(...args)),
    newPage: async (...args) => {
      const page = await chromium.newPage(...args);
      own(page.context());
      return page;
    },
    contexts: () => [...contexts],
    close: async () => {
      await Promise.all([...contexts].map((c) => c.close()));
    },
  };
  // Everything else (version, browserType, isConnected, …) is Chromium's own.
  return new Proxy(chromium, {
    get(target, key) {
      if (key in file) return file[key as keyof Browser];
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Saves a full-page screenshot as test-artifacts/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  // A window as tall as the page, rather than a stitched full-page capture: sticky bars then sit
  // where they belong instead of in the middle of the picture.
  const size = page.viewportSize();
  const height = (await page.evaluate('document.documentElement.scrollHeight')) as number;
  if (size && height > size.height) await page.setViewportSize({ width: size.width, height: Math.min(height, 6000) });
  await page.evaluate('scrollTo(0, 0)');
  await page.screenshot({ path: file });
  if (size && height > size.height) await page.setViewportSize(size);
  return file;
}

/**
 * After each failed test of the file, a screenshot of the page it left behind (if any yet):
 * test-artifacts/<prefix><the test's name, as a slug of at most `max` characters>.png.
 */
export function screenshotFailures(prefix: string, page: () => Page | undefined, max = 60): void {
  afterEach(async ({ task }) => {
    const p = page();
    if (task.result?.state === 'fail' && p) await screenshot(p, `${prefix}${task.name.replace(/\W+/g, '-').slice(0, max)}`).catch(() => {});
  });
}

/** Collects uncaught errors and Content-Security-Policy violations, so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text());
  });
  return errors;
}

/**
 * An HTTP service for monitors to check, on 127.0.0.1: stop() takes it away (connections are
 * refused), start() brings it back on the same port.
 */
export class Target {
  port = 0;
  #server: http.Server | undefined;

  get url() {
    return `http://127.0.0.1:${this.port}/health`;
  }

  async start(): Promise<void> {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain', Connection: 'close' }).end('ok');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
