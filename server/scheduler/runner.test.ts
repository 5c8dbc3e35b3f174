import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ByteBudget, defineProbe, plainContext, ProbeFailure, type ProbePlugin } from '../../plugins/sdk.js';
import { Runner, targetKeyOf } from './runner.js';

const never = new Promise<never>(() => {});
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function probe(run: (signal: AbortSignal) => unknown, extra: Partial<ProbePlugin> = {}): ProbePlugin {
  return defineProbe({
    id: 'test',
    version: '1.0.0',
    apiVersion: 1,
    title: 'Test',
    description: 'Test',
    configSchema: z.object({}),
    run: async (_ctx, _config, signal) => run(signal) as never,
    ...extra,
  }) as ProbePlugin;
}

const runner = new Runner({ context: plainContext, graceMs: 20 });
const run = (p: ProbePlugin, timeoutMs = 50) => runner.run({ probe: p, config: {}, timeoutMs });

describe('Runner', () => {
  it.each([
    ['passes a good result through', () => ({ ok: true, timings: { total: 1 }, metadata: { a: 1 } }), true, undefined],
    ['keeps a failure the probe reported', () => ({ ok: false, error: { code: 'STATUS_MISMATCH', message: 'no' }, timings: {}, metadata: {} }), false, 'STATUS_MISMATCH'],
    ['a throw', () => {
      throw new TypeError('cannot read x of undefined');
    }, false, 'PROBE_CRASHED'],
    ['a rejection with a non-error', () => Promise.reject('nope'), false, 'PROBE_CRASHED'],
    ['a thrown ProbeFailure keeps its code', () => {
      throw new ProbeFailure('DNS_FAILED', 'no such host');
    }, false, 'DNS_FAILED'],
    ['a hang that ignores the signal', () => never, false, 'TIMEOUT'],
    ['a probe that stops when aborted', (signal: AbortSignal) => new Promise((_r, reject) => signal.addEventListener('abort', () => reject(signal.reason))), false, 'TIMEOUT'],
    ['a pass that arrives after the deadline', async () => {
      await wait(60);
      return { ok: true, timings: {}, metadata: {} };
    }, false, 'TIMEOUT'],
    ['undefined', () => undefined, false, 'PROBE_BAD_RESULT'],
    ['a string', () => 'ok', false, 'PROBE_BAD_RESULT'],
    ['ok as a string', () => ({ ok: 'yes', timings: {}, metadata: {} }), false, 'PROBE_BAD_RESULT'],
    ['a failure without an error', () => ({ ok: false, timings: {}, metadata: {} }), false, 'PROBE_BAD_RESULT'],
    ['a negative timing', () => ({ ok: true, timings: { total: -1 }, metadata: {} }), false, 'PROBE_BAD_RESULT'],
    ['an unknown phase', () => ({ ok: true, timings: { dns: 1 }, metadata: {} }), true, undefined],
    ['a lowercase error code', () => ({ ok: false, error: { code: 'bad', message: 'x' }, timings: {}, metadata: {} }), false, 'PROBE_BAD_RESULT'],
    ['metadata that is not JSON', () => ({ ok: true, timings: {}, metadata: { n: 10n } }), false, 'PROBE_BAD_RESULT'],
  ])('%s', async (_name, body, ok, code) => {
    const { result } = await run(probe(body as (s: AbortSignal) => unknown));
    expect(result.ok).toBe(ok);
    expect(result.error?.code).toBe(code);
    expect(result.timings.total).toEqual(expect.any(Number));
  });

  it('replaces oversized metadata instead of storing it', async () => {
    const { result } = await run(probe(() => ({ ok: true, timings: {}, metadata: { blob: 'x'.repeat(100_000) } })));
    expect(result).toMatchObject({ ok: true, metadata: { dropped: 'metadata larger than 16384 bytes' } });
  });

  it('cuts an overlong message instead of refusing the result', async () => {
    const { result } = await run(probe(() => ({ ok: false, error: { code: 'HTTP_ERROR', message: 'x'.repeat(5_000) }, timings: {}, metadata: {} })));
    expect(result.error?.code).toBe('HTTP_ERROR');
    expect(Buffer.byteLength(result.error!.message)).toBe(1_000);
    expect(result.error?.message.endsWith('x…')).toBe(true);
  });

  it('makes a careless plugin\'s message and metadata printable: no escape sequence or NUL reaches a result', async () => {
    const { result } = await run(
      probe(() => ({
        ok: false,
        error: { code: 'BANNER_MISMATCH', message: 'got \x1b[2J\x00 from the target\r\n' },
        timings: {},
        metadata: { banner: '\x1b]0;owned\x07', lines: ['ok', '\u202eexe'], nested: { n: 1, s: 'fine' } },
      })),
    );
    expect(result.error).toEqual({ code: 'BANNER_MISMATCH', message: 'got \\x1b[2J\\x00 from the target\\r\\n' });
    expect(result.metadata).toEqual({ banner: '\\x1b]0;owned\\x07', lines: ['ok', '\\u202eexe'], nested: { n: 1, s: 'fine' } });
  });

  it('leaves clean metadata as the very object the plugin returned', async () => {
    const metadata = { statusCode: 200, redirects: ['https://example.com/é'] };
    const { result } = await run(probe(() => ({ ok: true, timings: {}, metadata })));
    expect(result.metadata).toBe(metadata);
  });

  it('gives back memory a plugin forgot to release when its check ends, and never grants it more afterwards', async () => {
    const budget = new ByteBudget(100);
    const r = new Runner({ context: { ...plainContext, memory: budget }, graceMs: 10 });
    let late: Promise<unknown> = Promise.resolve();
    const forgetful = probe(() => ({ ok: true, timings: {}, metadata: {} }), {
      async run(ctx, _config, signal) {
        await ctx.memory.reserve(60, signal);
        late = ctx.memory.reserve(60, new AbortController().signal); // waits: only 40 left
        return { ok: true, timings: {}, metadata: {} };
      },
    });
    expect((await r.run({ probe: forgetful, config: {}, timeoutMs: 1_000 })).result.ok).toBe(true);
    let settled = false;
    late.finally(() => (settled = true));
    await wait(10);
    expect(settled).toBe(false);
    expect(budget.stats).toEqual({ held: 0, highWater: 60, waited: 1, queued: 0 });
  });

  it('counts plugins it had to abandon', async () => {
    const r = new Runner({ context: plainContext, graceMs: 10 });
    await r.run({ probe: probe(() => never), config: {}, timeoutMs: 10 });
    expect(r.stats).toEqual({ runs: 1, abandoned: 1 });
  });

  it('holds the global concurrency limit, queueing the rest', async () => {
    const r = new Runner({ context: plainContext, concurrency: 2, perTarget: 100 });
    let active = 0;
    let peak = 0;
    const p = probe(async () => {
      active++;
      peak = Math.max(peak, active);
      await wait(5);
      active--;
      return { ok: true, timings: {}, metadata: {} };
    });
    const hosts = ['a', 'b', 'c', 'd', 'e', 'f'];
    const outcomes = await Promise.all(hosts.map((host) => r.run({ probe: p, config: { host }, timeoutMs: 1_000 })));
    expect(outcomes.every((o) => o.result.ok)).toBe(true);
    expect(peak).toBe(2);
  });

  it('holds the per-target limit without blocking other targets', async () => {
    const r = new Runner({ context: plainContext, concurrency: 10, perTarget: 1 });
    const activeBy = new Map<string, number>();
    const peakBy = new Map<string, number>();
    let concurrentTargets = 0;
    let peakTargets = 0;
    const p = probe(async () => ({ ok: true, timings: {}, metadata: {} }));
    p.run = async (_ctx, config: { url: string }) => {
      const host = new URL(config.url).host;
      activeBy.set(host, (activeBy.get(host) ?? 0) + 1);
      peakBy.set(host, Math.max(peakBy.get(host) ?? 0, activeBy.get(host)!));
      concurrentTargets = [...activeBy.values()].filter((n) => n > 0).length;
      peakTargets = Math.max(peakTargets, concurrentTargets);
      await wait(5);
      activeBy.set(host, activeBy.get(host)! - 1);
      return { ok: true, timings: {}, metadata: {} };
    };
    const urls = ['http://a.test/1', 'http://a.test/2', 'http://a.test/3', 'http://b.test/', 'http://c.test/'];
    await Promise.all(urls.map((url) => r.run({ probe: p, config: { url }, timeoutMs: 1_000 })));
    expect(peakBy.get('a.test')).toBe(1);
    expect(peakTargets).toBe(3);
  });

  it.each([
    [{ url: 'https://Example.com:8443/x' }, undefined, 'example.com:8443'],
    [{ host: 'db.internal', port: 5432 }, undefined, 'db.internal:5432'],
    [{ host: 'db.internal' }, undefined, 'db.internal'],
    [{ name: 'example.com' }, undefined, undefined],
    [{ url: 'http://x/' }, () => 'own-key', 'own-key'],
    [{ url: 'http://x/' }, () => {
      throw new Error('broken');
    }, 'x'],
  ])('targetKeyOf(%j) → %s', (config, targetKey, key) => {
    expect(targetKeyOf(probe(() => undefined, targetKey ? { targetKey } : {}), config)).toBe(key);
  });
});
