/**
 * Hand-written SQL (db/sql.ts: query, rows, row, run) is kept for the measured hot paths only;
 * every other query goes through the EntityManager and QueryBuilder with types from the
 * entities. (Test files and harnesses aside.) A file that imports the raw helpers says so at its top:
 * `Hot path: raw SQL (<what>, measured by bench:<name>).`
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const server = path.resolve(import.meta.dirname, '..');
const RAW = /import\s*\{([^}]*)\}\s*from\s*'(?:\.\.?\/)+db\/sql\.js'/g;
const HELPERS = new Set(['query', 'rows', 'row', 'run']);
const MARK = /Hot path: raw SQL \([^)]*measured by bench:[a-z]+[^)]*\)/;

/** The first comment block of a file (its header). */
const header = (text: string) => /^\s*(?:\/\*\*?[\s\S]*?\*\/|(?:\/\/.*\n)+)/.exec(text)?.[0] ?? '';

export function rawSqlFiles(files: Record<string, string>): { marked: string[]; unmarked: string[] } {
  const marked: string[] = [];
  const unmarked: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    const names = [...text.matchAll(RAW)].flatMap((m) => m[1]!.split(',').map((n) => n.trim().split(/\s+as\s+/)[0]!.replace(/^type\s+/, '')));
    if (!names.some((n) => HELPERS.has(n))) continue;
    (MARK.test(header(text)) ? marked : unmarked).push(file);
  }
  return { marked: marked.sort(), unmarked: unmarked.sort() };
}

function productSources(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const e of readdirSync(server, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || !e.name.endsWith('.ts') || e.name.endsWith('.test.ts')) continue;
    const rel = path.relative(server, path.join(e.parentPath, e.name)).split(path.sep).join('/');
    // Test harnesses (server/testing/, a domain's testing.ts) seed and inspect rows by hand on purpose.
    if (rel === 'db/sql.ts' || rel.startsWith('testing/') || rel.endsWith('/testing.ts')) continue;
    files[rel] = readFileSync(path.join(server, rel), 'utf8');
  }
  return files;
}

describe('raw SQL', () => {
  it('stays on the hot paths: every file using db/sql.ts says which measured path it is', () => {
    const { marked, unmarked } = rawSqlFiles(productSources());
    expect(unmarked).toEqual([]);
    expect(marked.length).toBeLessThanOrEqual(12);
  });

  it('is found however it is imported, and a header mark is what lets it pass', () => {
    const hot = `/**\n * Reads.\n * Hot path: raw SQL (history reads, measured by bench:history).\n */\nimport { rows } from '../db/sql.js';\n`;
    const cold = `/** Reads. */\nimport { rows as queryRows, iso } from '../db/sql.js';\n`;
    const later = `/** Reads. */\nimport { run } from '../db/sql.js';\n// Hot path: raw SQL (x, measured by bench:history).\n`;
    const helperOnly = `/** Dates. */\nimport { iso } from '../db/sql.js';\n`;
    const second = `/** Writes. */\nimport { BATCH } from './sql.js';\nimport { run } from '../../db/sql.js';\n`;
    expect(rawSqlFiles({ 'a.ts': hot, 'b.ts': cold, 'c.ts': later, 'd.ts': helperOnly, 'e.ts': second })).toEqual({ marked: ['a.ts'], unmarked: ['b.ts', 'c.ts', 'e.ts'] });
  });
});
