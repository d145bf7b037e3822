/**
 * Warm invocations, one process per kind, the kinds interleaved in rounds of a seeded random
 * order; then the heap of bare and full, after GC, around a further warm run.
 * - `bare` and `full`: the two bundles' handlers;
 * - `calls`: bench/reference.ts's `invocationCalls`, the six API calls of one invocation of the
 *   function sent with bare clients;
 * - `dynamo`: its `idempotencyCalls`, only the two DynamoDB calls of idempotency.
 * Every kind runs in a process of its own, so each measured call starts in a process that sat
 * idle while the others ran (as a warm Lambda does between invocations). Two kinds sharing a
 * process would measure one of them in a process the other has just warmed up.
 */
import type { Builds } from './builds.js';
import { Child } from './children.js';
import { SETTINGS } from './settings.js';
import { shuffled } from './stats.js';
import {
  bareEvent,
  functionEvent,
  referenceArgs,
  resumedCount,
  type Surroundings,
} from './surroundings.js';

export const WARM_KINDS = ['bare', 'full', 'dynamo', 'calls'] as const;
export type WarmKind = (typeof WARM_KINDS)[number];
export type WarmProcesses = Readonly<Record<WarmKind, Child>>;

export interface HeapUsed {
  readonly start: number;
  readonly end: number;
}

/** One process per kind, its bundle loaded. */
export async function openWarm(s: Surroundings, builds: Builds): Promise<WarmProcesses> {
  const bundles: Record<WarmKind, string> = {
    bare: builds.bare.bundle,
    full: builds.full.bundle,
    dynamo: builds.reference.bundle,
    calls: builds.reference.bundle,
  };
  const open = () => new Child(s.env);
  const processes = { bare: open(), full: open(), dynamo: open(), calls: open() };
  for (const kind of WARM_KINDS) {
    await processes[kind].ask({ type: 'load', bundle: bundles[kind] }, 'loaded');
  }
  return processes;
}

/** Which export a kind's process calls, with what. */
function warmOrder(kind: WarmKind, s: Surroundings, functionResult: unknown) {
  if (kind === 'bare') return { name: 'handler', args: [bareEvent(s)] };
  if (kind === 'full') return { name: 'handler', args: [functionEvent(s)] };
  const args = referenceArgs(s, functionResult);
  // `idempotencyCalls` takes the table, the key and the result; `invocationCalls` the store too.
  return kind === 'calls'
    ? { name: 'invocationCalls', args }
    : { name: 'idempotencyCalls', args: args.slice(0, 3) };
}

/** Calls one kind once; the time it took. The reference stores the function's latest result. */
function warmCaller(
  s: Surroundings,
  processes: WarmProcesses,
): (kind: WarmKind) => Promise<number> {
  let functionResult: unknown;
  return async (kind) => {
    if (kind !== 'dynamo') s.reset();
    const order = { type: 'call', ...warmOrder(kind, s, functionResult) } as const;
    const reply = await processes[kind].ask(order, 'called');
    if (kind === 'full') {
      if (resumedCount(reply.result) !== 1) {
        throw new Error(`warm function invocation did not resume: ${JSON.stringify(reply.result)}`);
      }
      functionResult = reply.result;
    }
    return reply.ms;
  };
}

export async function measureWarm(
  s: Surroundings,
  processes: WarmProcesses,
  random: () => number,
): Promise<{ warm: Record<WarmKind, number[]>; heap: Record<'bare' | 'full', HeapUsed> }> {
  const call = warmCaller(s, processes);
  for (let i = 0; i < SETTINGS.warmupCalls; i++) {
    for (const kind of WARM_KINDS) await call(kind);
  }
  s.emulator.resetCalls();
  const warm: Record<WarmKind, number[]> = { bare: [], full: [], dynamo: [], calls: [] };
  for (let i = 0; i < SETTINGS.warmCalls; i++) {
    for (const kind of shuffled(WARM_KINDS, random)) warm[kind].push(await call(kind));
  }
  // bare, full and the reference's invocationCalls each start once per round.
  const starts = s.emulator.calls.filter(
    (item) => item.operation === 'StartEventDataStoreIngestion' && item.outcome === 'ok',
  ).length;
  if (starts !== 3 * SETTINGS.warmCalls) {
    throw new Error(`warm: ${starts} successful starts for ${3 * SETTINGS.warmCalls} calls`);
  }
  await Promise.all([processes.dynamo.close(), processes.calls.close()]);
  return { warm, heap: await measureHeap(processes, call, random) };
}

/**
 * Not measured around the timed run: a forced collection (gc()) leaves a process slower for
 * thousands of calls after it (0.4 ms per six-call invocation, measured), so no timed process is
 * made to collect before or during its timed calls.
 */
async function measureHeap(
  processes: WarmProcesses,
  call: (kind: WarmKind) => Promise<number>,
  random: () => number,
): Promise<Record<'bare' | 'full', HeapUsed>> {
  const heapUsed = async (kind: 'bare' | 'full') =>
    (await processes[kind].ask({ type: 'memory' }, 'memory')).heapUsed;
  const start = { bare: await heapUsed('bare'), full: await heapUsed('full') };
  for (let i = 0; i < SETTINGS.warmCalls; i++) {
    for (const kind of shuffled(['bare', 'full'] as const, random)) await call(kind);
  }
  return {
    bare: { start: start.bare, end: await heapUsed('bare') },
    full: { start: start.full, end: await heapUsed('full') },
  };
}
