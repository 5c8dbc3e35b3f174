/** The first-run tour of an organization, as the API answers it (server/orgs/first-steps.ts reads it). */

export interface FirstSteps {
  /** A monitor other than PingPage's own. */
  monitor: boolean;
  /** A notification channel. */
  channel: boolean;
  /** A status page. */
  statusPage: boolean;
}
