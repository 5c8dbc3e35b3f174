/** Discord channel webhook: one embed per alert, mentions disabled. */
import { z } from 'zod';
import { defineNotifier, type AlertMessage } from '../../sdk.js';
import { postJson } from '../shared/post.js';
import { secretUrl, SEVERITY_COLORS } from '../shared/schema.js';

const config = z.strictObject({
  url: secretUrl('Webhook URL, https://discord.com/api/webhooks/…'),
  username: z.string().trim().min(1).max(80).default('PingPage').describe('Name the messages are posted under'),
});

/** Embeds render Markdown: a target's error text must not become links or formatting. */
const esc = (s: string) => s.replace(/([\\*_~`|<>[\]()#-])/g, '\\$1');

export function discordPayload(m: AlertMessage, username: string) {
  const lines = [esc(m.text)];
  if (m.unsubscribeUrl) lines.push(`[Unsubscribe](${m.unsubscribeUrl})`);
  return {
    username,
    // No @everyone, @here, role or user pings, whatever the text says.
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: m.title.slice(0, 256),
        description: lines.join('\n\n').slice(0, 4096),
        color: SEVERITY_COLORS[m.severity],
        timestamp: m.at,
        ...(m.link ? { url: m.link } : {}),
        footer: { text: `PingPage · ${m.event}` },
      },
    ],
  };
}

export default defineNotifier({
  id: 'discord',
  version: '1.0.0',
  apiVersion: 1,
  title: 'Discord',
  description: 'Posts an embed to a Discord channel through a channel webhook.',
  configSchema: config,
  targets: (c) => [c.url],
  async send(ctx, c, message, signal) {
    const { answer: _a, ...result } = await postJson(ctx, c.url, discordPayload(message, c.username), signal);
    return result;
  },
});
