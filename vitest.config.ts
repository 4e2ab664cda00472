import { defineConfig } from 'vitest/config';

/**
 * One run covers every workspace. The server suite runs on embedded PGlite always, and a second time on
 * PostgreSQL when TEST_DATABASE_URL is set (CI sets it), so both drivers stay on one code path.
 *
 * Files run in three workers: most of them wait on sockets, timers and Chromium rather than on the two cores.
 * Each worker has a PostgreSQL database of its own, cloned from TEST_DATABASE_URL by the global set-up.
 *
 * A worker runs file after file in one process (`isolate: false`), so the server's modules load once per worker
 * rather than once per file: that halves the run. A test must close what it starts (apps, databases, browsers):
 * what one file leaves running, the next files of its worker share. The workers live for the whole run (`minWorkers`): a worker stopped when idle would end
 * the run with "Terminating worker thread".
 */
const serverProject = (name: string, driver: 'pglite' | 'postgres') => ({
  extends: true as const,
  test: {
    name,
    root: 'server',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    env: { TEST_DB: driver },
    globalSetup: driver === 'postgres' ? ['test/global-setup.ts'] : ['test/pglite-global-setup.ts'],
  },
});

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    isolate: false,
    maxWorkers: Number(process.env.TEST_WORKERS ?? 3),
    minWorkers: Number(process.env.TEST_WORKERS ?? 3),
    projects: [
      serverProject('server:pglite', 'pglite'),
      ...(process.env.TEST_DATABASE_URL ? [serverProject('server:postgres', 'postgres')] : []),
      {
        extends: true,
        test: { name: 'sandbox', root: 'sandbox', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
      },
      // The benchmark's smoke run needs PostgreSQL; it uses a database of its own on the same server.
      ...(process.env.TEST_DATABASE_URL
        ? [{ extends: true as const, test: { name: 'bench', root: 'bench', include: ['test/**/*.test.ts'] } }]
        : []),
    ],
  },
});
