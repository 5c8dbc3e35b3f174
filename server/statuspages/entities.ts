/** Status pages, their components and which monitors feed each component. */
import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';
import { COMPONENT_STATUSES } from '../../contracts/vocab.js';
import { Org } from '../auth/entities.js';
import { fk } from '../db/entity.js';
import type { ComponentFields, ComponentMonitorFields, PageFields } from '../incidents/entities.js';
import { Monitor } from '../monitors/entities.js';

export const StatusPage = defineEntity({
  name: 'StatusPage',
  tableName: 'status_pages',
  properties: {
    id: p.uuid().primary(),
    org: () => fk(Org, 'status_pages', 'org_id', 'cascade'),
    /** Lowercase a-z0-9-, the public path /status/<slug>. */
    slug: p.text().unique('status_pages_slug_key'),
    title: p.text(),
    description: p.text().nullable(),
    /** An https URL, a path on this server, or a small data: image. */
    logoUrl: p.text().nullable(),
    /** #rrggbb */
    brandColor: p.text().nullable(),
    /** Lowercase host name without port; served at / once verified. */
    customDomain: p.text().nullable(),
    /** bcrypt; null: a public page. */
    passwordHash: p.text().nullable(),
    showUptime: p.boolean().default(true),
    showLatency: p.boolean().default(false),
    /** Open/resolve incidents when a monitor goes down/up. */
    autoIncidents: p.boolean().default(false),
    footerLinks: p.json<Array<{ label: string; url: string }>>().default('[]'),
    /** As given; sanitized when served. */
    customCss: p.text().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
    /** The TXT record value that proves the custom domain. */
    domainToken: p.text().defaultRaw(`('pingpage-verify-'::text || replace((gen_random_uuid())::text, '-'::text, ''::text))`),
    domainVerifiedAt: p.datetime().nullable(),
    domainCheckedAt: p.datetime().nullable(),
    domainFailures: p.integer().default(0),
    domainError: p.text().nullable(),
  },
  indexes: [
    { name: 'status_pages_org_idx', properties: ['org'] },
    { name: 'status_pages_verified_domain_key', expression: 'CREATE UNIQUE INDEX status_pages_verified_domain_key ON status_pages (lower(custom_domain)) WHERE domain_verified_at IS NOT NULL' },
    { name: 'status_pages_domain_due_idx', expression: 'CREATE INDEX status_pages_domain_due_idx ON status_pages (domain_checked_at) WHERE custom_domain IS NOT NULL' },
  ],
});
export type StatusPageRow = InferEntity<typeof StatusPage>;

export const StatusComponent = defineEntity({
  name: 'StatusComponent',
  tableName: 'status_components',
  properties: {
    id: p.uuid().primary(),
    page: () => fk(StatusPage, 'status_components', 'page_id', 'cascade'),
    name: p.text(),
    description: p.text().nullable(),
    /** Components with the same group are shown together. */
    groupName: p.text().nullable(),
    /** 0-based order on the page. */
    position: p.integer(),
    showUptime: p.boolean().default(true),
    showLatency: p.boolean().default(false),
    /** The status of a component without monitors (or set by hand); monitors decide otherwise. */
    manualStatus: p.enum([...COMPONENT_STATUSES]).default('operational'),
  },
  indexes: [{ name: 'status_components_page_idx', properties: ['page', 'position'] }],
});
export type StatusComponentRow = InferEntity<typeof StatusComponent>;

export const StatusComponentMonitor = defineEntity({
  name: 'StatusComponentMonitor',
  tableName: 'status_component_monitors',
  properties: {
    component: () => fk(StatusComponent, 'status_component_monitors', 'component_id', 'cascade').primary(),
    monitor: () => fk(Monitor, 'status_component_monitors', 'monitor_id', 'cascade').primary(),
  },
  indexes: [{ name: 'status_component_monitors_monitor_idx', properties: ['monitor'] }],
});

/** incidents/ reads these entities by name through the fields it names: this does not compile once they stop providing them. */
type Provides<Row extends Fields, Fields> = Row;
export type IncidentsReads = [
  Provides<StatusPageRow, PageFields>,
  Provides<StatusComponentRow, ComponentFields>,
  Provides<InferEntity<typeof StatusComponentMonitor>, ComponentMonitorFields>,
];

export const statusPagesEntities = [StatusPage, StatusComponent, StatusComponentMonitor];
