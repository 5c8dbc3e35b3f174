/** The text form of DNS answers, as `dig +short` prints them, and how expected answers compare. */
import type { Answer } from 'dns-packet';
import { excerpt } from '../sdk.js';

export type DnsAnswer = {
  /** Record type, e.g. A, CNAME. */
  type: string;
  /** Owner name, without the trailing dot (at most 200 printable bytes, as the server sent it). */
  name: string;
  /** Time to live (seconds). */
  ttl: number;
  /** The record data as text, e.g. `10 mail.example.com` for MX (at most 200 printable bytes). */
  data: string;
};

function text(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return value.map(text).join('');
  return String(value);
}

export function dataText(answer: Answer): string {
  switch (answer.type) {
    case 'MX':
      return `${answer.data.preference ?? 0} ${answer.data.exchange}`;
    case 'TXT':
      // Multi-string records (long SPF, DKIM) are one value split for the wire.
      return text(answer.data);
    case 'SOA': {
      const d = answer.data;
      return `${d.mname} ${d.rname} ${d.serial ?? 0} ${d.refresh ?? 0} ${d.retry ?? 0} ${d.expire ?? 0} ${d.minimum ?? 0}`;
    }
    case 'SRV':
      return `${answer.data.priority ?? 0} ${answer.data.weight ?? 0} ${answer.data.port} ${answer.data.target}`;
    case 'CAA':
      return `${answer.data.flags ?? 0} ${answer.data.tag} "${answer.data.value}"`;
    case 'OPT':
      return '';
    default: {
      const data: unknown = (answer as { data?: unknown }).data;
      if (typeof data === 'string') return data;
      if (Buffer.isBuffer(data)) return data.toString('hex');
      return JSON.stringify(data);
    }
  }
}

export function toAnswer(answer: Answer): DnsAnswer {
  return { type: answer.type, name: answer.name, ttl: 'ttl' in answer ? (answer.ttl ?? 0) : 0, data: dataText(answer) };
}

/** The answer as a result may carry it: what the server sent, cut to printable excerpts. */
export function shownAnswer(answer: DnsAnswer): DnsAnswer {
  return { type: excerpt(answer.type, 20), name: excerpt(answer.name), ttl: answer.ttl, data: excerpt(answer.data) };
}

/** Names compare case-insensitively and without a trailing dot; TXT data is compared as is. */
function normal(type: string, value: string): string {
  const trimmed = value.trim();
  return type === 'TXT' ? trimmed : trimmed.replace(/\.$/, '').replace(/\.(\s)/g, '$1').toLowerCase();
}

/** The expected values that no answer carries. */
export function missingAnswers(expected: string[], answers: DnsAnswer[]): string[] {
  return expected.filter((want) => !answers.some((a) => normal(a.type, a.data) === normal(a.type, want)));
}
