/** Config pieces the built-in notifiers share. */
import { z } from 'zod';
import { secret } from '../../sdk.js';

/** An http(s) URL the server will POST to (checked against the outbound policy when saved and when sent). */
export const receiverUrl = z.url({ protocol: /^https?$/ }).max(2048);

/** A secret URL: whoever knows it can post (chat webhooks). Never returned by the API. */
export const secretUrl = (description: string) => secret(receiverUrl).describe(`${description} (secret)`);

/** A secret string: password inputs in forms, masked in API answers. */
export const secretString = (description: string) =>
  secret(z.string().min(1).max(1000)).meta({ format: 'password' }).describe(`${description} (secret)`);

/** The colour of a message by severity, as 0xRRGGBB. */
export const SEVERITY_COLORS = { critical: 0xd92d20, warning: 0xf79009, ok: 0x12b76a, info: 0x2e90fa } as const;
