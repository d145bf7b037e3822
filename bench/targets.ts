/**
 * The benchmark's gates, applied to a run's figures. "Flat" heap: after GC, the end of the warm
 * run ≤ its start + 1 MiB.
 */
import type { HeapUsed } from './measure-warm.js';
import { round } from './stats.js';

const KB = 1000;
const MB = 1024 * 1024;

export const TARGETS = {
  /** The function's INIT (its import) against the bare baseline's. */
  initRatio: 1.15,
  /** What a cold start costs: INIT + first invocation against the cold reference's. */
  coldVsReference: 1.1,
  initBytes: 330 * KB,
  warmOverheadMs: 0.3,
  rssOverBytes: 5 * MB,
  heapGrowthBytes: 1 * MB,
  sweep10Ratio: 2,
} as const;

interface Median {
  readonly median: number;
}

/** The figures the gates read (a run's figures have these and more). */
export interface GatedFigures {
  readonly settings: { readonly sweepApiLatencyMs: number };
  readonly ratios: {
    readonly init: number;
    readonly coldVsReference: number;
    readonly sweep10: number;
  };
  readonly bare: { readonly warmMs: Median; readonly rssBytes: Median };
  readonly full: {
    readonly bundle: { readonly initBytes: number; readonly duplicates: readonly unknown[] };
    readonly warmMs: Median;
    readonly rssBytes: Median;
    readonly heapUsed: HeapUsed;
  };
  readonly reference: {
    readonly idempotencyDynamoCallsMs: Median;
    readonly invocationCallsMs: Median;
  };
}

export interface Target {
  readonly limit: string;
  readonly value: unknown;
  readonly met: boolean;
  /** A missed target fails the run (exit 1); the others are shown for information. */
  readonly required: boolean;
  readonly limitMs?: number;
  readonly aim?: boolean;
}

/** Warm: the function's p50 against a limit in ms, both to the microsecond. */
function warmTarget(limit: string, p50: number, limitMs: number, required: boolean): Target {
  const value = round(p50);
  const rounded = round(limitMs);
  return { limit, value, limitMs: rounded, met: value <= rounded, required };
}

/**
 * Warm, as applied: the function ≤ the six API calls of its invocation sent with bare clients
 * (bench/reference.ts) + 0.3 ms, what it adds beyond its calls. Taken literally (bare Start +
 * idempotency's two DynamoDB calls + 0.3 ms) it leaves out the three CloudTrail calls the
 * function makes on top of the Start (tags, describe, verify): shown for information.
 */
function warmTargets(f: GatedFigures): { warmP50: Target; warmP50Literal: Target } {
  const overhead = TARGETS.warmOverheadMs;
  const calls = f.reference.invocationCallsMs.median;
  const literal = f.bare.warmMs.median + f.reference.idempotencyDynamoCallsMs.median;
  return {
    warmP50: warmTarget(
      `full p50 ≤ p50 of the invocation's API calls sent bare (idempotency put, tags, describe, start, verify, idempotency update) + ${overhead} ms`,
      f.full.warmMs.median,
      calls + overhead,
      true,
    ),
    warmP50Literal: warmTarget(
      `full p50 ≤ bare p50 + idempotency DynamoDB calls p50 + ${overhead} ms (informational)`,
      f.full.warmMs.median,
      literal + overhead,
      false,
    ),
  };
}

/** A required target: `value` at most `bound`. */
const atMost = (limit: string, value: number, bound: number): Target => ({
  limit,
  value,
  met: value <= bound,
  required: true,
});

export function evaluateTargets(f: GatedFigures) {
  const { ratios, full } = f;
  return {
    init: {
      ...atMost(
        `full ≤ ${TARGETS.initRatio}× bare (median import)`,
        ratios.init,
        TARGETS.initRatio,
      ),
      aim: ratios.init <= 1,
    },
    coldVsReference: atMost(
      `full ≤ ${TARGETS.coldVsReference}× reference (median INIT + first invocation, fresh processes)`,
      ratios.coldVsReference,
      TARGETS.coldVsReference,
    ),
    initBytes: atMost(`≤ ${TARGETS.initBytes / KB} kB`, full.bundle.initBytes, TARGETS.initBytes),
    noDuplicatePackage: {
      limit: 'no package from two node_modules roots',
      value: full.bundle.duplicates,
      met: full.bundle.duplicates.length === 0,
      required: true,
    },
    ...warmTargets(f),
    rss: atMost(
      `full ≤ bare + ${TARGETS.rssOverBytes / MB} MiB (median RSS after the first invocation)`,
      full.rssBytes.median - f.bare.rssBytes.median,
      TARGETS.rssOverBytes,
    ),
    heapFlat: atMost(
      `heapUsed after GC: end of the warm run ≤ its start + ${TARGETS.heapGrowthBytes / MB} MiB`,
      full.heapUsed.end - full.heapUsed.start,
      TARGETS.heapGrowthBytes,
    ),
    sweep10: atMost(
      `10 stores ≤ ${TARGETS.sweep10Ratio}× 1 store (median invocation, ${f.settings.sweepApiLatencyMs} ms per API call)`,
      ratios.sweep10,
      TARGETS.sweep10Ratio,
    ),
  } satisfies Record<string, Target>;
}

export type Targets = ReturnType<typeof evaluateTargets>;

/** Every required target met: the run passes. */
export const allRequiredMet = (targets: Readonly<Record<string, Target>>): boolean =>
  Object.values(targets).every((target) => !target.required || target.met);
