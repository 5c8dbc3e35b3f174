/**
 * Status pages as the admin API answers them: the stored page (server/statuspages/service.ts), the
 * addresses of its public documents (links.ts) and the DNS records its custom domain needs (dns-advice.ts).
 */
import { z } from 'zod';
import { COMPONENT_STATUSES } from './vocab.js';
import { Id, Time } from './wire.js';

export const FooterLink = z
  .object({
    label: z.string(),
    url: z.string().describe('http(s) or mailto URL, checked on input'),
  })
  .meta({ id: 'FooterLink' });
export type FooterLink = z.infer<typeof FooterLink>;

export const ComponentJson = z
  .object({
    id: Id,
    name: z.string(),
    description: z.string().nullable(),
    group: z.string().nullable().describe('Heading it is listed under; null when ungrouped'),
    position: z.number().int().min(0).describe('0-based order on the page'),
    monitorIds: z.array(Id),
    showUptime: z.boolean(),
    showLatency: z.boolean(),
    status: z.enum(COMPONENT_STATUSES).describe('The status of a component without monitors'),
  })
  .meta({ id: 'StatusPageComponent' });
export type ComponentJson = z.infer<typeof ComponentJson>;

/**
 * How the custom domain is proven (domains.ts): a TXT record named `record` holding `token`.
 * The page is served on the domain only while `verifiedAt` is set.
 */
export const DomainVerification = z
  .object({
    record: z.string().describe('The name of the TXT record: _pingpage.<domain>'),
    token: z.string().describe('What the TXT record must hold'),
    verifiedAt: Time.nullable().describe('When the record was found; null: not served on the domain (yet, or any more)'),
    checkedAt: Time.nullable().describe('The last look-up; null before any'),
    error: z.string().nullable().describe('What the last look-up found wrong; null after a success or before any'),
  })
  .meta({ id: 'DomainVerification' });
export type DomainVerification = z.infer<typeof DomainVerification>;

/** The stored page (service.ts); the API answers it as PageAnswer. */
export const PageJson = z.object({
  id: Id,
  slug: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  logoUrl: z.string().nullable(),
  brandColor: z.string().nullable().describe('#rrggbb'),
  customDomain: z.string().nullable(),
  domainVerification: DomainVerification.nullable().describe('Null without a custom domain'),
  hasPassword: z.boolean().describe('The page asks visitors for a password (the password itself is never answered)'),
  showUptime: z.boolean(),
  showLatency: z.boolean(),
  autoIncidents: z.boolean(),
  footerLinks: z.array(FooterLink),
  customCss: z.string().nullable(),
  components: z.array(ComponentJson),
  url: z.string().describe('Path of the public page on this server, e.g. /status/acme'),
  createdAt: Time,
  updatedAt: Time,
});
export type PageJson = z.infer<typeof PageJson>;

export const DNS_RECORD_TYPES = ['CNAME', 'A', 'AAAA', 'TXT'] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

export const DnsRecord = z
  .object({
    type: z.enum(DNS_RECORD_TYPES),
    name: z.string().describe('The name the record is added at: the custom domain, or `_pingpage.<domain>` for the proof'),
    value: z.string().describe("A host name (CNAME), an address (A, AAAA) or the page's token (TXT)"),
  })
  .meta({ id: 'DnsRecord' });
export type DnsRecord = z.infer<typeof DnsRecord>;

export const DnsAdvice = z
  .object({
    records: z.tuple([DnsRecord, DnsRecord]).describe('The record that sends visitors to PingPage, then the TXT proof'),
    privateTarget: z
      .boolean()
      .describe("PUBLIC_URL's host is this machine's own or a private network's (127.0.0.1, localhost, 10.x…): nobody elsewhere can follow the first record until PUBLIC_URL names the public address"),
  })
  .meta({ id: 'DnsAdvice' });
export type DnsAdvice = z.infer<typeof DnsAdvice>;

/** A badge in its two kinds (public.ts draws them). */
export const BadgeLinks = z
  .object({
    status: z.url().describe('The current status ("operational", "major outage", …)'),
    uptime: z.url().describe('The 90-day uptime in percent'),
  })
  .meta({ id: 'BadgeLinks' });
export type BadgeLinks = z.infer<typeof BadgeLinks>;

export const PageLinks = z
  .object({
    page: z.url(),
    json: z.url().describe('GET /api/v1/public/status-pages/:slug'),
    atom: z.url(),
    rss: z.url(),
    badge: BadgeLinks.describe("The whole page's badge"),
    components: z.array(z.object({ id: Id, name: z.string(), badge: BadgeLinks })).describe("One badge per component, in the page's order"),
  })
  .meta({ id: 'StatusPageLinks' });
export type PageLinks = z.infer<typeof PageLinks>;

/** A status page as the admin API answers it. */
export const PageAnswer = PageJson.extend({
  links: PageLinks.describe('Absolute addresses of its public documents; its JSON, feeds and badges answer a password-protected page only to browsers that unlocked it'),
  dns: DnsAdvice.nullable().describe("The records to add at the custom domain's DNS provider; null without a custom domain"),
}).meta({ id: 'StatusPage' });
export type PageAnswer = z.infer<typeof PageAnswer>;
