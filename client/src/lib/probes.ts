/** GET /probes, fetched once per page load: the plugins don't change while the server runs. */
import { api } from './api';
import type { Probe } from './types';

let cached: Promise<Probe[]> | undefined;

export function loadProbes(): Promise<Probe[]> {
  cached ??= api<Probe[]>('GET', '/probes').catch((err) => {
    cached = undefined;
    throw err;
  });
  return cached;
}
