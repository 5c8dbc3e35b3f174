/** The status pages API's requests (bodies), validated once at the edge by server/statuspages/. */
import { z } from 'zod';
import { longText, passwordSchema, text } from './input.js';
import { safeHref } from './markdown.js';
import { Slug } from './status-page.js';
import { COMPONENT_STATUSES } from './vocab.js';

/** Longest custom CSS served (characters); the API refuses longer input (server/statuspages/render/css.ts cuts there too). */
export const CUSTOM_CSS_MAX = 20_000;

/** A logo URL that may appear in src: https/http, a same-site path, or a data: image. */
export function logoSrc(url: string | null): string | null {
  if (!url) return null;
  if (/^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=]+$/.test(url)) return url;
  if (/^\/[^/\\]/.test(url) && !/[\s"'<>]/.test(url)) return url;
  const href = safeHref(url);
  return href && href.startsWith('http') ? href : null;
}

/** Slugs that would shadow our own paths or read as official. */
export const RESERVED_SLUGS = new Set([
  '_', 'admin', 'api', 'app', 'assets', 'atom', 'auth', 'badge', 'badges', 'dashboard', 'docs', 'feed', 'feeds', 'healthz',
  'help', 'incidents', 'login', 'logout', 'maintenance', 'metrics', 'new', 'pingpage', 'public', 'readyz', 'rss', 'settings',
  'signup', 'socket-io', 'static', 'status', 'support', 'theme', 'unlock', 'www',
]);

const custom = (code: string, message: string) => ({ message, params: { code } });

export const slugSchema = Slug.refine((s) => !RESERVED_SLUGS.has(s), custom('SLUG_RESERVED', 'This slug is reserved'));

export const hostSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(?=.*[a-z])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'A host name such as status.example.com, without scheme or port');

/** Empty means none: null (undefined stays undefined, for PATCH). */
const optionalText = (max: number) =>
  longText(max, 0).nullable().optional().transform((v) => (v ? v : v === undefined ? undefined : null));

export const componentInput = z.strictObject({
  /** Present to keep (and update) an existing component on PATCH. */
  id: z.uuid().optional(),
  name: text(100),
  description: optionalText(500),
  group: optionalText(60),
  monitorIds: z.array(z.uuid()).max(50).default([]),
  showUptime: z.boolean().default(true),
  showLatency: z.boolean().default(false),
  /** The status of a component without monitors. */
  status: z.enum(COMPONENT_STATUSES).default('operational'),
});

const footerLink = z.strictObject({
  label: text(60),
  url: z.string().max(2000).refine((u) => safeHref(u) !== null, custom('INVALID_URL', 'Use an http, https or mailto URL')),
});

const pageFields = {
  title: text(100),
  description: optionalText(1000),
  logoUrl: z
    .string()
    .max(40_000)
    .refine((u) => logoSrc(u) !== null, custom('INVALID_LOGO_URL', 'Use an https URL, a path on this server or a base64 data: image'))
    .nullable()
    .optional(),
  brandColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'A colour as #rrggbb').nullable().optional(),
  customDomain: hostSchema.nullable().optional(),
  /** Protects the page; null removes the protection. Never answered back. */
  password: passwordSchema.nullable().optional(),
  showUptime: z.boolean().optional(),
  showLatency: z.boolean().optional(),
  autoIncidents: z.boolean().optional(),
  footerLinks: z.array(footerLink).max(10).optional(),
  customCss: longText(CUSTOM_CSS_MAX, 0).nullable().optional(),
};

export const pageCreate = z.strictObject({
  slug: slugSchema,
  ...pageFields,
  components: z.array(componentInput).max(200).default([]),
});

export const pagePatch = z.strictObject({
  slug: slugSchema.optional(),
  ...pageFields,
  title: text(100).optional(),
  /** Replaces the list: components with an id are kept and updated, others created, missing ones deleted. */
  components: z.array(componentInput).max(200).optional(),
});

export type ComponentInput = z.output<typeof componentInput>;
export type PageCreate = z.output<typeof pageCreate>;
export type PagePatch = z.output<typeof pagePatch>;
