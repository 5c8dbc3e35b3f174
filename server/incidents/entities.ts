/**
 * Incidents (with their updates and the pages and components they touch) and maintenance
 * windows (with the monitors, components and pages they cover). Status pages and components
 * belong to statuspages/, a domain above this one: referenced by name (db/entity.ts `above`).
 */
import { defineEntity, p, type EntitySchema, type InferEntity } from '@mikro-orm/postgresql';
import { COMPONENT_STATUSES, IMPACTS, INCIDENT_STATUSES } from '../../contracts/vocab.js';
import { Org, User } from '../auth/entities.js';
import { above, fk } from '../db/entity.js';
import { Monitor } from '../monitors/entities.js';

const StatusPage = above('StatusPage');
const StatusComponent = above('StatusComponent');

/**
 * What this domain reads of status pages, their components and which monitors feed them (to
 * check an incident's targets, to open automatic incidents, to find the monitors a maintenance
 * covers): the fields it needs, on the entities statuspages/ defines, named like `above`.
 * statuspages/entities.ts does not compile when its entities stop providing these fields.
 */
export interface PageFields {
  id: string;
  org: { id: string };
  autoIncidents: boolean;
}
export interface ComponentFields {
  id: string;
  page: PageFields;
  name: string;
  position: number;
}
export interface ComponentMonitorFields {
  component: ComponentFields;
  monitor: { id: string };
}
const readOf = <T extends object>(name: string) => above(name) as unknown as EntitySchema<T, never>;
export const PageOf = readOf<PageFields>('StatusPage');
export const ComponentOf = readOf<ComponentFields>('StatusComponent');
export const ComponentMonitorOf = readOf<ComponentMonitorFields>('StatusComponentMonitor');

export const Incident = defineEntity({
  name: 'Incident',
  tableName: 'incidents',
  properties: {
    id: p.uuid().primary(),
    org: () => fk(Org, 'incidents', 'org_id', 'cascade'),
    title: p.text(),
    impact: p.enum([...IMPACTS]),
    status: p.enum([...INCIDENT_STATUSES]),
    /** Opened by a monitor going down on a page with automatic incidents. */
    autoCreated: p.boolean().default(false),
    monitor: () => fk(Monitor, 'incidents', 'monitor_id', 'set null').nullable(),
    startedAt: p.datetime(),
    resolvedAt: p.datetime().nullable(),
    createdBy: () => fk(User, 'incidents', 'created_by', 'set null').nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime(),
  },
  indexes: [
    { name: 'incidents_org_idx', expression: 'CREATE INDEX incidents_org_idx ON incidents (org_id, started_at DESC)' },
    { name: 'incidents_open_auto_key', expression: 'CREATE UNIQUE INDEX incidents_open_auto_key ON incidents (monitor_id) WHERE auto_created AND resolved_at IS NULL' },
  ],
});
export type IncidentRow = InferEntity<typeof Incident>;

export const IncidentUpdate = defineEntity({
  name: 'IncidentUpdate',
  tableName: 'incident_updates',
  properties: {
    id: p.uuid().primary(),
    incident: () => fk(Incident, 'incident_updates', 'incident_id', 'cascade'),
    status: p.enum([...INCIDENT_STATUSES]),
    message: p.text(),
    at: p.datetime(),
    createdBy: () => fk(User, 'incident_updates', 'created_by', 'set null').nullable(),
  },
  indexes: [{ name: 'incident_updates_incident_idx', properties: ['incident', 'at'] }],
});
export type IncidentUpdateRow = InferEntity<typeof IncidentUpdate>;

export const IncidentPage = defineEntity({
  name: 'IncidentPage',
  tableName: 'incident_pages',
  properties: {
    incident: () => fk(Incident, 'incident_pages', 'incident_id', 'cascade').primary(),
    page: () => fk(StatusPage, 'incident_pages', 'page_id', 'cascade').primary(),
  },
  indexes: [{ name: 'incident_pages_page_idx', properties: ['page'] }],
});

export const IncidentComponent = defineEntity({
  name: 'IncidentComponent',
  tableName: 'incident_components',
  properties: {
    incident: () => fk(Incident, 'incident_components', 'incident_id', 'cascade').primary(),
    component: () => fk(StatusComponent, 'incident_components', 'component_id', 'cascade').primary(),
    /** What the incident says of the component. */
    status: p.enum([...COMPONENT_STATUSES]),
  },
});
export type IncidentComponentRow = InferEntity<typeof IncidentComponent>;

export const Maintenance = defineEntity({
  name: 'Maintenance',
  tableName: 'maintenances',
  properties: {
    id: p.uuid().primary(),
    org: () => fk(Org, 'maintenances', 'org_id', 'cascade'),
    title: p.text(),
    description: p.text().default(''),
    startsAt: p.datetime(),
    endsAt: p.datetime(),
    createdBy: () => fk(User, 'maintenances', 'created_by', 'set null').nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
  indexes: [
    { name: 'maintenances_org_idx', expression: 'CREATE INDEX maintenances_org_idx ON maintenances (org_id, starts_at DESC)' },
    { name: 'maintenances_ends_idx', properties: ['endsAt'] },
  ],
  checks: [{ name: 'maintenances_check', expression: 'ends_at > starts_at' }],
});
export type MaintenanceRow = InferEntity<typeof Maintenance>;

export const MaintenanceMonitor = defineEntity({
  name: 'MaintenanceMonitor',
  tableName: 'maintenance_monitors',
  properties: {
    maintenance: () => fk(Maintenance, 'maintenance_monitors', 'maintenance_id', 'cascade').primary(),
    monitor: () => fk(Monitor, 'maintenance_monitors', 'monitor_id', 'cascade').primary(),
  },
});

export const MaintenanceComponent = defineEntity({
  name: 'MaintenanceComponent',
  tableName: 'maintenance_components',
  properties: {
    maintenance: () => fk(Maintenance, 'maintenance_components', 'maintenance_id', 'cascade').primary(),
    component: () => fk(StatusComponent, 'maintenance_components', 'component_id', 'cascade').primary(),
  },
});

export const MaintenancePage = defineEntity({
  name: 'MaintenancePage',
  tableName: 'maintenance_pages',
  properties: {
    maintenance: () => fk(Maintenance, 'maintenance_pages', 'maintenance_id', 'cascade').primary(),
    page: () => fk(StatusPage, 'maintenance_pages', 'page_id', 'cascade').primary(),
  },
  indexes: [{ name: 'maintenance_pages_page_idx', properties: ['page'] }],
});

export const incidentsEntities = [Incident, IncidentUpdate, IncidentPage, IncidentComponent, Maintenance, MaintenanceMonitor, MaintenanceComponent, MaintenancePage];
