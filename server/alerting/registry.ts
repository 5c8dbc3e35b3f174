/**
 * The notifiers this server sends with, keyed by id, with their JSON Schemas computed once. The
 * schema also says which config fields are secret (`writeOnly`): they are masked in every answer.
 */
import { inputJsonSchema } from '../http/json-schema.js';
import { PluginSecrets } from '../plugin-config/secrets.js';
import { NOTIFIER_API_VERSION, type NotifierPlugin } from './sdk.js';
import type { PluginInfo } from '../../contracts/plugins.js';

export class NotifierRegistry {
  readonly #plugins = new Map<string, NotifierPlugin>();
  /** Which config fields are secret, per notifier: masked in every answer, kept on edits. */
  readonly secrets = new PluginSecrets();
  /** GET /notifiers: each notifier with its config as JSON Schema, input side (defaults are optional). */
  readonly #info: PluginInfo[] = [];

  constructor(plugins: Iterable<NotifierPlugin>) {
    for (const p of plugins) {
      if (p.apiVersion !== NOTIFIER_API_VERSION) throw new Error(`Notifier ${p.id}: unknown apiVersion ${String(p.apiVersion)}`);
      const configSchema = inputJsonSchema(p.configSchema);
      this.#plugins.set(p.id, p);
      this.secrets.add(p.id, configSchema, (config) => p.targets?.(config) ?? []);
      this.#info.push({ id: p.id, version: p.version, title: p.title, description: p.description, configSchema });
    }
  }

  get(id: string): NotifierPlugin | undefined {
    return this.#plugins.get(id);
  }

  ids(): string[] {
    return [...this.#plugins.keys()];
  }

  /** What GET /notifiers answers. */
  list(): readonly PluginInfo[] {
    return this.#info;
  }
}
