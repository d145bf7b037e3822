import { describe, expect, it } from 'vitest';
import type { BundleFacts } from '../../bench/bundle-facts.js';
import { figuresOf, type Samples } from '../../bench/figures.js';
import { type Results, renderReport, renderTable } from '../../bench/render.js';
import { SETTINGS } from '../../bench/settings.js';
import { allRequiredMet, evaluateTargets } from '../../bench/targets.js';

const MB = 1024 * 1024;

const facts = (initBytes: number): BundleFacts => ({
  entry: 'out/entry.mjs',
  files: 2,
  rawBytes: 2 * initBytes,
  gzipBytes: initBytes / 2,
  initFiles: ['out/entry.mjs'],
  initBytes,
  duplicates: [],
  dynamicRequires: [],
});

const cold = (init: number, first: number) => ({
  init: [init, init + 1, init - 1],
  first: [first, first + 2, first - 2],
  initCpu: [init, init, init],
  coldCpu: [init + first, init + first, init + first],
  rss: [60 * MB, 60 * MB, 60 * MB],
});

/** The function: INIT 11 ms, first invocation 30 ms; the reference 12 + 25 ms; bare 10 + 20 ms. */
const SAMPLES: Samples = {
  cold: { bare: cold(10, 20), full: cold(11, 30), reference: cold(12, 25) },
  warm: { bare: [1, 1, 1], full: [4.2, 4.2, 9], dynamo: [2, 2, 2], calls: [4, 4, 4] },
  heap: { bare: { start: 10 * MB, end: 10 * MB }, full: { start: 11 * MB, end: 11 * MB } },
  sweep: { one: [100, 100], ten: [110, 110] },
};

function results(): Results {
  const measured = {
    date: '2026-01-01T00:00:00.000Z',
    machine: { node: 'v24.0.0', cpu: 'test cpu', cores: 2, os: 'test' },
    settings: SETTINGS,
    ...figuresOf(SAMPLES, {
      bare: facts(180_000),
      full: facts(200_000),
      reference: facts(220_000),
    }),
  };
  const targets = evaluateTargets(measured);
  return { ...measured, targets, allTargetsMet: allRequiredMet(targets) };
}

describe('Function: figuresOf', () => {
  it("compares the function's INIT + first invocation, per process, with the reference's", () => {
    // Act
    const { full, reference, ratios } = results();

    // Assess
    expect(full.coldTotalMs.median).toBe(41);
    expect(reference.coldTotalMs.median).toBe(37);
    expect(ratios.coldVsReference).toBe(1.108);
    expect(ratios.coldCpuVsReference).toBe(1.108);
    expect(ratios.init).toBe(1.1);
    expect(ratios.warmP50VsReference).toBe(1.05);
  });
});

describe('Function: renderReport', () => {
  it('prints each kind in its column, the ratios to bare and to the reference, and the verdicts', () => {
    // Act
    const report = renderReport(results());

    // Assess
    const lines = report.split('\n');
    expect(lines[0]).toMatch(
      /^\| +\| bare +\| reference +\| full +\| full ÷ bare \| full ÷ reference \|$/,
    );
    expect(lines.find((line) => line.startsWith('| init + first invocation, median'))).toMatch(
      /\| 30\.00 ms +\| 37\.00 ms +\| 41\.00 ms +\| 1\.367× +\| 1\.108× +\|$/,
    );
    expect(report).toContain(
      'MISSED coldVsReference: full ≤ 1.1× reference (median INIT + first invocation, fresh processes) — 1.108',
    );
    expect(report).toContain('met    init: full ≤ 1.15× bare (median import) — 1.1');
    expect(report).toContain('met    warmP50: ');
  });
});

describe('Function: renderTable', () => {
  it('pads every column to its widest cell', () => {
    // Act
    const table = renderTable([
      ['', 'a'],
      ['long name', 'b'],
    ]);

    // Assess
    expect(table).toBe('|           | a |\n|-----------|---|\n| long name | b |');
  });
});
