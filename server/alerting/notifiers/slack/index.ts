/** Slack incoming webhook (also Mattermost and Rocket.Chat, which accept the same payload). */
import { z } from 'zod';
import { defineNotifier, type AlertMessage } from '../../sdk.js';
import { postJson } from '../shared/post.js';
import { secretUrl } from '../shared/schema.js';

const config = z.strictObject({
  url: secretUrl('Incoming webhook URL, https://hooks.slack.com/services/…'),
});

const ICON = { critical: ':red_circle:', warning: ':large_orange_circle:', ok: ':large_green_circle:', info: ':large_blue_circle:' } as const;

/** Slack reads <, > and & as markup even in URLs: a link's label and target are escaped. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Block Kit: plain_text blocks, so nothing from a target's error message is read as markup. */
export function slackPayload(m: AlertMessage) {
  const context = [`${ICON[m.severity]} ${esc(m.at)}`];
  if (m.link) context.push(`<${esc(m.link).replace(/\|/g, '%7C')}|Open in PingPage>`);
  if (m.unsubscribeUrl) context.push(`<${esc(m.unsubscribeUrl).replace(/\|/g, '%7C')}|Unsubscribe>`);
  return {
    text: m.title.slice(0, 3000),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: m.title.slice(0, 150), emoji: true } },
      ...(m.text ? [{ type: 'section', text: { type: 'plain_text', text: m.text.slice(0, 3000), emoji: false } }] : []),
      { type: 'context', elements: [{ type: 'mrkdwn', text: context.join('  ·  ') }] },
    ],
  };
}

export default defineNotifier({
  id: 'slack',
  version: '1.0.0',
  apiVersion: 1,
  title: 'Slack',
  description: 'Posts to a Slack channel through an incoming webhook.',
  configSchema: config,
  targets: (c) => [c.url],
  async send(ctx, c, message, signal) {
    const { answer: _a, ...result } = await postJson(ctx, c.url, slackPayload(message), signal);
    return result;
  },
});
