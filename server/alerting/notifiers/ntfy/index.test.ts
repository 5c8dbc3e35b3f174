import { describe, expect, it } from 'vitest';
import { issueDetails } from '../../../http/errors.js';
import { notifierContext, SAMPLE_DOWN, sampleMessage } from '../../../testing/alerts.js';
import { httpReceiver } from '../../../testing/receivers.js';
import ntfy from './index.js';

describe('ntfy notifier', () => {
  it('publishes JSON to the server root with the token, priority by severity and a click link', async () => {
    const receiver = await httpReceiver();
    try {
      const config = ntfy.configSchema.parse({ server: `${receiver.url}/`, topic: 'ops-alerts', token: 'tk_secret' });
      expect(await ntfy.send(notifierContext(), config, sampleMessage(), AbortSignal.timeout(5_000))).toEqual({ ok: true, status: 200 });
      const up = sampleMessage({ ...SAMPLE_DOWN, event: 'monitor.up', status: 'up', reason: null });
      expect((await ntfy.send(notifierContext(), { ...config, priority: 'auto' }, up, AbortSignal.timeout(5_000))).ok).toBe(true);
      const [down, recovered] = receiver.requests;
      expect(down!.path).toBe('/');
      expect(down!.headers.authorization).toBe('Bearer tk_secret');
      expect(down!.json()).toMatchObject({ topic: 'ops-alerts', title: '🔴 API <prod> & "friends" is down', priority: 5, tags: ['rotating_light'] });
      expect(down!.json().click).toMatch(/^https:\/\/pingpage\.example\/orgs\//);
      expect(recovered!.json()).toMatchObject({ priority: 3, tags: ['white_check_mark'] });
    } finally {
      await receiver.close();
    }
  });

  it('uses a fixed priority when set', async () => {
    const receiver = await httpReceiver();
    try {
      await ntfy.send(notifierContext(), ntfy.configSchema.parse({ server: receiver.url, topic: 't', priority: 'low' }), sampleMessage(), AbortSignal.timeout(5_000));
      expect(receiver.requests[0]!.json().priority).toBe(2);
      expect(receiver.requests[0]!.headers.authorization).toBeUndefined();
    } finally {
      await receiver.close();
    }
  });

  it('reports a refused token as permanent', async () => {
    const receiver = await httpReceiver(() => ({ status: 403, body: '{"code":40301,"error":"forbidden"}' }));
    try {
      const result = await ntfy.send(notifierContext(), ntfy.configSchema.parse({ server: receiver.url, topic: 't' }), sampleMessage(), AbortSignal.timeout(5_000));
      expect(result).toMatchObject({ ok: false, status: 403, retryable: false });
    } finally {
      await receiver.close();
    }
  });

  it('defaults to ntfy.sh and marks the token as a secret', async () => {
    expect(ntfy.configSchema.parse({ topic: 'x' })).toEqual({ server: 'https://ntfy.sh', topic: 'x', priority: 'auto' });
    const { z } = await import('zod');
    expect(z.toJSONSchema(ntfy.configSchema, { io: 'input' })).toMatchObject({ properties: { token: { writeOnly: true, format: 'password' } } });
  });

  it.each([
    [{}, 'topic', 'invalid_type'],
    [{ topic: 'has space' }, 'topic', 'invalid_format'],
    [{ topic: 'x'.repeat(65) }, 'topic', 'invalid_format'],
    [{ topic: 'x', priority: 'urgent' }, 'priority', 'invalid_value'],
    [{ topic: 'x', token: '' }, 'token', 'too_small'],
    [{ topic: 'x', server: 'file:///etc/passwd' }, 'server', 'invalid_format'],
  ])('config %j fails at %s with %s', (input, path, code) => {
    const r = ntfy.configSchema.safeParse(input);
    expect(issueDetails(r.error!)[0]).toMatchObject({ path, code });
  });
});
