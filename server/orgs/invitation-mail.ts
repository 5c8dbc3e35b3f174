import { randomUUID } from 'node:crypto';
import type { AlertMessage, SendResult } from '../alerting/sdk.js';
import type { Role } from '../../contracts/auth.js';

/** Sends one message to one address through the operator's SMTP server (alerting's Sender.toAddress). */
export type SendMail = (to: string, message: AlertMessage) => Promise<SendResult>;

/** The dashboard page that shows an invitation and accepts it. */
export const invitationLink = (publicUrl: string, token: string) => `${publicUrl.replace(/\/+$/, '')}/invite/${token}`;

export function invitationMessage(o: { orgName: string; inviter: string | null; role: Role; link: string; expiresAt: string }): AlertMessage {
  const who = o.inviter ?? 'An admin';
  const at = new Date().toISOString();
  return {
    id: randomUUID(),
    event: 'invitation',
    title: `${who} invited you to ${o.orgName} on PingPage`,
    text: [
      `${who} invited you to join ${o.orgName} on PingPage as ${o.role === 'admin' ? 'an' : 'a'} ${o.role}.`,
      `Open the link below to accept. It works once, for this email address only, until ${o.expiresAt.replace('T', ' ').slice(0, 16)} UTC.`,
      'If you did not expect this, ignore this message: nothing happens without you.',
    ].join('\n\n'),
    severity: 'info',
    at,
    link: o.link,
    facts: { event: 'invitation', at },
  };
}
