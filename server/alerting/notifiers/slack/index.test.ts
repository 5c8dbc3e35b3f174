import { describe, expect, it } from 'vitest';
import { issueDetails } from '../../../http/errors.js';
import { notifierContext, sampleMessage } from '../../../testing/alerts.js';
import { httpReceiver } from '../../../testing/receivers.js';
import slack from './index.js';

describe('slack notifier', () => {
  it('posts Block Kit with the text as plain_text and a link to the monitor', async () => {
    const receiver = await httpReceiver();
    try {
      const result = await slack.send(notifierContext(), slack.configSchema.parse({ url: `${receiver.url}/services/T/B/x` }), sampleMessage(), AbortSignal.timeout(5_000));
      expect(result).toEqual({ ok: true, status: 200 });
      const body = receiver.requests[0]!.json();
      expect(body.text).toBe('🔴 API <prod> & "friends" is down');
      expect(body.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '🔴 API <prod> & "friends" is down', emoji: true } });
      // plain_text: Slack shows the target's text as it is, links and markup included, never as markup.
      expect(body.blocks[1].text.type).toBe('plain_text');
      expect(body.blocks[1].text.text).toContain('TIMEOUT: No answer within 10 s [click](https://evil.example) <b>x</b>');
      expect(body.blocks[2].elements[0].text).toContain('<https://pingpage.example/orgs/11111111-2222-4333-8444-555555555555/monitors/6f1c2a38-8d55-4c1e-9a3e-1f2b3c4d5e6f|Open in PingPage>');
    } finally {
      await receiver.close();
    }
  });

  it('reports Slack refusing the webhook as permanent', async () => {
    const receiver = await httpReceiver(() => ({ status: 404, body: 'no_service' }));
    try {
      const result = await slack.send(notifierContext(), { url: receiver.url }, sampleMessage(), AbortSignal.timeout(5_000));
      expect(result).toMatchObject({ ok: false, status: 404, retryable: false, error: { code: 'HTTP_STATUS', message: 'The receiver answered 404: no_service' } });
    } finally {
      await receiver.close();
    }
  });

  it('marks the webhook URL as a secret in its JSON Schema', async () => {
    const { z } = await import('zod');
    expect(z.toJSONSchema(slack.configSchema, { io: 'input' })).toMatchObject({ properties: { url: { writeOnly: true } } });
  });

  it.each([
    [{}, 'url', 'invalid_type'],
    [{ url: 'hooks.slack.com/services/x' }, 'url', 'invalid_format'],
    [{ url: 'https://hooks.slack.com/services/x', channel: '#ops' }, '', 'unrecognized_keys'],
  ])('config %j fails at %s with %s', (input, path, code) => {
    const r = slack.configSchema.safeParse(input);
    expect(issueDetails(r.error!)[0]).toMatchObject({ path, code });
  });
});
