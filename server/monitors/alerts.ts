/**
 * A monitor's `alerts` (API.md), which alerting keeps as the monitor's alert policy. Alerting
 * listens to monitoring's events, so monitoring does not import it: main.ts hands alerting's
 * implementation in (see alerting/README.md, "A monitor's alerts"). Without it a monitor
 * answers no `alerts` and refuses the field.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import type { Actor } from '../auth/audit.js';

export interface MonitorAlertSettings<Input = unknown, Json = unknown> {
  /** Validates `alerts` in a monitor's create and update bodies. */
  schema: z.ZodType<Input>;
  /** What applies to one monitor of the org: its own settings or the org's default. */
  of(em: EntityManager, orgId: string, monitorId: string): Promise<Json>;
  /** What applies to each of the org's monitors `monitorIds`, in one query (monitor lists). */
  forMonitors(em: EntityManager, orgId: string, monitorIds: readonly string[]): Promise<Map<string, Json>>;
  /**
   * Gives the monitor settings of its own, inside the caller's transaction. Refuses channels
   * that are not the org's with 400 VALIDATION_FAILED at `alerts.channelIds.<i>`; audited.
   */
  set(em: EntityManager, orgId: string, monitorId: string, input: Input, actor: Actor): Promise<Json>;
  /** The monitor follows the org's default again, inside the caller's transaction; audited. */
  reset(em: EntityManager, orgId: string, monitorId: string, actor: Actor): Promise<Json>;
}
