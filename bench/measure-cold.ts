/**
 * Cold starts: each a fresh process that imports a bundle (INIT, timed) and makes its first
 * invocation (timed), the kinds interleaved in rounds of a seeded random order so drift hits
 * them alike:
 * - `full`, the function's bundle, invoked with a direct request that idempotency records;
 * - `reference`, bench/reference.ts: bare CloudTrail and DynamoDB clients making the API calls of
 *   the function's first invocation, in its order (checked against the emulator's record);
 * - `bare`, bench/bare.ts: a CloudTrail client and one StartEventDataStoreIngestion.
 */

import type { Builds } from './builds.js';
import type { Order } from './child.js';
import { Child } from './children.js';
import { SETTINGS } from './settings.js';
import { shuffled } from './stats.js';
import {
  bareEvent,
  callsOf,
  functionEvent,
  referenceArgs,
  resumedCount,
  type Surroundings,
} from './surroundings.js';

export const COLD_KINDS = ['bare', 'full', 'reference'] as const;
export type ColdKind = (typeof COLD_KINDS)[number];

export interface ColdSamples {
  readonly init: number[];
  readonly first: number[];
  /** CPU time of the import, and of the import and the first invocation. */
  readonly initCpu: number[];
  readonly coldCpu: number[];
  readonly rss: number[];
}

interface ColdRun {
  readonly initMs: number;
  readonly firstInvokeMs: number;
  readonly initCpuMs: number;
  readonly coldCpuMs: number;
  readonly rss: number;
  readonly result: unknown;
  /** The CloudTrail calls the process made, as `operation:outcome`. */
  readonly calls: readonly string[];
}

const BARE_CALLS = ['StartEventDataStoreIngestion:ok'];

async function coldRun(s: Surroundings, order: Extract<Order, { type: 'cold' }>): Promise<ColdRun> {
  s.reset();
  s.emulator.resetCalls();
  const child = new Child(s.env);
  const reply = await child.ask(order, 'cold');
  await child.close();
  return { ...reply, calls: callsOf(s.emulator) };
}

/** What a kind's process is asked: its bundle, the export it calls, the arguments. */
function coldOrder(
  kind: ColdKind,
  s: Surroundings,
  builds: Builds,
  functionResult: unknown,
): Extract<Order, { type: 'cold' }> {
  const bundle = builds[kind].bundle;
  if (kind === 'bare') return { type: 'cold', bundle, name: 'handler', args: [bareEvent(s)] };
  if (kind === 'full') return { type: 'cold', bundle, name: 'handler', args: [functionEvent(s)] };
  return { type: 'cold', bundle, name: 'invocationCalls', args: referenceArgs(s, functionResult) };
}

function check(kind: ColdKind, run: ColdRun, functionCalls: readonly string[]): void {
  const expected = kind === 'bare' ? BARE_CALLS : functionCalls;
  if (JSON.stringify(run.calls) !== JSON.stringify(expected)) {
    throw new Error(`cold ${kind} made ${run.calls.join(', ')}; expected ${expected.join(', ')}`);
  }
  if (kind === 'full' && resumedCount(run.result) !== 1) {
    throw new Error(`cold function invocation did not resume: ${JSON.stringify(run.result)}`);
  }
}

export async function measureCold(
  s: Surroundings,
  builds: Builds,
  random: () => number,
): Promise<Record<ColdKind, ColdSamples>> {
  // Untimed: the function's first, whose calls the others are checked against and whose result
  // the reference's completing update stores.
  const first = await coldRun(s, coldOrder('full', s, builds, undefined));
  let functionResult = first.result;
  check('full', first, first.calls);
  for (let i = 0; i < SETTINGS.coldWarmupRounds; i++) {
    for (const kind of COLD_KINDS) {
      check(kind, await coldRun(s, coldOrder(kind, s, builds, functionResult)), first.calls);
    }
  }
  const samples: Record<ColdKind, ColdSamples> = {
    bare: { init: [], first: [], initCpu: [], coldCpu: [], rss: [] },
    full: { init: [], first: [], initCpu: [], coldCpu: [], rss: [] },
    reference: { init: [], first: [], initCpu: [], coldCpu: [], rss: [] },
  };
  for (let i = 0; i < SETTINGS.coldRuns; i++) {
    for (const kind of shuffled(COLD_KINDS, random)) {
      const run = await coldRun(s, coldOrder(kind, s, builds, functionResult));
      check(kind, run, first.calls);
      if (kind === 'full') functionResult = run.result;
      samples[kind].init.push(run.initMs);
      samples[kind].first.push(run.firstInvokeMs);
      samples[kind].initCpu.push(run.initCpuMs);
      samples[kind].coldCpu.push(run.coldCpuMs);
      samples[kind].rss.push(run.rss);
    }
  }
  return samples;
}
