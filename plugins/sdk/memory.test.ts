import { describe, expect, it } from 'vitest';
import { ByteBudget } from './memory.js';

const forever = () => new AbortController().signal;

describe('ByteBudget', () => {
  it('grants while bytes are free, then queues first come first served', async () => {
    const budget = new ByteBudget(100);
    const a = await budget.reserve(60, forever());
    const order: string[] = [];
    const b = budget.reserve(50, forever()).then((r) => (order.push('b'), r));
    const c = budget.reserve(10, forever()).then((r) => (order.push('c'), r)); // fits, but must not overtake b
    await Promise.resolve();
    expect(budget.stats).toEqual({ held: 60, highWater: 60, waited: 2, queued: 2 });
    a.release();
    a.release(); // twice: no effect
    const [rb, rc] = await Promise.all([b, c]);
    expect(order).toEqual(['b', 'c']);
    expect(budget.stats).toEqual({ held: 60, highWater: 60, waited: 2, queued: 0 });
    rb.release();
    rc.release();
    expect(budget.stats.held).toBe(0);
  });

  it('leaves the queue when the signal aborts, letting the next one in', async () => {
    const budget = new ByteBudget(100);
    const a = await budget.reserve(100, forever());
    const gone = new AbortController();
    const b = budget.reserve(80, gone.signal);
    const c = budget.reserve(20, forever());
    gone.abort(new Error('timed out'));
    await expect(b).rejects.toThrow('timed out');
    a.release();
    expect((await c).bytes).toBe(20);
    expect(budget.stats).toMatchObject({ held: 20, queued: 0 });
  });

  it.each([[-1], [1.5], [101], [Number.NaN]])('refuses to reserve %s bytes of 100', async (bytes) => {
    await expect(new ByteBudget(100).reserve(bytes, forever())).rejects.toBeInstanceOf(RangeError);
  });
});
