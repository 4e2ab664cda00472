/** The PostgreSQL database of one test worker (`VITEST_POOL_ID`, 1 … maxWorkers), cloned by the global set-up. */
export function workerDatabaseName(base: string, worker: number): string {
  return `${base}_w${worker}`;
}
