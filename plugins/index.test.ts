import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { builtinProbes } from './index.js';
import { PROBE_API_VERSION, type ProbePlugin } from './sdk.js';

describe('builtin probes', () => {
  // Fails to compile if a probe stops fitting the plain contract the server holds them by.
  const registry: Record<string, ProbePlugin> = builtinProbes;

  it.each(Object.entries(registry))('%s is keyed by its id and fits the contract', (key, probe) => {
    expect(probe.id).toBe(key);
    expect(probe.id).toMatch(/^[a-z0-9-]+$/);
    expect(probe.apiVersion).toBe(PROBE_API_VERSION);
    expect(probe.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(probe.title.length).toBeGreaterThan(0);
    expect(probe.description.length).toBeGreaterThan(0);
    expect(typeof probe.run).toBe('function');
  });

  it.each(Object.entries(registry))('%s config renders as JSON Schema with a description on every field', (_key, probe) => {
    for (const io of ['input', 'output'] as const) {
      const schema = z.toJSONSchema(probe.configSchema, { io }) as { type: string; properties: Record<string, { description?: string }> };
      expect(schema.type).toBe('object');
      for (const [name, field] of Object.entries(schema.properties)) expect(field.description, name).toBeTruthy();
    }
  });
});
