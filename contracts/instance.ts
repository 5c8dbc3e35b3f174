/** GET /instance: what a client needs before anyone signs in (server/instance.ts answers it). */
import { z } from 'zod';

export const InstanceJson = z
  .object({
    needsSetup: z.boolean().describe('No account exists yet'),
    setupCodeRequired: z.boolean().describe('The first account must give the set-up code PingPage printed at start (asked from another machine)'),
    signup: z.enum(['invite', 'open']).describe('Who may sign up (PINGPAGE_SIGNUP)'),
    version: z.string(),
    publicUrl: z.string().describe('PUBLIC_URL: the API\'s base URL is this + /api/v1'),
  })
  .meta({ id: 'Instance' });
export type InstanceJson = z.infer<typeof InstanceJson>;
