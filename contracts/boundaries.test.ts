/**
 * The import direction (issue 14): client/ speaks to the server only through contracts/, and
 * contracts/ stands alone. Every import of every file is read (static, dynamic, `export … from`)
 * and resolved against the file's folder:
 * - a file under client/src may not reach server/ or plugins/ (nothing is allowed: the dashboard
 *   and the status page script need nothing there since the wire shapes, words and figures moved);
 * - a file of contracts/ may import only zod and other contracts/ files, never server/, client/,
 *   plugins/, a Node module (node:…, fs, …) or any other package: it runs in the browser too. Its tests are the one
 *   exception: vitest runs them in Node and Vite never bundles them, so they may read the disk.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

/** The module specifiers a source file names. */
export function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [/\bfrom\s*(['"])([^'"]+)\1/g, /\bimport\s*(['"])([^'"]+)\1/g, /\bimport\s*\(\s*(['"])([^'"]+)\1\s*\)/g];
  for (const re of patterns) for (const m of source.matchAll(re)) found.push(m[2]);
  return found;
}

/** Source files under `dir` (relative to the repository), skipping build output. */
function sources(dir: string, tests = true): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|js|svelte)$/.test(e.name) && (tests || !e.name.endsWith('.test.ts')))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .filter((f) => !f.split(path.sep).includes('dist') && !f.split(path.sep).includes('node_modules'));
}

/** Where a relative specifier of `file` lands, as a path from the repository root; bare ones as they are. */
const target = (file: string, spec: string) => (spec.startsWith('.') ? path.relative(root, path.resolve(root, path.dirname(file), spec)) : spec);

const under = (p: string, dir: string) => p === dir || p.startsWith(dir + path.sep);

/** The imports of `file` that break its folder's rule, as "file → specifier". */
export function violations(file: string, source: string): string[] {
  const bad = specifiers(source).filter((spec) => {
    const to = target(file, spec);
    if (under(file, 'client')) return under(to, 'server') || under(to, 'plugins');
    if (under(file, 'contracts')) {
      if (!spec.startsWith('.')) return spec !== 'zod';
      return !under(to, 'contracts');
    }
    return false;
  });
  return bad.map((spec) => `${file} → ${spec}`);
}

describe('import boundaries', () => {
  it('finds every kind of import, and a crossing of each rule', () => {
    expect(specifiers(`import a from './a.js';\nimport type { B } from "../b";\nexport { c } from './c';\nimport './d.css';\nconst e = await import('./e.js');`))
      .toEqual(['./a.js', '../b', './c', './d.css', './e.js']);
    expect(violations('client/src/lib/x.ts', `import { a } from '../../../server/http/body.js';`)).toHaveLength(1);
    expect(violations('client/src/components/X.svelte', `<script lang="ts">\n  import { b } from '../../../plugins/sdk';\n</script>`)).toHaveLength(1);
    expect(violations('client/src/lib/x.ts', `import { c } from '../../../contracts/events';\nimport { mount } from 'svelte';`)).toEqual([]);
    expect(violations('contracts/x.ts', `import { a } from '../server/errors.js';`)).toHaveLength(1);
    expect(violations('contracts/x.ts', `import { a } from '../client/src/lib/api';`)).toHaveLength(1);
    expect(violations('contracts/x.ts', `import { a } from '../plugins/sdk.js';`)).toHaveLength(1);
    expect(violations('contracts/x.ts', `import { randomUUID } from 'node:crypto';`)).toHaveLength(1);
    expect(violations('contracts/x.ts', `import fs from 'fs';`)).toHaveLength(1);
    expect(violations('contracts/x.ts', `import { z } from 'zod';\nimport type { A } from './vocab.js';`)).toEqual([]);
  });

  it('keeps client/ out of server/ and plugins/', () => {
    const files = sources('client/src');
    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap((f) => violations(f, readFileSync(path.join(root, f), 'utf8')))).toEqual([]);
  });

  it('keeps contracts/ to zod and itself', () => {
    const files = sources('contracts', false);
    expect(files).toContain(path.join('contracts', 'events.ts'));
    expect(files.flatMap((f) => violations(f, readFileSync(path.join(root, f), 'utf8')))).toEqual([]);
  });
});
