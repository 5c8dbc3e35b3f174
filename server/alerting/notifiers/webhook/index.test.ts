import { describe, expect, it } from 'vitest';
import { issueDetails } from '../../../http/errors.js';
import { createResolver, outboundPolicy } from '../../../outbound/policy.js';
import { notifierContext, sampleMessage } from '../../../testing/alerts.js';
import { httpReceiver } from '../../../testing/receivers.js';
import webhook, { REPLAY_WINDOW_SECONDS, signature, verifySignature } from './index.js';

const secret = 'whsec_test_secret';
const ctx = notifierContext({ secret });
const config = (c: Record<string, unknown>) => webhook.configSchema.parse(c);

describe('webhook notifier', () => {
  it('POSTs the JSON of API.md with a signature that verifies', async () => {
    const receiver = await httpReceiver();
    try {
      const message = sampleMessage();
      const result = await webhook.send(ctx, config({ url: `${receiver.url}/hooks/pp?x=1`, headers: { Authorization: 'Bearer abc' } }), message, AbortSignal.timeout(5_000));
      expect(result).toEqual({ ok: true, status: 200 });
      const [req] = receiver.requests;
      expect(req!.method).toBe('POST');
      expect(req!.path).toBe('/hooks/pp?x=1');
      expect(req!.headers['content-type']).toBe('application/json');
      expect(req!.headers.authorization).toBe('Bearer abc');
      expect(req!.headers['x-pingpage-event']).toBe('monitor.down');
      expect(req!.headers['x-pingpage-delivery']).toBe(message.id);
      const body = req!.json();
      expect(body).toMatchObject({
        id: message.id,
        event: 'monitor.down',
        at: '2026-11-29T12:00:00.000Z',
        monitor: { id: message.facts.monitor!.id, name: 'API <prod> & "friends"' },
        status: 'down',
        reason: { code: 'TIMEOUT' },
      });
      const timestamp = req!.headers['x-pingpage-timestamp'] as string;
      expect(timestamp).toBe(String(Date.UTC(2026, 10, 29, 12, 0, 0) / 1000));
      expect(req!.headers['x-pingpage-signature']).toBe(signature(secret, timestamp, req!.body));
      const now = ctx.now();
      expect(verifySignature({ secret, body: req!.body, timestamp, signature: req!.headers['x-pingpage-signature'] as string, now })).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it.each([
    ['a tampered body', { body: '{"id":"x"}' }],
    ['another secret', { secret: 'whsec_other' }],
    ['a timestamp outside the replay window', { now: (1_000 + REPLAY_WINDOW_SECONDS + 1) * 1000 }],
    ['a changed timestamp', { timestamp: '1001' }],
    ['no signature', { signature: undefined }],
    ['a malformed timestamp', { timestamp: '1e3' }],
  ])('verification refuses %s', (_, change) => {
    const body = '{"id":"d1","event":"monitor.down"}';
    const good = { secret, body, timestamp: '1000', signature: signature(secret, 1000, body), now: 1_000_000 };
    expect(verifySignature(good)).toBe(true);
    expect(verifySignature({ ...good, ...change })).toBe(false);
  });

  it.each([
    [500, true],
    [503, true],
    [429, true],
    [404, false],
    [410, false],
    [301, false],
  ])('a %i answer fails with HTTP_STATUS (retryable: %s)', async (status, retryable) => {
    const receiver = await httpReceiver(() => ({ status, body: 'nope', headers: status === 429 ? { 'retry-after': '7' } : ({} as Record<string, string>) }));
    try {
      const result = await webhook.send(ctx, config({ url: receiver.url }), sampleMessage(), AbortSignal.timeout(5_000));
      expect(result.ok).toBe(false);
      expect(result.status).toBe(status);
      expect(result.error).toEqual({ code: 'HTTP_STATUS', message: `The receiver answered ${status}: nope` });
      expect(result.retryable !== false).toBe(retryable);
      if (status === 429) expect(result.retryAfterMs).toBe(7_000);
    } finally {
      await receiver.close();
    }
  });

  it('gives up on a receiver that never answers when the signal fires', async () => {
    const receiver = await httpReceiver(() => 'hang');
    try {
      const result = await webhook.send(ctx, config({ url: receiver.url }), sampleMessage(), AbortSignal.timeout(300));
      expect(result).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
      expect(result.retryable).not.toBe(false);
    } finally {
      await receiver.close();
    }
  });

  it('reports a refused connection', async () => {
    const receiver = await httpReceiver();
    const url = receiver.url;
    await receiver.close();
    const result = await webhook.send(ctx, config({ url }), sampleMessage(), AbortSignal.timeout(5_000));
    expect(result).toMatchObject({ ok: false, error: { code: 'CONNECTION_REFUSED' } });
  });

  it.each([
    ['deny', 'http://127.0.0.1:9/x'],
    ['deny', 'http://10.0.0.1/x'],
    ['deny', 'http://[::1]:9/x'],
    ['allow', 'http://169.254.169.254/latest/meta-data/'],
    ['allow', 'http://metadata.google.internal/computeMetadata/v1/'],
  ] as const)('under PINGPAGE_PRIVATE_TARGETS=%s refuses %s before connecting', async (mode, url) => {
    const policy = outboundPolicy({ PINGPAGE_PRIVATE_TARGETS: mode, PINGPAGE_TARGET_ALLOWLIST: [] });
    const result = await webhook.send(notifierContext({ resolve: createResolver(policy) }), config({ url }), sampleMessage(), AbortSignal.timeout(5_000));
    expect(result).toMatchObject({ ok: false, error: { code: 'TARGET_FORBIDDEN' }, retryable: false });
  });

  it.each([
    [{}, 'url', 'invalid_type'],
    [{ url: 'ftp://example.com/' }, 'url', 'invalid_format'],
    [{ url: 'not a url' }, 'url', 'invalid_format'],
    [{ url: 'https://example.com', extra: 1 }, '', 'unrecognized_keys'],
    [{ url: 'https://example.com', headers: { 'X-PingPage-Signature': 'x' } }, 'headers.X-PingPage-Signature', 'RESERVED_HEADER'],
    [{ url: 'https://example.com', headers: { Host: 'x' } }, 'headers.Host', 'RESERVED_HEADER'],
    [{ url: 'https://example.com', headers: { 'Bad Name': 'x' } }, 'headers.Bad Name', 'INVALID_HEADER_NAME'],
    [{ url: 'https://example.com', headers: { 'X-A': 'line\r\nbreak' } }, 'headers.X-A', 'invalid_format'],
  ])('config %j fails at %s with %s', (input, path, code) => {
    const r = webhook.configSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(issueDetails(r.error!)[0]).toMatchObject({ path, code });
  });
});
