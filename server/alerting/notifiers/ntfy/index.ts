/** ntfy (ntfy.sh or self-hosted): a push notification through its JSON publish endpoint. */
import { z } from 'zod';
import { defineNotifier, type AlertMessage, type Severity } from '../../sdk.js';
import { postJson } from '../shared/post.js';
import { receiverUrl, secretString } from '../shared/schema.js';

const PRIORITIES = { min: 1, low: 2, default: 3, high: 4, max: 5 } as const;
const BY_SEVERITY: Record<Severity, number> = { critical: 5, warning: 4, ok: 3, info: 3 };
const TAGS: Record<Severity, string> = { critical: 'rotating_light', warning: 'warning', ok: 'white_check_mark', info: 'information_source' };

const config = z.strictObject({
  server: receiverUrl.default('https://ntfy.sh').describe('ntfy server URL'),
  topic: z.string().regex(/^[-_A-Za-z0-9]{1,64}$/, 'Letters, digits, - and _ (at most 64)').describe('Topic to publish to'),
  priority: z
    .enum(['auto', 'min', 'low', 'default', 'high', 'max'])
    .default('auto')
    .describe('auto: max for down, high for warnings, default otherwise'),
  token: secretString('Access token (tk_…) for protected topics').optional(),
});

export function ntfyPayload(m: AlertMessage, c: z.output<typeof config>) {
  return {
    topic: c.topic,
    title: m.title.slice(0, 250),
    message: (m.text || m.title).slice(0, 4000),
    priority: c.priority === 'auto' ? BY_SEVERITY[m.severity] : PRIORITIES[c.priority],
    tags: [TAGS[m.severity]],
    ...(m.link ? { click: m.link } : {}),
  };
}

export default defineNotifier({
  id: 'ntfy',
  version: '1.0.0',
  apiVersion: 1,
  title: 'ntfy',
  description: 'Sends a push notification through an ntfy server (ntfy.sh or your own).',
  configSchema: config,
  targets: (c) => [c.server],
  async send(ctx, c, message, signal) {
    // JSON publishing goes to the server's root (or the path it is mounted under).
    const url = c.server.replace(/\/+$/, '') + '/';
    const headers = c.token ? { authorization: `Bearer ${c.token}` } : undefined;
    const { answer: _a, ...result } = await postJson(ctx, url, ntfyPayload(message, c), signal, headers);
    return result;
  },
});
