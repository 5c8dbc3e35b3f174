/** The plugin catalogues (GET /probes, GET /notifiers): what a client renders config forms from. */
import { z } from 'zod';

/** A notifier (GET /notifiers), and what a probe adds to. */
export const PluginInfo = z
  .object({
    id: z.string().describe("Stable key stored with what uses the plugin, e.g. 'http'"),
    version: z.string().describe("The plugin's semver"),
    title: z.string(),
    description: z.string(),
    configSchema: z.record(z.string(), z.unknown()).describe('The config as JSON Schema, as the API accepts it (defaults are optional); secrets carry writeOnly'),
  })
  .meta({ id: 'Plugin' });
export type PluginInfo = z.infer<typeof PluginInfo>;

/** A probe (GET /probes). */
export const ProbeInfo = PluginInfo.extend({
  metadataLabels: z.record(z.string(), z.string()).describe("How to label the keys of its results' metadata; {} when it gives none"),
}).meta({ id: 'Probe' });
export type ProbeInfo = z.infer<typeof ProbeInfo>;
