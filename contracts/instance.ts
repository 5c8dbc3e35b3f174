/** GET /instance: what a client needs before anyone signs in (server/instance.ts answers it). */
export interface InstanceJson {
  needsSetup: boolean;
  /** The first account must give the set-up code PingPage printed at start (asked from another machine). */
  setupCodeRequired: boolean;
  signup: 'invite' | 'open';
  version: string;
  /** PUBLIC_URL: the API's base URL is this + /api/v1. */
  publicUrl: string;
}
