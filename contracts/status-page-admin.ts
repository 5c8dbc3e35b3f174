/**
 * Status pages as the admin API answers them: the stored page (server/statuspages/service.ts), the
 * addresses of its public documents (links.ts) and the DNS records its custom domain needs (dns-advice.ts).
 */
import type { ComponentStatus } from './vocab.js';

export interface FooterLink {
  label: string;
  /** http(s) or mailto URL, checked on input. */
  url: string;
}

export interface ComponentJson {
  id: string;
  name: string;
  description: string | null;
  group: string | null;
  /** 0-based order on the page. */
  position: number;
  monitorIds: string[];
  showUptime: boolean;
  showLatency: boolean;
  /** The status of a component without monitors. */
  status: ComponentStatus;
}

export interface PageJson {
  id: string;
  slug: string;
  title: string;
  description: string | null;
  logoUrl: string | null;
  brandColor: string | null;
  customDomain: string | null;
  /**
   * How the custom domain is proven (domains.ts): a TXT record named `record` holding `token`.
   * Null without a custom domain. The page is served on the domain only while `verifiedAt` is set.
   */
  domainVerification: {
    record: string;
    token: string;
    /** ISO 8601: when the record was found; null: not served on the domain (yet, or any more). */
    verifiedAt: string | null;
    /** ISO 8601 of the last look-up; null before any. */
    checkedAt: string | null;
    /** What the last look-up found wrong; null after a success or before any. */
    error: string | null;
  } | null;
  /** The page asks visitors for a password (the password itself is never answered). */
  hasPassword: boolean;
  showUptime: boolean;
  showLatency: boolean;
  autoIncidents: boolean;
  footerLinks: FooterLink[];
  customCss: string | null;
  components: ComponentJson[];
  /** Path of the public page on this server. */
  url: string;
  createdAt: string;
  updatedAt: string;
}

export type DnsRecordType = 'CNAME' | 'A' | 'AAAA' | 'TXT';

export interface DnsRecord {
  type: DnsRecordType;
  /** The name the record is added at: the custom domain, or `_pingpage.<domain>` for the proof. */
  name: string;
  /** A host name (CNAME), an address (A, AAAA) or the page's token (TXT). */
  value: string;
}

export interface DnsAdvice {
  /** The record that sends visitors to PingPage, then the TXT proof. */
  records: [DnsRecord, DnsRecord];
  /**
   * PUBLIC_URL's host is this machine's own or a private network's (127.0.0.1, localhost, 10.x…):
   * nobody elsewhere can follow the first record until PUBLIC_URL names the public address.
   */
  privateTarget: boolean;
}

/** A badge in its two kinds (public.ts draws them). */
export interface BadgeLinks {
  /** The current status ("operational", "major outage", …). */
  status: string;
  /** The 90-day uptime in percent. */
  uptime: string;
}

export interface PageLinks {
  page: string;
  /** GET /api/v1/public/status-pages/:slug */
  json: string;
  atom: string;
  rss: string;
  /** The whole page's badge. */
  badge: BadgeLinks;
  /** One badge per component, in the page's order. */
  components: Array<{ id: string; name: string; badge: BadgeLinks }>;
}

export type PageAnswer = PageJson & {
  links: PageLinks;
  /** The records to add at the custom domain's DNS provider; null without a custom domain. */
  dns: DnsAdvice | null;
};
