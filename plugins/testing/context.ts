/** Probe contexts for tests: every name resolves to 127.0.0.1, or the policy forbids the target. */
import { plainContext, ProbeFailure, type ProbeContext } from '../sdk.js';

export interface RecordingContext extends ProbeContext {
  /** Every host the probe asked to resolve, in order. */
  resolved: string[];
}

/**
 * Resolves every name to 127.0.0.1 (so tests can use names like app.test for Host and SNI),
 * except the names in `forbidden`, which the "policy" refuses. `memory` defaults to the plain
 * context's budget.
 */
export function localContext(forbidden: string[] = [], memory = plainContext.memory): RecordingContext {
  const resolved: string[] = [];
  return {
    resolved,
    userAgent: 'PingPage/test',
    memory,
    async resolve(host) {
      resolved.push(host);
      if (forbidden.includes(host)) throw new ProbeFailure('TARGET_FORBIDDEN', `${host} is not an allowed target`);
      return { address: '127.0.0.1', family: 4 };
    },
  };
}

/** A context whose policy refuses every target. */
export const forbiddenContext: ProbeContext = {
  ...plainContext,
  async resolve(host) {
    throw new ProbeFailure('TARGET_FORBIDDEN', `${host} is not an allowed target`);
  },
};
