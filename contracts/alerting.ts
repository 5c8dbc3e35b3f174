/** Alerting figures the dashboard shows as the server applies them (server/alerting/decide.ts). */

/** Days-left thresholds of certificate warnings, each alerted once per certificate. */
export const CERT_THRESHOLDS = [30, 14, 7, 1] as const;
