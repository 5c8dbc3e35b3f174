/** Facts about a peer certificate, in the units dashboards and alerting use. */
import type { PeerCertificate } from 'node:tls';
import { excerpt } from '../sdk.js';

const DAY_MS = 86_400_000;

export type CertificateFacts = {
  /** Subject common name, or the whole subject when it has no CN (at most 200 printable bytes: the target chose it). */
  subject: string;
  /** Issuer common name (or organisation when the issuer has no CN); at most 200 printable bytes. */
  issuer: string;
  /** Start of validity, ISO 8601 UTC. */
  validFrom: string;
  /** End of validity, ISO 8601 UTC. */
  validTo: string;
  /** Whole days until validTo, rounded down; negative once expired. */
  daysLeft: number;
  /** Names the certificate covers (DNS names and IP addresses from subjectAltName), each at most 200 printable bytes. */
  sans: string[];
  /** SHA-256 fingerprint, colon-separated hex: changes when the certificate is replaced. */
  fingerprint256: string;
};

/** How the dashboard labels certificate facts in a result's metadata (http and tls probes). */
export const CERTIFICATE_LABELS = {
  subject: 'Subject',
  issuer: 'Issuer',
  validFrom: 'Valid from',
  validTo: 'Valid until',
  daysLeft: 'Days left',
  sans: 'Names covered',
  fingerprint256: 'SHA-256 fingerprint',
} as const satisfies Record<keyof CertificateFacts, string>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function nameOf(name: Record<string, string | string[] | undefined> | undefined): string {
  if (!name) return '';
  return (
    first(name.CN) ??
    first(name.O) ??
    Object.entries(name)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ')
  );
}

/** `DNS:a.test, IP Address:127.0.0.1` → ['a.test', '127.0.0.1'] */
export function parseSans(subjectaltname: string | undefined): string[] {
  if (!subjectaltname) return [];
  return subjectaltname
    .split(/,\s*/)
    .map((entry) => entry.replace(/^(DNS|IP Address|email|URI):/, ''))
    .filter((entry) => entry.length > 0);
}

/** Undefined when the peer sent no certificate (or one without readable dates). */
export function certificateFacts(cert: PeerCertificate | undefined, now = Date.now()): CertificateFacts | undefined {
  const validTo = new Date(cert?.valid_to ?? NaN);
  const validFrom = new Date(cert?.valid_from ?? NaN);
  if (!cert || Number.isNaN(validTo.getTime()) || Number.isNaN(validFrom.getTime())) return undefined;
  return {
    subject: excerpt(nameOf(cert.subject as unknown as Record<string, string | string[]>)),
    issuer: excerpt(nameOf(cert.issuer as unknown as Record<string, string | string[]>)),
    validFrom: validFrom.toISOString(),
    validTo: validTo.toISOString(),
    daysLeft: Math.floor((validTo.getTime() - now) / DAY_MS),
    sans: parseSans(cert.subjectaltname).map((name) => excerpt(name)),
    fingerprint256: cert.fingerprint256,
  };
}
