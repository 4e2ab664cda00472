import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Does `work` once per test run. Browser test files run side by side in several workers and share what is built
 * for them (the workspace, the widget): the first to get here builds and the others wait until it is done, so no
 * page loads a file another build is replacing. The run is the parent process of every worker.
 */
export async function oncePerRun(name: string, work: () => Promise<void>): Promise<void> {
  const marker = path.join(tmpdir(), `switchboard-${name}-${process.ppid}`);
  try {
    mkdirSync(marker);
  } catch {
    const start = Date.now();
    while (!existsSync(`${marker}/done`)) {
      if (Date.now() - start > 120_000) throw new Error(`${name} did not finish`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return;
  }
  await work();
  writeFileSync(`${marker}/done`, '');
}
