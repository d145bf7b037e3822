/**
 * The process the benchmark measures in. `bench/run.ts` transpiles this file to
 * `bench/out/child.mjs` and starts it with plain `node --expose-gc` (no tsx, no loader hooks),
 * so an import timed here is Node loading the bundle and nothing else. It takes orders over IPC.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { createLambdaContext } from '../local/lambda-context.js';

export type Order =
  /** Import the bundle (timed), call one of its exports once (timed), report CPU time and RSS. */
  | { type: 'cold'; bundle: string; name: string; args: unknown[] }
  /** Import the bundle (timed) and keep it. */
  | { type: 'load'; bundle: string }
  /** Call one of the bundle's exports with these arguments (timed); `handler` gets a context. */
  | { type: 'call'; name: string; args: unknown[] }
  /** Collect garbage, then report the heap and RSS. */
  | { type: 'memory' }
  | { type: 'exit' };

export type Reply =
  | {
      type: 'cold';
      initMs: number;
      firstInvokeMs: number;
      /** CPU time (user + system, every thread) of the import, and of the import and the call. */
      initCpuMs: number;
      coldCpuMs: number;
      rss: number;
      result: unknown;
    }
  | { type: 'loaded'; initMs: number }
  | { type: 'called'; ms: number; result: unknown }
  | { type: 'memory'; heapUsed: number; rss: number }
  | { type: 'error'; message: string };

type Exports = Record<string, (...args: unknown[]) => Promise<unknown>>;

const ACCOUNT_ID = process.env.BENCH_ACCOUNT_ID ?? '123456789012';
const REGION = process.env.AWS_REGION ?? 'us-east-1';
const context = (): Context =>
  createLambdaContext({ accountId: ACCOUNT_ID, region: REGION, timeoutMs: 60_000 });

let loaded: Exports | undefined;

async function load(bundle: string): Promise<number> {
  const url = pathToFileURL(bundle).href;
  const start = performance.now();
  loaded = (await import(url)) as Exports;
  return performance.now() - start;
}

async function call(name: string, args: unknown[]): Promise<{ ms: number; result: unknown }> {
  const fn = loaded?.[name];
  if (typeof fn !== 'function') throw new Error(`the bundle exports no function ${name}`);
  const fullArgs = name === 'handler' ? [...args, context()] : args;
  const start = performance.now();
  const result = await fn(...fullArgs);
  return { ms: performance.now() - start, result };
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
}

function collect(): { heapUsed: number; rss: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('start the child with --expose-gc');
  gc();
  gc();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
}

async function obey(order: Order): Promise<Reply | undefined> {
  switch (order.type) {
    case 'cold': {
      const cpu = process.cpuUsage();
      const initMs = await load(order.bundle);
      const initCpuMs = cpuMsSince(cpu);
      const { ms, result } = await call(order.name, order.args);
      const coldCpuMs = cpuMsSince(cpu);
      const rss = process.memoryUsage().rss;
      return { type: 'cold', initMs, firstInvokeMs: ms, initCpuMs, coldCpuMs, rss, result };
    }
    case 'load':
      return { type: 'loaded', initMs: await load(order.bundle) };
    case 'call':
      return { type: 'called', ...(await call(order.name, order.args)) };
    case 'memory':
      return { type: 'memory', ...collect() };
    case 'exit':
      process.disconnect?.();
      return undefined;
  }
}

process.on('message', (order: Order) => {
  obey(order).then(
    (reply) => reply && process.send?.(reply),
    (error: unknown) =>
      process.send?.({
        type: 'error',
        message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      }),
  );
});
