import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from './socket-client.js';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface AppProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/*
 * A port below the kernel's ephemeral range (32768 and up on Linux), picked at random and free when probed. A port
 * the kernel hands out (listen on 0) can be taken by any outgoing connection between the probe and the app's own
 * listen, which the test process and its databases make by the hundred; one below the range can only be taken by a
 * listener, and parallel workers rarely pick the same one of 12,000.
 */
const LOWEST = 20_000;
const RANGE = 12_000;

export async function freePort(): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * RANGE);
    if (await canListen(port)) return port;
    if (attempt === 50) throw new Error('no free port found below the ephemeral range');
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Starts `src/main.ts` as its own process, as `npm start` does, with the given environment. */
export async function spawnApp(env: Record<string, string>): Promise<AppProcess> {
  const port = env.PORT ?? String(await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      ...env,
      PORT: port,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Waits until the process answers /readyz, or fails with what it printed. */
/**
 * Waits until the process answers `/readyz`. A process compiles its TypeScript as it starts (tsx): on a busy 2-core
 * machine running three test workers and Chromium that took over 30 s, hence the long default.
 */
export async function waitReady(app: AppProcess, timeoutMs = 90_000): Promise<void> {
  const start = Date.now();
  let exited = false;
  void app.exited.then(() => (exited = true));
  while (Date.now() - start < timeoutMs) {
    if (exited) throw new Error(`process exited:\n${app.output()}`);
    try {
      if ((await fetch(`${app.url}/readyz`)).status === 200) return;
    } catch {
      /* not listening yet */
    }
    await sleep(100);
  }
  throw new Error(`not ready within ${timeoutMs} ms:\n${app.output()}`);
}
