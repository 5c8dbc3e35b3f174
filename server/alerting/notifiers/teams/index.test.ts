import { describe, expect, it } from 'vitest';
import { issueDetails } from '../../../http/errors.js';
import { notifierContext, sampleMessage } from '../../../testing/alerts.js';
import { httpReceiver } from '../../../testing/receivers.js';
import teams from './index.js';

describe('teams notifier', () => {
  it('posts an Adaptive Card whose texts are TextRuns (never Markdown)', async () => {
    const receiver = await httpReceiver(() => ({ status: 202 }));
    try {
      const result = await teams.send(notifierContext(), { url: `${receiver.url}/workflows/1` }, sampleMessage(), AbortSignal.timeout(5_000));
      expect(result).toEqual({ ok: true, status: 202 });
      const body = receiver.requests[0]!.json();
      expect(body.type).toBe('message');
      const card = body.attachments[0];
      expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
      expect(card.content.type).toBe('AdaptiveCard');
      const runs = card.content.body.flatMap((b: { type: string; inlines: Array<{ type: string; text: string }> }) => {
        expect(b.type).toBe('RichTextBlock');
        return b.inlines;
      });
      expect(runs.every((r: { type: string }) => r.type === 'TextRun')).toBe(true);
      expect(runs[0]).toMatchObject({ text: '🔴 API <prod> & "friends" is down', color: 'Attention', weight: 'Bolder' });
      expect(runs[1].text).toContain('[click](https://evil.example)');
      expect(card.content.actions[0]).toMatchObject({ type: 'Action.OpenUrl', title: 'Open in PingPage' });
    } finally {
      await receiver.close();
    }
  });

  it('reports a server error as retryable', async () => {
    const receiver = await httpReceiver(() => ({ status: 502 }));
    try {
      const result = await teams.send(notifierContext(), { url: receiver.url }, sampleMessage(), AbortSignal.timeout(5_000));
      expect(result).toMatchObject({ ok: false, status: 502, error: { code: 'HTTP_STATUS' } });
      expect(result.retryable).not.toBe(false);
    } finally {
      await receiver.close();
    }
  });

  it.each([
    [{}, 'url', 'invalid_type'],
    [{ url: 'javascript:alert(1)' }, 'url', 'invalid_format'],
  ])('config %j fails at %s with %s', (input, path, code) => {
    const r = teams.configSchema.safeParse(input);
    expect(issueDetails(r.error!)[0]).toMatchObject({ path, code });
  });
});
