/** The first-run tour of an organization, as the API answers it (server/orgs/first-steps.ts reads it). */
import { z } from 'zod';

export const FirstSteps = z
  .object({
    monitor: z.boolean().describe("A monitor other than PingPage's own"),
    channel: z.boolean().describe('A notification channel'),
    statusPage: z.boolean().describe('A status page'),
  })
  .meta({ id: 'FirstSteps' });
export type FirstSteps = z.infer<typeof FirstSteps>;
