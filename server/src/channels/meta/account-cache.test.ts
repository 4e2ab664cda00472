import { describe, expect, it } from 'vitest';
import { cachedAccounts } from './account-cache.js';

describe('accounts named by webhooks, kept for a moment', () => {
  it('reads once for concurrent and close webhooks, again after two seconds, and never keeps "none found"', async () => {
    const db = {};
    let reads = 0;
    const load = (rows: string[]) => async () => {
      reads++;
      return rows;
    };
    const [a, b] = await Promise.all([
      cachedAccounts(db, 'whatsapp:1', load(['account 1']), 1_000),
      cachedAccounts(db, 'whatsapp:1', load(['account 1']), 1_000),
    ]);
    expect([a, b, reads]).toEqual([['account 1'], ['account 1'], 1]);
    expect(await cachedAccounts(db, 'whatsapp:1', load(['changed']), 2_900)).toEqual(['account 1']);
    expect(await cachedAccounts(db, 'whatsapp:1', load(['changed']), 3_000)).toEqual(['changed']);
    expect(reads).toBe(2);

    // A number connected a moment after a webhook that named it is seen at once.
    expect(await cachedAccounts(db, 'whatsapp:2', load([]), 3_000)).toEqual([]);
    expect(await cachedAccounts(db, 'whatsapp:2', load(['account 2']), 3_001)).toEqual(['account 2']);
    // Another database (another app in the same process) has its own.
    expect(await cachedAccounts({}, 'whatsapp:1', load(['other']), 3_002)).toEqual(['other']);
  });

  it('forgets a failed read', async () => {
    const db = {};
    await expect(
      cachedAccounts(db, 'k', () => Promise.reject(new Error('connection lost')), 0),
    ).rejects.toThrow('connection lost');
    expect(await cachedAccounts(db, 'k', async () => ['account'], 1)).toEqual(['account']);
  });
});
