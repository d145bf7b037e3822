import type { Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { assertNoCopies, mergedEntrySource, planMerge } from '../../build/merge-init-chunks.js';

type Output = Metafile['outputs'][string];
type Import = Output['imports'][number];

const CWD = '/work/project';
const OPTIONS = { entryPoints: ['src/entry.ts'], absWorkingDir: CWD, outdir: 'dist' };

const output = (fields: Partial<Output>): Output => ({
  bytes: 1,
  inputs: {},
  imports: [],
  exports: [],
  ...fields,
});
const staticImport = (file: string): Import => ({ path: file, kind: 'import-statement' });
const dynamicImport = (file: string): Import => ({ path: file, kind: 'dynamic-import' });

/**
 * A first pass as esbuild splits it: the entry imports chunk A statically (A imports B), loads
 * `later` on demand, which imports A and a chunk C of its own.
 */
const SPLIT: Metafile = {
  inputs: {},
  outputs: {
    'split/entry.mjs': output({
      entryPoint: 'src/entry.ts',
      imports: [
        staticImport('split/chunk-A.mjs'),
        dynamicImport('split/later.mjs'),
        { path: 'node:fs', kind: 'import-statement', external: true },
      ],
      exports: ['handler'],
    }),
    'split/chunk-A.mjs': output({
      imports: [staticImport('split/chunk-B.mjs')],
      exports: ['a', 'b'],
    }),
    'split/chunk-B.mjs': output({ exports: ['c'] }),
    'split/later.mjs': output({
      entryPoint: 'src/later.ts',
      imports: [staticImport('split/chunk-A.mjs'), staticImport('split/chunk-C.mjs')],
      exports: ['later'],
    }),
    'split/chunk-C.mjs': output({ exports: ['d'] }),
  },
};

describe('Function: planMerge', () => {
  it("merges the entry's static imports, transitively, into its init file and loads the rest on demand", () => {
    // Act
    const plan = planMerge(SPLIT, `${CWD}/split`, OPTIONS);

    // Assess
    expect(plan.entry).toBe(`${CWD}/split/entry.mjs`);
    expect(plan.init).toBe('entry-init.mjs');
    expect([...plan.aliases.keys()]).toEqual([
      `${CWD}/split/chunk-A.mjs`,
      `${CWD}/split/chunk-B.mjs`,
    ]);
    expect(plan.onDemand).toEqual([`${CWD}/split/later.mjs`, `${CWD}/split/chunk-C.mjs`]);
    expect(plan.outdir).toBe(`${CWD}/dist`);
  });

  it("gives the n-th merged chunk's exports the prefix $n_", () => {
    // Act
    const { aliases } = planMerge(SPLIT, `${CWD}/split`, OPTIONS);

    // Assess
    expect([...aliases.values()].map((names) => Object.fromEntries(names))).toEqual([
      { a: '$1_a', b: '$1_b' },
      { c: '$2_c' },
    ]);
  });

  it('refuses a build of more than one entry point', () => {
    // Act, Assess
    expect(() =>
      planMerge(SPLIT, `${CWD}/split`, { ...OPTIONS, entryPoints: ['src/entry.ts', 'src/b.ts'] }),
    ).toThrow('buildBundle builds exactly one entry point');
  });

  it('refuses a first pass with no output for the configured entry point', () => {
    // Act, Assess
    expect(() =>
      planMerge(SPLIT, `${CWD}/split`, { ...OPTIONS, entryPoints: ['src/other.ts'] }),
    ).toThrow(`no output of the first pass is ${CWD}/src/other.ts`);
  });
});

describe('Function: mergedEntrySource', () => {
  it('re-exports every merged file under its aliases', () => {
    // Prepare
    const aliases = new Map([
      ['/s/chunk-A.mjs', new Map([['a', '$1_a']])],
      ['/s/chunk-B.mjs', new Map([['c', '$2_c']])],
    ]);

    // Act
    const source = mergedEntrySource(aliases);

    // Assess
    expect(source).toBe(
      'export { a as $1_a } from "/s/chunk-A.mjs";\nexport { c as $2_c } from "/s/chunk-B.mjs";',
    );
  });
});

describe('Function: assertNoCopies', () => {
  const plan = planMerge(SPLIT, `${CWD}/split`, OPTIONS);
  /** A second pass that wrote `dist/later.mjs` out of these first-pass files. */
  const laterMadeOf = (...files: string[]): Metafile => ({
    inputs: {},
    outputs: {
      'dist/later.mjs': output({
        inputs: Object.fromEntries(files.map((file) => [file, { bytesInOutput: 10 }])),
      }),
    },
  });

  it('throws when a file loaded on demand bundled a merged chunk instead of importing it', () => {
    // Prepare
    const second = laterMadeOf('split/later.mjs', 'split/chunk-A.mjs');

    // Act, Assess
    expect(() => assertNoCopies(second, plan)).toThrow(
      'dist/later.mjs holds a copy of split/chunk-A.mjs',
    );
  });

  it('accepts files made only of what is not merged', () => {
    // Prepare
    const second = laterMadeOf('split/later.mjs', 'split/chunk-C.mjs');

    // Act, Assess
    expect(() => assertNoCopies(second, plan)).not.toThrow();
  });
});
