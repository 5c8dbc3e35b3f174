import { describe, expect, it } from 'vitest';
import { issueDetails } from '../../../http/errors.js';
import { notifierContext, sampleMessage } from '../../../testing/alerts.js';
import { httpReceiver } from '../../../testing/receivers.js';
import discord from './index.js';

describe('discord notifier', () => {
  it('posts one embed, Markdown escaped, with mentions disabled', async () => {
    const receiver = await httpReceiver(() => ({ status: 204 }));
    try {
      const message = sampleMessage({ ...sampleMessage().facts, reason: { code: 'HTTP_STATUS', message: '@everyone [click](https://evil.example) **bold**' } });
      const result = await discord.send(notifierContext(), discord.configSchema.parse({ url: `${receiver.url}/api/webhooks/1/abc` }), message, AbortSignal.timeout(5_000));
      expect(result).toEqual({ ok: true, status: 204 });
      const body = receiver.requests[0]!.json();
      expect(body.username).toBe('PingPage');
      expect(body.allowed_mentions).toEqual({ parse: [] });
      const [embed] = body.embeds;
      expect(embed.title).toBe('🔴 API <prod> & "friends" is down');
      expect(embed.description).toContain('\\[click\\]\\(https://evil.example\\) \\*\\*bold\\*\\*');
      expect(embed.color).toBe(0xd92d20);
      expect(embed.timestamp).toBe('2026-11-29T12:00:00.000Z');
      expect(embed.url).toMatch(/^https:\/\/pingpage\.example\/orgs\//);
    } finally {
      await receiver.close();
    }
  });

  it('takes the wait Discord asks for after a 429', async () => {
    const receiver = await httpReceiver(() => ({ status: 429, headers: { 'retry-after': '2.5' } }));
    try {
      const result = await discord.send(notifierContext(), discord.configSchema.parse({ url: receiver.url }), sampleMessage(), AbortSignal.timeout(5_000));
      expect(result).toMatchObject({ ok: false, status: 429, retryAfterMs: 2_500 });
      expect(result.retryable).not.toBe(false);
    } finally {
      await receiver.close();
    }
  });

  it.each([
    [{}, 'url', 'invalid_type'],
    [{ url: 'https://discord.com/api/webhooks/1/x', username: '' }, 'username', 'too_small'],
    [{ url: 'https://discord.com/api/webhooks/1/x', username: 'x'.repeat(81) }, 'username', 'too_big'],
  ])('config %j fails at %s with %s', (input, path, code) => {
    const r = discord.configSchema.safeParse(input);
    expect(issueDetails(r.error!)[0]).toMatchObject({ path, code });
  });
});
