/**
 * The certificate thresholds the dashboard shows as the server applies them
 * (server/alerting/decide.ts). No zod here: the dashboard bundles this file as it is.
 */

/** Days-left thresholds of certificate warnings, each alerted once per certificate. */
export const CERT_THRESHOLDS = [30, 14, 7, 1] as const;
