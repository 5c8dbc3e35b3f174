/** Reading SMTP replies (RFC 5321 §4.2): `250-first`, `250-more`, `250 last`. */
import type { Socket } from 'node:net';
import { excerpt } from '../../plugins/sdk.js';

export interface Reply {
  /** The three-digit reply code, e.g. 220. */
  code: number;
  /** The text of each line, without the code. */
  lines: string[];
}

/** A coded failure; shaped like the SDK's ProbeFailure so the plugin needs no runtime import of it. */
export class SmtpFailure extends Error {
  override readonly name = 'ProbeFailure';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Replies are short; a server that streams more is not speaking SMTP, and must not grow memory. */
const MAX_REPLY = 64 * 1024;
const LINE = /^(\d{3})(?:([ -])(.*))?$/;

/**
 * Reads one complete reply. `failCode` names what a malformed reply or a closed connection means
 * at this step (a bad greeting is not the same failure as a bad answer to STARTTLS).
 */
export function readReply(socket: Socket, failCode: string): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    let pending = '';
    const lines: string[] = [];
    let code = 0;
    const finish = (err?: Error) => {
      socket.off('data', onData).off('end', onEnd).off('close', onEnd).off('error', onError);
      socket.pause();
      if (err) reject(err);
      else resolve({ code, lines });
    };
    const onData = (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      if (pending.length > MAX_REPLY) return finish(new SmtpFailure(failCode, `Reply longer than ${MAX_REPLY} bytes`));
      let end: number;
      while ((end = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, end).replace(/\r$/, '');
        pending = pending.slice(end + 1);
        const match = LINE.exec(line);
        if (!match) return finish(new SmtpFailure(failCode, `Not an SMTP reply: ${excerpt(line)}`));
        code = Number(match[1]);
        lines.push(match[3] ?? '');
        if (match[2] !== '-') return finish();
      }
    };
    const onEnd = () => finish(new SmtpFailure(failCode, 'The server closed the connection'));
    const onError = (err: Error) => finish(err);
    socket.on('data', onData).on('end', onEnd).on('close', onEnd).on('error', onError);
    socket.resume();
  });
}
