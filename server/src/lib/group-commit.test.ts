import { describe, expect, it } from 'vitest';
import { createGroupCommit } from './group-commit.js';

/** A write that the test finishes by hand, recording the batches it was given. */
function manualWrite() {
  const batches: number[][] = [];
  const finishers: Array<() => void> = [];
  const write = (items: number[]) => {
    batches.push(items);
    return new Promise<PromiseSettledResult<string>[]>((resolve) =>
      finishers.push(() =>
        resolve(
          items.map((item) =>
            item < 0
              ? { status: 'rejected', reason: new Error(`bad ${item}`) }
              : { status: 'fulfilled', value: `stored ${item}` },
          ),
        ),
      ),
    );
  };
  return { write, batches, finish: (index: number) => finishers[index]!() };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('group commit', () => {
  it('writes an item at once when a lane is free, and what queued meanwhile together', async () => {
    const { write, batches, finish } = manualWrite();
    const group = createGroupCommit(write, { lanes: 1, maxBatch: 3 });
    const first = group.submit(1);
    expect(batches).toEqual([[1]]);
    const waiting = [2, 3, 4, 5].map((item) => group.submit(item));
    await tick();
    expect(batches).toEqual([[1]]);
    finish(0);
    expect(await first).toBe('stored 1');
    await tick();
    expect(batches).toEqual([[1], [2, 3, 4]]);
    finish(1);
    await tick();
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
    finish(2);
    expect(await Promise.all(waiting)).toEqual(['stored 2', 'stored 3', 'stored 4', 'stored 5']);
  });

  it('runs as many writes side by side as it has lanes', async () => {
    const { write, batches, finish } = manualWrite();
    const group = createGroupCommit(write, { lanes: 2, maxBatch: 10 });
    const all = [1, 2, 3, 4].map((item) => group.submit(item));
    expect(batches).toEqual([[1], [2]]);
    finish(1);
    await tick();
    expect(batches).toEqual([[1], [2], [3, 4]]);
    finish(0);
    finish(2);
    expect(await Promise.all(all)).toEqual(['stored 1', 'stored 2', 'stored 3', 'stored 4']);
  });

  it('fails only the items that failed, and every item of a write that threw', async () => {
    const { write, finish } = manualWrite();
    const group = createGroupCommit(write, { lanes: 1, maxBatch: 10 });
    const first = group.submit(1);
    const rest = [2, -3, 4].map((item) => group.submit(item).catch((error: Error) => error.message));
    finish(0);
    await first;
    await tick();
    finish(1);
    expect(await Promise.all(rest)).toEqual(['stored 2', 'bad -3', 'stored 4']);

    let calls = 0;
    const throwing = createGroupCommit<number, string>(
      () => {
        calls++;
        return Promise.reject(new Error('connection lost'));
      },
      { lanes: 1, maxBatch: 10 },
    );
    const failed = await Promise.allSettled([throwing.submit(1), throwing.submit(2)]);
    expect(failed.map((r) => r.status === 'rejected' && (r.reason as Error).message)).toEqual([
      'connection lost',
      'connection lost',
    ]);
    // The lane is free again: the next item is written.
    await expect(throwing.submit(3)).rejects.toThrow('connection lost');
    expect(calls).toBe(3);
  });
  it('never writes items of one key in two writes at a time, and keeps their order', async () => {
    const { write, batches, finish } = manualWrite();
    // The key is the item's tens: 11 and 12 share one, as two messages of one session do.
    const group = createGroupCommit(write, {
      lanes: 3,
      maxBatch: 10,
      keyOf: (item) => String(Math.floor(item / 10)),
    });
    const all = [11, 12, 21, 13, 31].map((item) => group.submit(item));
    // 11 went at once; 12 waits for it, and so does 13 (after 12); 21 and 31 take the other lanes.
    expect(batches).toEqual([[11], [21], [31]]);
    finish(1);
    finish(2);
    await tick();
    expect(batches).toEqual([[11], [21], [31]]);
    const later = group.submit(22);
    expect(batches).toEqual([[11], [21], [31], [22]]);
    finish(0);
    await tick();
    expect(batches).toEqual([[11], [21], [31], [22], [12, 13]]);
    finish(3);
    finish(4);
    expect(await Promise.all([...all, later])).toEqual([
      'stored 11',
      'stored 12',
      'stored 21',
      'stored 13',
      'stored 31',
      'stored 22',
    ]);
  });

  it('writes items of different keys together when a lane is free', async () => {
    const { write, batches, finish } = manualWrite();
    const group = createGroupCommit(write, { lanes: 1, maxBatch: 10, keyOf: (item) => String(item % 2) });
    const all = [1, 2, 3, 4].map((item) => group.submit(item));
    expect(batches).toEqual([[1]]);
    finish(0);
    await tick();
    // 3 shares 1's key, but 1 is written: the next write may take it, in its order.
    expect(batches).toEqual([[1], [2, 3, 4]]);
    finish(1);
    expect(await Promise.all(all)).toEqual(['stored 1', 'stored 2', 'stored 3', 'stored 4']);
  });

  it('with `gather`, writes together what callbacks of one turn of the event loop submit', async () => {
    // A write that never leaves the microtask queue, as a transaction on in-process PGlite does: without
    // gathering, each callback's item would be written before the next callback ran.
    const batches: number[][] = [];
    const write = async (items: number[]) => {
      batches.push(items);
      await Promise.resolve();
      return items.map((item) => ({ status: 'fulfilled', value: item }) as const);
    };
    for (const gather of [false, true]) {
      batches.length = 0;
      const group = createGroupCommit(write, { lanes: 1, maxBatch: 10, gather });
      const submitted = await new Promise<Array<Promise<number>>>((resolve) => {
        const all: Array<Promise<number>> = [];
        for (const item of [1, 2, 3]) setImmediate(() => all.push(group.submit(item)));
        setImmediate(() => resolve(all));
      });
      expect(await Promise.all(submitted)).toEqual([1, 2, 3]);
      expect(batches).toEqual(gather ? [[1, 2, 3]] : [[1], [2], [3]]);
    }
  });
});
