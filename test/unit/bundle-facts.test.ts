import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  bundleFacts,
  modulesIn,
  packageOf,
  packageRoots,
  staticImportsOf,
} from '../../bench/bundle-facts.js';

/** Output files as esbuild writes them (minified), and the modules list of `meta.json`. */
const FILES = {
  'entry.mjs':
    'import{a as b}from"./chunk-A.mjs";export*from"./chunk-B.mjs";import"node:fs";export const h=()=>import("./later.mjs");\n',
  'chunk-A.mjs': 'import"./chunk-C.mjs";export const a=1;\n',
  'chunk-B.mjs': 'export const c=2;\n',
  'chunk-C.mjs': 'globalThis.x=3;\n',
  'later.mjs':
    'import{a}from"./chunk-A.mjs";var r=()=>{throw Error(\'Dynamic require of "os" is not supported\')};\n',
  'meta.json': JSON.stringify({
    inputs: {
      'src/entry.ts': {},
      'node_modules/@smithy/core/dist-es/index.js': {},
      'node_modules/x/node_modules/@smithy/core/dist-es/index.js': {},
      'node_modules/tslib/tslib.es6.mjs': {},
    },
    outputs: {},
  }),
};

describe('Function: bundleFacts', () => {
  let dir: string;

  beforeEach(async () => {
    // Prepare
    dir = await mkdtemp(path.join(tmpdir(), 'bundle-facts-'));
    for (const [name, text] of Object.entries(FILES)) await writeFile(path.join(dir, name), text);
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('evaluates at init the entry and its static imports, transitively, not its import() targets', async () => {
    // Act
    const facts = await bundleFacts(dir, path.join(dir, 'entry.mjs'));

    // Assess
    expect(facts.initFiles).toEqual(
      ['entry.mjs', 'chunk-A.mjs', 'chunk-B.mjs', 'chunk-C.mjs'].map((name) =>
        path.join(dir, name),
      ),
    );
    expect(facts.initBytes).toBe(
      ['entry.mjs', 'chunk-A.mjs', 'chunk-B.mjs', 'chunk-C.mjs'].reduce(
        (sum, name) => sum + Buffer.byteLength(FILES[name as keyof typeof FILES]),
        0,
      ),
    );
  });

  it('counts every .mjs file of the directory as shipped, and its bytes raw and gzipped', async () => {
    // Act
    const facts = await bundleFacts(dir, path.join(dir, 'entry.mjs'));

    // Assess
    expect(facts.files).toBe(5);
    expect(facts.rawBytes).toBe(
      Object.entries(FILES)
        .filter(([name]) => name.endsWith('.mjs'))
        .reduce((sum, [, text]) => sum + Buffer.byteLength(text), 0),
    );
    expect(facts.gzipBytes).toBeGreaterThan(0);
  });

  it("reports the files holding esbuild's dynamic require stub and the packages bundled twice", async () => {
    // Act
    const facts = await bundleFacts(dir, path.join(dir, 'entry.mjs'));

    // Assess
    expect(facts.dynamicRequires).toEqual([path.join(dir, 'later.mjs')]);
    expect(facts.duplicates).toEqual([
      {
        name: '@smithy/core',
        roots: ['node_modules/@smithy/core', 'node_modules/x/node_modules/@smithy/core'],
      },
    ]);
  });

  it('refuses a directory without the entry file', async () => {
    // Act, Assess
    await expect(bundleFacts(dir, path.join(dir, 'handler.mjs'))).rejects.toThrow(
      'holds no entry file',
    );
  });
});

describe('Function: bundleFacts, the layout from meta.json', () => {
  let dir: string;
  /** meta.json naming the outputs by absolute path: the entry, chunk A at init, later on demand. */
  const metaJson = (root: string) =>
    JSON.stringify({
      inputs: {},
      outputs: {
        [path.join(root, 'entry.mjs')]: {
          entryPoint: 'src/entry.ts',
          inputs: { 'src/entry.ts': { bytesInOutput: 30 } },
        },
        [path.join(root, 'chunk-A.mjs')]: {
          inputs: {
            'node_modules/@smithy/core/dist-es/a.js': { bytesInOutput: 7 },
            'node_modules/@smithy/core/dist-es/b.js': { bytesInOutput: 5 },
            'node_modules/@smithy/core/dist-es/index.js': { bytesInOutput: 0 },
          },
        },
        [path.join(root, 'later.mjs')]: {
          entryPoint: 'src/later.ts',
          inputs: { 'node_modules/@aws-sdk/client-sns/dist-es/index.js': { bytesInOutput: 90 } },
        },
      },
    });

  beforeEach(async () => {
    // Prepare
    dir = await mkdtemp(path.join(tmpdir(), 'bundle-layout-'));
    for (const [name, text] of Object.entries(FILES)) await writeFile(path.join(dir, name), text);
    await writeFile(path.join(dir, 'meta.json'), metaJson(dir));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('adds up the bytes of each package in the init files, never those of a file loaded on demand', async () => {
    // Act
    const facts = await bundleFacts(dir, path.join(dir, 'entry.mjs'));

    // Assess
    expect(facts.initPackages).toEqual({ src: 30, '@smithy/core': 12 });
  });

  it('lists every file loaded on demand with its size and the source it was built for', async () => {
    // Act
    const facts = await bundleFacts(dir, path.join(dir, 'entry.mjs'));

    // Assess
    expect(facts.onDemand).toEqual([
      {
        file: path.join(dir, 'later.mjs'),
        bytes: Buffer.byteLength(FILES['later.mjs']),
        entryPoint: 'src/later.ts',
      },
    ]);
  });

  it('names the modules with code in given files, not those tree-shaken to nothing', async () => {
    // Act
    const modules = modulesIn(JSON.parse(metaJson(dir)), [path.join(dir, 'chunk-A.mjs')]);

    // Assess
    expect(modules).toEqual([
      'node_modules/@smithy/core/dist-es/a.js',
      'node_modules/@smithy/core/dist-es/b.js',
    ]);
  });
});

describe('Function: packageOf', () => {
  it.each([
    ['node_modules/@aws-sdk/client-sns/dist-es/index.js', '@aws-sdk/client-sns'],
    ['node_modules/a/node_modules/tslib/tslib.js', 'tslib'],
    ['src/notify/sns-sink.ts', 'src'],
    ['orphaned-browser-chunk:bowser', 'orphaned-browser-chunk:bowser'],
  ])('names %s as %s', (input, name) => {
    expect(packageOf(input)).toBe(name);
  });
});

describe('Function: staticImportsOf', () => {
  it('lists import and export-from statements of sibling files, not import() nor builtins', async () => {
    // Prepare
    const dir = await mkdtemp(path.join(tmpdir(), 'static-imports-'));
    try {
      await writeFile(path.join(dir, 'entry.mjs'), FILES['entry.mjs']);

      // Act
      const imports = await staticImportsOf(path.join(dir, 'entry.mjs'));

      // Assess
      expect(imports).toEqual([path.join(dir, 'chunk-A.mjs'), path.join(dir, 'chunk-B.mjs')]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('Function: packageRoots', () => {
  it('groups modules by package, scoped or not, with every node_modules root it came from', () => {
    // Act
    const roots = packageRoots([
      'node_modules/@aws-sdk/core/dist-es/index.js',
      'node_modules/@aws-sdk/core/dist-es/client.js',
      'node_modules/a/node_modules/tslib/tslib.js',
      'src/handler.ts',
    ]);

    // Assess
    expect(Object.fromEntries([...roots].map(([name, set]) => [name, [...set]]))).toEqual({
      '@aws-sdk/core': ['node_modules/@aws-sdk/core'],
      tslib: ['node_modules/a/node_modules/tslib'],
    });
  });
});
