/** The built-in notifiers. Adding one: a folder with index.ts + index.test.ts, and one line here. */
import discord from './discord/index.js';
import email from './email/index.js';
import ntfy from './ntfy/index.js';
import slack from './slack/index.js';
import teams from './teams/index.js';
import webhook from './webhook/index.js';

export const builtinNotifiers = { webhook, slack, discord, teams, email, ntfy };

export type BuiltinNotifierId = keyof typeof builtinNotifiers;
