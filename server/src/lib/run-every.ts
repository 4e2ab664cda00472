/**
 * Runs `task` every `intervalMs`, one run at a time (a tick that finds one under way passes), without keeping the
 * process alive. `task` handles its own failures. Answers a stop that waits for a run under way.
 */
export function runEvery(intervalMs: number, task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= task().finally(() => (running = undefined));
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
