/**
 * Group commit: items that arrive while earlier ones are being written are written together, in one transaction,
 * instead of one transaction each. Up to `lanes` writes run at a time; an item that finds a lane free starts at
 * once (no added latency at low load), and a lane that frees takes everything queued meanwhile, up to `maxBatch`.
 * `write` answers one settled result per item, in the items' order, so one item's failure is its own.
 *
 * With `keyOf`, items of one key (the row their write locks, such as their session) are never in two writes at a
 * time: an item whose key a running write holds waits for a later write, and so does every later item of that key,
 * so they keep their order. Lanes then run side by side instead of waiting on each other's row locks.
 *
 * With `gather`, a free lane starts on the event loop's next turn rather than at once, so that it takes everything
 * that the I/O callbacks of this turn submit. For a database in the process (PGlite), whose statements answer in
 * microtasks, a write started at once would end before the next request of the same turn was even read, and every
 * write would hold one item. Over a connection, a lane started at once takes the turn's first item alone while the
 * rest wait for a lane to free.
 */
export interface GroupCommit<I, O> {
  submit(item: I): Promise<O>;
}

interface Pending<I, O> {
  item: I;
  key: string | undefined;
  resolve: (value: O) => void;
  reject: (reason: unknown) => void;
}

export function createGroupCommit<I, O>(
  write: (items: I[]) => Promise<PromiseSettledResult<O>[]>,
  options: { lanes: number; maxBatch: number; keyOf?: (item: I) => string; gather?: boolean },
): GroupCommit<I, O> {
  let queue: Pending<I, O>[] = [];
  let running = 0;
  /** Keys held by the writes running now. */
  const busy = new Set<string>();

  /** Up to `maxBatch` queued items whose keys no running write holds, in the order they came. */
  function takeBatch(): Pending<I, O>[] {
    if (!options.keyOf) return queue.splice(0, options.maxBatch);
    const batch: Pending<I, O>[] = [];
    const left: Pending<I, O>[] = [];
    // A key skipped once stays skipped for this batch, so that a key's items keep their order.
    const skipped = new Set<string>();
    for (const pending of queue) {
      const key = pending.key!;
      if (batch.length < options.maxBatch && !busy.has(key) && !skipped.has(key)) batch.push(pending);
      else {
        skipped.add(key);
        left.push(pending);
      }
    }
    queue = left;
    for (const pending of batch) busy.add(pending.key!);
    return batch;
  }

  async function lane(): Promise<void> {
    running++;
    try {
      for (let batch = takeBatch(); batch.length > 0; batch = takeBatch()) {
        let results: PromiseSettledResult<O>[];
        try {
          results = await write(batch.map((pending) => pending.item));
        } catch (error) {
          results = batch.map(() => ({ status: 'rejected', reason: error }));
        }
        for (const pending of batch) if (pending.key !== undefined) busy.delete(pending.key);
        batch.forEach((pending, index) => {
          const result = results[index];
          if (result?.status === 'fulfilled') pending.resolve(result.value);
          else pending.reject(result ? result.reason : new Error('group commit: no result for the item'));
        });
        // Items held back for the keys just freed may now go in lanes of their own.
        startLanes();
      }
    } finally {
      running--;
    }
  }

  let gathering = false;

  function startLanes(): void {
    if (options.gather) {
      if (gathering) return;
      gathering = true;
      setImmediate(() => {
        gathering = false;
        startLanesNow();
      });
      return;
    }
    startLanesNow();
  }

  function startLanesNow(): void {
    // A lane that finds nothing it may take ends at once.
    while (
      running < options.lanes &&
      queue.length > 0 &&
      (!options.keyOf || queue.some((p) => !busy.has(p.key!)))
    )
      void lane();
  }

  return {
    submit(item) {
      const done = new Promise<O>((resolve, reject) =>
        queue.push({ item, key: options.keyOf?.(item), resolve, reject }),
      );
      startLanes();
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
