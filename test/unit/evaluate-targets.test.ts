import { describe, expect, it } from 'vitest';
import {
  allRequiredMet,
  evaluateTargets,
  type GatedFigures,
  TARGETS,
} from '../../bench/targets.js';

const MB = 1024 * 1024;

/** A run that meets every target with room to spare; each case moves one figure. */
function figures(change: (f: Mutable<GatedFigures>) => void = () => undefined): GatedFigures {
  const f: Mutable<GatedFigures> = {
    settings: { sweepApiLatencyMs: 30 },
    ratios: { init: 1, coldVsReference: 1, sweep10: 1 },
    bare: { warmMs: { median: 1 }, rssBytes: { median: 60 * MB } },
    full: {
      bundle: { initBytes: 200_000, duplicates: [] },
      warmMs: { median: 4 },
      rssBytes: { median: 61 * MB },
      heapUsed: { start: 10 * MB, end: 10 * MB },
    },
    reference: { idempotencyDynamoCallsMs: { median: 2 }, invocationCallsMs: { median: 4 } },
  };
  change(f);
  return f;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };

type Name = keyof ReturnType<typeof evaluateTargets>;

const CASES: readonly [string, Name, (f: Mutable<GatedFigures>) => void, boolean][] = [
  ['init at 1.15× bare', 'init', (f) => (f.ratios.init = 1.15), true],
  ['init at 1.151× bare', 'init', (f) => (f.ratios.init = 1.151), false],
  ['cold at 1.10× the reference', 'coldVsReference', (f) => (f.ratios.coldVsReference = 1.1), true],
  [
    'cold at 1.101× the reference',
    'coldVsReference',
    (f) => (f.ratios.coldVsReference = 1.101),
    false,
  ],
  ['330 kB evaluated at init', 'initBytes', (f) => (f.full.bundle.initBytes = 330_000), true],
  ['330.001 kB evaluated at init', 'initBytes', (f) => (f.full.bundle.initBytes = 330_001), false],
  [
    'a package from two roots',
    'noDuplicatePackage',
    (f) => (f.full.bundle.duplicates = [{}]),
    false,
  ],
  ['warm p50 at the calls + 0.3 ms', 'warmP50', (f) => (f.full.warmMs.median = 4.3), true],
  [
    'warm p50 1 µs above the calls + 0.3 ms',
    'warmP50',
    (f) => (f.full.warmMs.median = 4.301),
    false,
  ],
  [
    'warm p50 at bare + DynamoDB + 0.3 ms',
    'warmP50Literal',
    (f) => (f.full.warmMs.median = 3.3),
    true,
  ],
  ['warm p50 above bare + DynamoDB + 0.3 ms', 'warmP50Literal', () => undefined, false],
  ['RSS 5 MiB over bare', 'rss', (f) => (f.full.rssBytes.median = 65 * MB), true],
  ['RSS 5 MiB and a byte over bare', 'rss', (f) => (f.full.rssBytes.median = 65 * MB + 1), false],
  ['the heap 1 MiB up', 'heapFlat', (f) => (f.full.heapUsed.end = 11 * MB), true],
  ['the heap 1 MiB and a byte up', 'heapFlat', (f) => (f.full.heapUsed.end = 11 * MB + 1), false],
  ['10 stores at 2× one', 'sweep10', (f) => (f.ratios.sweep10 = 2), true],
  ['10 stores at 2.001× one', 'sweep10', (f) => (f.ratios.sweep10 = 2.001), false],
];

describe('Function: evaluateTargets', () => {
  it.each(CASES)('with %s, %s is met: %s', (_, name, change, met) => {
    // Act
    const targets = evaluateTargets(figures(change));

    // Assess
    expect(targets[name].met).toBe(met);
  });

  it('gates init at 1.15× bare and the cold start at 1.10× the reference', () => {
    // Assess
    expect(TARGETS.initRatio).toBe(1.15);
    expect(TARGETS.coldVsReference).toBe(1.1);
  });

  it('states the limit and the value of every target', () => {
    // Act
    const targets = evaluateTargets(figures((f) => (f.ratios.coldVsReference = 1.042)));

    // Assess
    expect(targets.coldVsReference).toMatchObject({ value: 1.042, required: true });
    expect(targets.coldVsReference.limit).toContain('1.1× reference');
    expect(targets.warmP50).toMatchObject({ value: 4, limitMs: 4.3 });
    expect(targets.sweep10.limit).toContain('30 ms per API call');
  });
});

describe('Function: allRequiredMet', () => {
  it('passes a run that misses only the informational literal warm target', () => {
    // Act
    const targets = evaluateTargets(figures());

    // Assess
    expect(targets.warmP50Literal.met).toBe(false);
    expect(allRequiredMet(targets)).toBe(true);
  });

  it('fails a run that misses a required target', () => {
    // Act
    const targets = evaluateTargets(figures((f) => (f.ratios.coldVsReference = 1.2)));

    // Assess
    expect(allRequiredMet(targets)).toBe(false);
  });
});
