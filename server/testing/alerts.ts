/** Fixtures for alerting tests: a notifier context without policy, a sample message. */
import { systemResolve } from '../../plugins/sdk.js';
import { buildMessage } from '../alerting/messages.js';
import type { AlertFacts, AlertMessage, NotifierContext } from '../alerting/sdk.js';

/** Resolves like the system (127.0.0.1 stays 127.0.0.1); `now` fixed unless given. */
export function notifierContext(o: Partial<NotifierContext> = {}): NotifierContext {
  return { resolve: systemResolve, userAgent: 'PingPage/test', now: () => Date.UTC(2026, 10, 29, 12, 0, 0), ...o };
}

export const SAMPLE_DOWN: AlertFacts = {
  event: 'monitor.down',
  at: '2026-11-29T12:00:00.000Z',
  monitor: { id: '6f1c2a38-8d55-4c1e-9a3e-1f2b3c4d5e6f', name: 'API <prod> & "friends"' },
  status: 'down',
  previous: 'up',
  reason: { code: 'TIMEOUT', message: 'No answer within 10 s [click](https://evil.example) <b>x</b>' },
  downSince: '2026-11-29T12:00:00.000Z',
};

export function sampleMessage(facts: AlertFacts = SAMPLE_DOWN, extra: { unsubscribeUrl?: string } = {}): AlertMessage {
  return buildMessage({ id: '0b7e4c1a-1111-4222-8333-944455556666', orgId: '11111111-2222-4333-8444-555555555555', facts, publicUrl: 'https://pingpage.example', ...extra });
}
