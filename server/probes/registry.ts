/** The probes this server runs: built-ins plus configured external plugins, keyed by id. */
import type { ProbePlugin } from '../../plugins/sdk.js';
import { hostPort } from '../../plugins/shared/net.js';
import { inputJsonSchema } from '../http/json-schema.js';
import { PluginSecrets } from '../plugin-config/secrets.js';

export interface ProbeInfo {
  id: string;
  version: string;
  title: string;
  description: string;
  /** The config's JSON Schema as the API accepts it (input side: defaults are optional); secrets carry `writeOnly`. */
  configSchema: unknown;
}

/** What a config connects to when its plugin does not say: its `url`, else its `host` (with `port`). */
function defaultTargets(config: Record<string, unknown>): string[] {
  if (typeof config.url === 'string') return [config.url];
  if (typeof config.host === 'string') return [typeof config.port === 'number' ? hostPort(config.host, config.port) : config.host];
  return [];
}

export class ProbeRegistry {
  readonly #plugins = new Map<string, ProbePlugin>();
  readonly #info: ProbeInfo[] = [];
  /** Which config fields are secret, per probe: masked in every answer, kept on edits. */
  readonly secrets = new PluginSecrets();

  /** `plugins` are already validated (see loader.ts); their JSON Schemas are computed once here. */
  constructor(plugins: Iterable<ProbePlugin>) {
    for (const p of plugins) {
      const configSchema = inputJsonSchema(p.configSchema);
      this.#plugins.set(p.id, p);
      this.secrets.add(p.id, configSchema, (config) => this.targets(p.id, config));
      this.#info.push({ id: p.id, version: p.version, title: p.title, description: p.description, configSchema });
    }
  }

  get(id: string): ProbePlugin | undefined {
    return this.#plugins.get(id);
  }

  ids(): string[] {
    return [...this.#plugins.keys()];
  }

  /** What GET /probes answers. */
  list(): readonly ProbeInfo[] {
    return this.#info;
  }

  /** The URLs or `host[:port]` a config of probe `id` connects to (the plugin's `targets`, or the default). */
  targets(id: string, config: Record<string, unknown>): string[] {
    const own = this.#plugins.get(id)?.targets;
    return own ? own(config) : defaultTargets(config);
  }
}
