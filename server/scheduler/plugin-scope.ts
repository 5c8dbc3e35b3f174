/**
 * Which plugin run the code executing now belongs to. The runner starts each plugin run inside
 * an AsyncLocalStorage scope; everything the plugin schedules from there (timers, socket
 * callbacks, promise continuations) carries it, so:
 * - timers a plugin starts are tracked and cleared when its check ends: none outlives its check;
 * - an exception or rejection nobody caught can be blamed on the plugin that caused it.
 *
 * Overhead: AsyncLocalStorage propagates its store through async hooks, which MikroORM's own
 * contexts already turn on in this process; the timer wrappers add one getStore() per
 * setTimeout/setInterval anywhere, and a Set entry per timer a plugin starts
 * (npm run bench:scheduler showed no measurable change).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire, syncBuiltinESMExports } from 'node:module';

export interface PluginRun {
  /** The probe's id. */
  readonly probe: string;
  /** Timers the run started that have not fired (one-shot) or been cleared by the run's end. */
  readonly timers: Set<NodeJS.Timeout>;
  /** The check is over: timers started from here on are cleared at once. */
  ended: boolean;
}

const scope = new AsyncLocalStorage<PluginRun>();

/** The plugin run the current code belongs to, if any. */
export function currentPluginRun(): PluginRun | undefined {
  return scope.getStore();
}

/** Calls `fn` inside `run`'s scope. */
export function inPluginRun<T>(run: PluginRun, fn: () => T): T {
  return scope.run(run, fn);
}

/** Calls `fn` outside any plugin's scope: server code a plugin calls (ctx.resolve) is not the plugin's. */
export function outsidePluginRun<T>(fn: () => T): T {
  return scope.exit(fn);
}

/** Ends `run`: every timer it left running is cleared. */
export function endPluginRun(run: PluginRun): void {
  run.ended = true;
  for (const timer of run.timers) clearTimeout(timer);
  run.timers.clear();
}

type TimerFunction = (callback: unknown, ...rest: unknown[]) => NodeJS.Timeout;

function scoped(original: TimerFunction, once: boolean): TimerFunction {
  const wrapped = function (this: unknown, callback: unknown, ...rest: unknown[]): NodeJS.Timeout {
    const run = scope.getStore();
    if (!run || typeof callback !== 'function') return original.call(this, callback, ...rest);
    if (run.ended) {
      const late = original.call(this, callback, ...rest);
      clearTimeout(late);
      return late;
    }
    const fire = once
      ? function (this: unknown, ...args: unknown[]) {
          run.timers.delete(timer);
          return (callback as (...a: unknown[]) => unknown).apply(this, args);
        }
      : callback;
    const timer = original.call(this, fire, ...rest);
    run.timers.add(timer);
    return timer;
  };
  // Keeps what callers rely on: util.promisify.custom (promisify(setTimeout)), name, length.
  Object.defineProperties(wrapped, Object.getOwnPropertyDescriptors(original));
  return wrapped;
}

let installed = false;

/**
 * Makes setTimeout and setInterval (global, and node:timers' own exports, for ESM and CommonJS
 * importers alike) record the timers a plugin run starts. Once per process; idempotent.
 */
export function trackPluginTimers(): void {
  if (installed) return;
  installed = true;
  const timers = createRequire(import.meta.url)('node:timers') as Record<'setTimeout' | 'setInterval', TimerFunction>;
  const setTimeoutScoped = scoped(globalThis.setTimeout as unknown as TimerFunction, true);
  const setIntervalScoped = scoped(globalThis.setInterval as unknown as TimerFunction, false);
  globalThis.setTimeout = setTimeoutScoped as unknown as typeof globalThis.setTimeout;
  globalThis.setInterval = setIntervalScoped as unknown as typeof globalThis.setInterval;
  timers.setTimeout = setTimeoutScoped;
  timers.setInterval = setIntervalScoped;
  syncBuiltinESMExports();
}
