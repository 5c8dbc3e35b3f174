/** GET /notifiers, fetched once per page load: the plugins don't change while the server runs. */
import type { Notifier } from './alerting';
import { api } from './api';

let cached: Promise<Notifier[]> | undefined;

export function loadNotifiers(): Promise<Notifier[]> {
  cached ??= api<Notifier[]>('GET', '/notifiers').catch((err) => {
    cached = undefined;
    throw err;
  });
  return cached;
}
