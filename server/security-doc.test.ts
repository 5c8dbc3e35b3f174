/** SECURITY.md points at tests by file and name: every one it names must exist, or the table lies. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const doc = readFileSync(path.join(root, 'SECURITY.md'), 'utf8');

/** [file, test name] pairs: a `path.test.ts` sets the file, `› "name", "name"` names tests in it. */
function citations(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let file = '';
  for (const m of doc.matchAll(/`([\w/.-]+\.test\.ts)`|›((?:\s*"[^"]+",?)+)/g)) {
    if (m[1]) file = m[1];
    else for (const name of m[2]!.matchAll(/"([^"]+)"/g)) out.push([file, name[1]!]);
  }
  return out;
}

describe('SECURITY.md', () => {
  it('names test files that exist', () => {
    const files = [...doc.matchAll(/`([\w/.-]+\.test\.ts)`/g)].map((m) => m[1]!);
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) expect(existsSync(path.join(root, f)), f).toBe(true);
  });

  it('names tests that exist in the file it names', () => {
    const cited = citations();
    expect(cited.length).toBeGreaterThan(40);
    for (const [file, name] of cited) {
      expect(file, name).not.toBe('');
      // "…" stands for the rest of a long name; apostrophes compare as typed, whatever their shape or escape.
      const plain = (s: string) => s.replaceAll('’', "'").replaceAll("\\'", "'");
      const text = plain(name.endsWith(' …') ? name.slice(0, -2) : name);
      expect(plain(readFileSync(path.join(root, file), 'utf8')), `${file} › ${name}`).toContain(text);
    }
  });
});
