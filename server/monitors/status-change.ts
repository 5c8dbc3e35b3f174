/** What status pages and automatic incidents hear of monitoring: a monitor's status, nothing more. */
import type { MonitorStatus } from '../../contracts/monitors.js';

/** A monitor's status change as the monitoring layer announces it. */
export interface MonitorStatusChange {
  monitorId: string;
  status: MonitorStatus;
  /** ISO 8601 UTC, when the monitor entered this status; now when absent. */
  since?: string;
}

/** Subscribes to monitor status changes; answers the unsubscribe function. */
export type OnMonitorStatus = (listener: (e: MonitorStatusChange) => void) => () => void;
