import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { WorkQueue } from './work-queue.js';

/** A job that ends when the test says, noting when it ran. */
function job(log: string[], name: string) {
  let end!: () => void;
  const done = new Promise<void>((r) => (end = r));
  return { run: () => (log.push(`start ${name}`), done.then(() => log.push(`end ${name}`))), end: () => end() };
}

describe('WorkQueue', () => {
  it('runs at most `slots` jobs at once, the rest in arrival order, and refuses past `waiting` without running the job', async () => {
    const q = new WorkQueue({ slots: 2, waiting: 2 });
    const log: string[] = [];
    const jobs = ['a', 'b', 'c', 'd'].map((n) => job(log, n));
    const runs = jobs.map((j) => q.run(j.run));
    let ranE = false;
    const refused = await q.run(async () => void (ranE = true)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).status).toBe(429);
    expect((refused as AppError).code).toBe('BUSY');
    expect((refused as AppError).headers?.['Retry-After']).toBe('1');
    expect(ranE).toBe(false);
    expect(() => q.admit()).toThrow(AppError);
    expect(log).toEqual(['start a', 'start b']);
    jobs[1]!.end();
    await runs[1];
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['start a', 'start b', 'end b', 'start c']);
    expect(q.full).toBe(false);
    for (const j of jobs) j.end();
    await Promise.all(runs);
    expect(log.filter((l) => l.startsWith('start'))).toEqual(['start a', 'start b', 'start c', 'start d']);
    expect(q.stats).toEqual({ started: 4, refused: 2 });
  });

  it('a job that throws frees its slot', async () => {
    const q = new WorkQueue({ slots: 1, waiting: 1 });
    await expect(q.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await q.run(async () => 'next')).toBe('next');
  });

  it('resize() starts waiting jobs when slots grow', async () => {
    const q = new WorkQueue({ slots: 1, waiting: 5 });
    const log: string[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((n) => job(log, n));
    const runs = [q.run(a!.run), q.run(b!.run), q.run(c!.run)];
    expect(log).toEqual(['start a']);
    q.resize({ slots: 3, waiting: 5 });
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['start a', 'start b', 'start c']);
    for (const j of [a, b, c]) j!.end();
    await Promise.all(runs);
  });
});
