/**
 * Microsoft Teams through a Workflows ("When a Teams webhook request is received") URL, which
 * takes an Adaptive Card. Text goes into TextRuns, which Teams never reads as Markdown.
 */
import { z } from 'zod';
import { defineNotifier, type AlertMessage } from '../../sdk.js';
import { postJson } from '../shared/post.js';
import { secretUrl } from '../shared/schema.js';

const config = z.strictObject({
  url: secretUrl('Workflows webhook URL (Teams → Workflows → "Post to a channel when a webhook request is received")'),
});

const COLOR = { critical: 'Attention', warning: 'Warning', ok: 'Good', info: 'Accent' } as const;

const run = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text, ...extra }] });

export function teamsPayload(m: AlertMessage) {
  const actions: Array<Record<string, string>> = [];
  if (m.link) actions.push({ type: 'Action.OpenUrl', title: 'Open in PingPage', url: m.link });
  if (m.unsubscribeUrl) actions.push({ type: 'Action.OpenUrl', title: 'Unsubscribe', url: m.unsubscribeUrl });
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            run(m.title.slice(0, 500), { weight: 'Bolder', size: 'Medium', color: COLOR[m.severity] }),
            ...(m.text ? [run(m.text.slice(0, 4000))] : []),
            run(m.at, { isSubtle: true, size: 'Small' }),
          ],
          actions,
        },
      },
    ],
  };
}

export default defineNotifier({
  id: 'teams',
  version: '1.0.0',
  apiVersion: 1,
  title: 'Microsoft Teams',
  description: 'Posts an Adaptive Card to a Teams channel through a Workflows webhook.',
  configSchema: config,
  targets: (c) => [c.url],
  async send(ctx, c, message, signal) {
    const { answer: _a, ...result } = await postJson(ctx, c.url, teamsPayload(message), signal);
    return result;
  },
});
