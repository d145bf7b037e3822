/** Every figure of a run, from its samples and the bundles' facts: summaries and ratios. */
import type { BundleFacts } from './bundle-facts.js';
import type { ColdKind, ColdSamples } from './measure-cold.js';
import type { HeapUsed, WarmKind } from './measure-warm.js';
import { round, summarise } from './stats.js';

export interface Samples {
  readonly cold: Readonly<Record<ColdKind, ColdSamples>>;
  readonly warm: Readonly<Record<WarmKind, readonly number[]>>;
  readonly heap: Readonly<Record<'bare' | 'full', HeapUsed>>;
  readonly sweep: { readonly one: readonly number[]; readonly ten: readonly number[] };
}

export type Facts = Readonly<Record<ColdKind, BundleFacts>>;

/**
 * A kind's cold figures: INIT, the first invocation, both in one process (wall clock, and the
 * process's CPU time: less moved by other processes on a shared machine), RSS after them.
 */
function coldFigures(samples: ColdSamples, bundle: BundleFacts) {
  return {
    bundle,
    initMs: summarise(samples.init),
    firstInvokeMs: summarise(samples.first),
    coldTotalMs: summarise(samples.init.map((init, i) => init + (samples.first[i] ?? Number.NaN))),
    initCpuMs: summarise(samples.initCpu),
    coldTotalCpuMs: summarise(samples.coldCpu),
    rssBytes: summarise(samples.rss),
  };
}

type Cold = ReturnType<typeof coldFigures>;

/** `a ÷ b`, rounded to three digits. */
const ratio = (a: number, b: number): number => round(a / b);

function ratiosOf(bare: Cold, full: Cold, reference: Cold, samples: Samples) {
  const warm = {
    bare: summarise(samples.warm.bare),
    full: summarise(samples.warm.full),
    calls: summarise(samples.warm.calls),
  };
  return {
    init: ratio(full.initMs.median, bare.initMs.median),
    initP90: ratio(full.initMs.p90, bare.initMs.p90),
    firstInvoke: ratio(full.firstInvokeMs.median, bare.firstInvokeMs.median),
    coldTotal: ratio(full.coldTotalMs.median, bare.coldTotalMs.median),
    coldVsReference: ratio(full.coldTotalMs.median, reference.coldTotalMs.median),
    coldCpuVsReference: ratio(full.coldTotalCpuMs.median, reference.coldTotalCpuMs.median),
    initCpu: ratio(full.initCpuMs.median, bare.initCpuMs.median),
    coldTotalCpu: ratio(full.coldTotalCpuMs.median, bare.coldTotalCpuMs.median),
    initVsReference: ratio(full.initMs.median, reference.initMs.median),
    firstInvokeVsReference: ratio(full.firstInvokeMs.median, reference.firstInvokeMs.median),
    warmP50: ratio(warm.full.median, warm.bare.median),
    warmP99: ratio(warm.full.p99, warm.bare.p99),
    warmP50VsReference: ratio(warm.full.median, warm.calls.median),
    rss: ratio(full.rssBytes.median, bare.rssBytes.median),
    rawBytes: ratio(full.bundle.rawBytes, bare.bundle.rawBytes),
    gzipBytes: ratio(full.bundle.gzipBytes, bare.bundle.gzipBytes),
    initBytes: ratio(full.bundle.initBytes, bare.bundle.initBytes),
    sweep10: ratio(summarise(samples.sweep.ten).median, summarise(samples.sweep.one).median),
  };
}

export function figuresOf(samples: Samples, facts: Facts) {
  const cold = {
    bare: coldFigures(samples.cold.bare, facts.bare),
    full: coldFigures(samples.cold.full, facts.full),
    reference: coldFigures(samples.cold.reference, facts.reference),
  };
  return {
    bare: { ...cold.bare, warmMs: summarise(samples.warm.bare), heapUsed: samples.heap.bare },
    full: {
      ...cold.full,
      warmMs: summarise(samples.warm.full),
      heapUsed: samples.heap.full,
      sweepOneMs: summarise(samples.sweep.one),
      sweepTenMs: summarise(samples.sweep.ten),
    },
    reference: {
      ...cold.reference,
      idempotencyDynamoCallsMs: summarise(samples.warm.dynamo),
      invocationCallsMs: summarise(samples.warm.calls),
    },
    ratios: ratiosOf(cold.bare, cold.full, cold.reference, samples),
  };
}

export type Figures = ReturnType<typeof figuresOf>;
