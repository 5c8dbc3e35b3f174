/** The probe and notifier plugins this server runs: they don't change while it runs, so they are fetched once. */
import type { Notifier } from './alerting';
import { getOnce } from './api';
import type { Probe } from './types';

export const loadProbes = getOnce<Probe[]>('/probes');
export const loadNotifiers = getOnce<Notifier[]>('/notifiers');
