/** The probes this server runs: built-ins plus configured external plugins, keyed by id. */
import type { ProbePlugin } from '../../plugins/sdk.js';
import { inputJsonSchema } from '../http/json-schema.js';

export interface ProbeInfo {
  id: string;
  version: string;
  title: string;
  description: string;
  /** The config's JSON Schema as the API accepts it (input side: defaults are optional). */
  configSchema: unknown;
}

export class ProbeRegistry {
  readonly #plugins = new Map<string, ProbePlugin>();
  readonly #info: ProbeInfo[] = [];

  /** `plugins` are already validated (see loader.ts); their JSON Schemas are computed once here. */
  constructor(plugins: Iterable<ProbePlugin>) {
    for (const p of plugins) {
      this.#plugins.set(p.id, p);
      this.#info.push({
        id: p.id,
        version: p.version,
        title: p.title,
        description: p.description,
        configSchema: inputJsonSchema(p.configSchema),
      });
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
}
