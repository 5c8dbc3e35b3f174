/** The probes this server runs: built-ins plus configured external plugins, keyed by id. */
import { pathToFileURL } from 'node:url';
import type { ProbePlugin } from '../../plugins/sdk.js';
import type { ProbeInfo } from '../../contracts/plugins.js';
import { hostPort } from '../../plugins/shared/net.js';
import { inputJsonSchema } from '../http/json-schema.js';
import { PluginSecrets } from '../plugin-config/secrets.js';

export type { ProbeInfo };

/** What a config connects to when its plugin does not say: its `url`, else its `host` (with `port`). */
function defaultTargets(config: Record<string, unknown>): string[] {
  if (typeof config.url === 'string') return [config.url];
  if (typeof config.host === 'string') return [typeof config.port === 'number' ? hostPort(config.host, config.port) : config.host];
  return [];
}

/** Where a plugin came from, for messages and for telling its code in a stack trace. */
export interface ProbeOrigin {
  /** How the operator named it, e.g. `plugin ./my-probe` or `the built-in probe http`. */
  source: string;
  /** Its own files: a package directory (ending in a path separator) or a single file. */
  root?: string;
}

export class ProbeRegistry {
  readonly #plugins = new Map<string, ProbePlugin>();
  readonly #info: ProbeInfo[] = [];
  /** Which config fields are secret, per probe: masked in every answer, kept on edits. */
  readonly secrets = new PluginSecrets();
  readonly #origins: Map<string, ProbeOrigin>;

  /** `plugins` are already validated (see loader.ts); their JSON Schemas are computed once here. */
  constructor(plugins: Iterable<ProbePlugin>, origins = new Map<string, ProbeOrigin>()) {
    this.#origins = origins;
    for (const p of plugins) {
      const configSchema = inputJsonSchema(p.configSchema);
      this.#plugins.set(p.id, p);
      this.secrets.add(p.id, configSchema, (config) => this.targets(p.id, config));
      const metadataLabels = Object.fromEntries(Object.entries(p.metadataLabels ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
      this.#info.push({ id: p.id, version: p.version, title: p.title, description: p.description, configSchema, metadataLabels });
    }
  }

  get(id: string): ProbePlugin | undefined {
    return this.#plugins.get(id);
  }

  ids(): string[] {
    return [...this.#plugins.keys()];
  }

  origin(id: string): ProbeOrigin | undefined {
    return this.#origins.get(id);
  }

  /** The plugin whose files a stack frame (`at f (file:///…/x.ts:1:2)` or a path) points into. */
  pluginAt(frame: string): string | undefined {
    for (const [id, { root }] of this.#origins) {
      if (root && (frame.includes(root) || frame.includes(pathToFileURL(root).href))) return id;
    }
    return undefined;
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
