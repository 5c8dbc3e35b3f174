import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from './config.js';

const readme = readFileSync(path.resolve(import.meta.dirname, '../README.md'), 'utf8');

describe('README', () => {
  it('shows exactly the two set-up commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
  });

  it('documents every configuration variable of the schema, and no other', () => {
    const rows = [...readme.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(rows.sort()).toEqual(Object.keys(configSchema.shape).sort());
    for (const [name, schema] of Object.entries(configSchema.shape)) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${name}\` |`))!;
      expect(row, name).toContain(schema.description!);
    }
  });
});
