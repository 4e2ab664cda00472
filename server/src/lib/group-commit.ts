/**
 * Group commit: items that arrive while earlier ones are being written are written together, in one transaction,
 * instead of one transaction each. Up to `lanes` writes run at a time; an item that finds a lane free starts at
 * once (no added latency at low load), and a lane that frees takes everything queued meanwhile, up to `maxBatch`.
 * `write` answers one settled result per item, in the items' order, so one item's failure is its own.
 */
export interface GroupCommit<I, O> {
  submit(item: I): Promise<O>;
}

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (reason: unknown) => void;
}

export function createGroupCommit<I, O>(
  write: (items: I[]) => Promise<PromiseSettledResult<O>[]>,
  options: { lanes: number; maxBatch: number },
): GroupCommit<I, O> {
  const queue: Pending<I, O>[] = [];
  let running = 0;

  async function lane(): Promise<void> {
    running++;
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, options.maxBatch);
        let results: PromiseSettledResult<O>[];
        try {
          results = await write(batch.map((pending) => pending.item));
        } catch (error) {
          results = batch.map(() => ({ status: 'rejected', reason: error }));
        }
        batch.forEach((pending, index) => {
          const result = results[index];
          if (result?.status === 'fulfilled') pending.resolve(result.value);
          else pending.reject(result ? result.reason : new Error('group commit: no result for the item'));
        });
      }
    } finally {
      running--;
    }
  }

  return {
    submit(item) {
      const done = new Promise<O>((resolve, reject) => queue.push({ item, resolve, reject }));
      if (running < options.lanes) void lane();
      return done;
    },
  };
}

/**
 * Runs `run` for each item, one after another in the items' order, and answers how each settled: how a group
 * commit's `write` stores items one by one when storing them together failed.
 */
export async function eachInTurn<I, O>(
  items: I[],
  run: (item: I) => Promise<O>,
): Promise<PromiseSettledResult<O>[]> {
  const settled: PromiseSettledResult<O>[] = [];
  for (const item of items) {
    settled.push(
      await run(item).then(
        (value) => ({ status: 'fulfilled', value }) as const,
        (reason: unknown) => ({ status: 'rejected', reason }) as const,
      ),
    );
  }
  return settled;
}
