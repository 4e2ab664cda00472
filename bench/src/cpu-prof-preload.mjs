// Loaded into the app process with NODE_OPTIONS="--import …" when the bench runs with --cpu-prof (Node 20 does not
// accept --cpu-prof itself in NODE_OPTIONS): samples the main thread's CPU from start to exit and writes a
// .cpuprofile, which Chrome DevTools and speedscope open.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.once('exit', () => {
    // The in-process inspector session answers synchronously, so this completes before the process ends.
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `app-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
