/** Alert policies as the API answers them, and the certificate thresholds the dashboard shows as the server applies them (server/alerting/decide.ts). */

/** Days-left thresholds of certificate warnings, each alerted once per certificate. */
export const CERT_THRESHOLDS = [30, 14, 7, 1] as const;

/** The policy alerting decides with: a monitor's own, or its organization's default (GET …/alert-defaults). */
export interface AlertPolicy {
  channelIds: string[];
  /** Minutes between reminders while down; null: no reminders. */
  remindEveryMinutes: number | null;
  /** Also alert when degraded (slow, certificate near expiry). */
  onDegraded: boolean;
  /** More than `changes` status changes within `windowMinutes` is flapping. */
  flapping: { changes: number; windowMinutes: number };
}

/** A monitor's `alerts` as the API answers them. */
export interface PolicyJson extends AlertPolicy {
  /** True when the monitor has no policy of its own and follows the org default. */
  inherited: boolean;
}
