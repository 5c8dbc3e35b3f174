/**
 * Which plugin an error nobody caught came from: the plugin run it surfaced in (the runner's
 * scope follows a run's timers, sockets and promises), else the first stack frame in a loaded
 * plugin's own files (code a plugin runs outside any check, e.g. at import).
 */
import { currentPluginRun } from '../scheduler/plugin-scope.js';
import type { ProbeRegistry } from './registry.js';

export interface Blame {
  /** The probe's id. */
  id: string;
  /** How the operator named it (PINGPAGE_PLUGINS entry or built-in), when the registry is loaded. */
  source?: string;
}

function pluginInStack(err: unknown, probes: ProbeRegistry | undefined): string | undefined {
  const stack = (err as { stack?: unknown } | null | undefined)?.stack;
  if (!probes || typeof stack !== 'string') return undefined;
  for (const frame of stack.split('\n').slice(1)) {
    const id = probes.pluginAt(frame);
    if (id) return id;
  }
  return undefined;
}

export function blamePlugin(err: unknown, probes?: ProbeRegistry): Blame | undefined {
  const id = currentPluginRun()?.probe ?? pluginInStack(err, probes);
  return id === undefined ? undefined : { id, source: probes?.origin(id)?.source };
}
