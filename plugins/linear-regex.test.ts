/**
 * No plugin compiles a pattern with JavaScript's backtracking engine: user patterns go through the
 * SDK's linearRegex()/regexField() (RE2). A source scan of every plugin (built-in and examples):
 * no RegExp constructor, and match/matchAll/search only with a regex literal (a string argument
 * would be compiled into a RegExp).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const RULES: Array<[RegExp, string]> = [
  [/\bRegExp\s*\(/, 'constructs a RegExp'],
  [/\.(?:match|matchAll|search)\(\s*(?!\/)/, 'passes a non-literal pattern to match/matchAll/search'],
];

function violations(file: string, text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const [rule, what] of RULES) if (rule.test(line)) found.push(`${file}:${i + 1} ${what}: ${line.trim()}`);
  });
  return found;
}

function pluginSources(): string[] {
  return ['plugins', 'examples'].flatMap((dir) =>
    (readdirSync(path.join(root, dir), { recursive: true }) as string[])
      .filter((f) => /\.(?:ts|mts|js|mjs)$/.test(f) && !/\.test\.[mc]?[jt]s$/.test(f) && !f.split(path.sep).includes('node_modules'))
      .map((f) => path.join(dir, f)),
  );
}

describe('plugin sources', () => {
  it('never compile a pattern with the backtracking engine', () => {
    const files = pluginSources();
    expect(files).toEqual(expect.arrayContaining(['plugins/http/index.ts', 'plugins/tcp/index.ts', 'examples/smtp-probe/index.ts']));
    expect(files.flatMap((f) => violations(f, readFileSync(path.join(root, f), 'utf8')))).toEqual([]);
  });

  it.each([
    ['new RegExp(config.keyword)', 1],
    ['RegExp(pattern, "i")', 1],
    ['text.match(config.expect)', 1],
    ['body.search(needle)', 1],
    ['line.match(/^\\d+$/)', 0],
    ['path.matchAll(/x/g)', 0],
    ['linearRegex(config.keyword).test(body)', 0],
  ])('the scan flags %s: %i', (line, count) => {
    expect(violations('x.ts', line)).toHaveLength(count);
  });
});
