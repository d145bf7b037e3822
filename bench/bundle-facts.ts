/**
 * What a built bundle's files say about it: its size, what a cold start evaluates, and whether a
 * package got in twice. Read from what the build wrote to its output directory (the `.mjs` files
 * and the modules list of `meta.json`). Shared by the benchmark and the bundle guards of
 * `npm test`.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';

export interface BundleFacts {
  /** The entry point's output file (`<outdir>/handler.mjs`). */
  readonly entry: string;
  /** Output files (`.mjs`) and their total size: what is shipped. */
  readonly files: number;
  readonly rawBytes: number;
  /** Sum of each file gzipped on its own (level 9). */
  readonly gzipBytes: number;
  /** The entry and every file it imports statically, transitively: evaluated at init. */
  readonly initFiles: readonly string[];
  readonly initBytes: number;
  /** Packages present under more than one `node_modules/<name>/` root (a duplicated copy). */
  readonly duplicates: readonly { readonly name: string; readonly roots: readonly string[] }[];
  /** Output files holding esbuild's stub for a `require` an ES module cannot make (it throws). */
  readonly dynamicRequires: readonly string[];
}

/** What is in which file: read from meta.json. */
export interface BundleLayout {
  /** Bytes of each package's code in the init files (`src` for this repository's own code). */
  readonly initPackages: Readonly<Record<string, number>>;
  /** Every other output file, loaded on demand: its size, and its source if an `import()` target. */
  readonly onDemand: readonly OnDemandFile[];
}

export interface OnDemandFile {
  readonly file: string;
  readonly bytes: number;
  /** The module it was built for (`src/notify/sns-sink.ts`); none for a shared chunk. */
  readonly entryPoint?: string;
}

/** What esbuild's `__require` stub throws when bundled CommonJS calls `require` in ESM output. */
const DYNAMIC_REQUIRE_STUB = 'Dynamic require of';

const PACKAGE_ROOT = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//;

/** Each package among the bundled modules and the `node_modules` roots it was bundled from. */
export function packageRoots(modules: Iterable<string>): Map<string, Set<string>> {
  const roots = new Map<string, Set<string>>();
  for (const input of modules) {
    const match = PACKAGE_ROOT.exec(input);
    if (!match?.[1] || !match[2]) continue;
    const set = roots.get(match[2]) ?? new Set<string>();
    set.add(match[1]);
    roots.set(match[2], set);
  }
  return roots;
}

/** The package a bundled module belongs to (`@aws-sdk/client-sns`), or `src`, or the module itself. */
export function packageOf(input: string): string {
  const match = PACKAGE_ROOT.exec(input);
  if (match?.[2]) return match[2];
  return input.startsWith('src/') ? 'src' : input;
}

/** The metafile's outputs that are among `files` (paths relative to the working directory or absolute). */
function outputsAmong(metafile: Metafile, files: readonly string[]) {
  const wanted = new Set(files.map((file) => path.resolve(file)));
  return Object.entries(metafile.outputs).filter(([file]) => wanted.has(path.resolve(file)));
}

/** The metafile the build wrote next to its files (`<outdir>/meta.json`). */
export async function readMetafile(outdir: string): Promise<Metafile> {
  return JSON.parse(await readFile(path.join(outdir, 'meta.json'), 'utf8')) as Metafile;
}

/** The modules whose code is in `files` (absolute paths), as meta.json names them. */
export function modulesIn(metafile: Metafile, files: readonly string[]): string[] {
  return outputsAmong(metafile, files)
    .flatMap(([, output]) => Object.entries(output.inputs))
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([input]) => input);
}

/** Bytes of each package's code in `files`. */
function packageBytes(metafile: Metafile, files: readonly string[]): Record<string, number> {
  const bytes: Record<string, number> = {};
  for (const [, output] of outputsAmong(metafile, files)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      bytes[name] = (bytes[name] ?? 0) + bytesInOutput;
    }
  }
  return Object.fromEntries(Object.entries(bytes).sort(([, a], [, b]) => b - a));
}

/** The output files not evaluated at init, with the source each was built for. */
function onDemandFiles(
  metafile: Metafile,
  names: readonly string[],
  initFiles: readonly string[],
  bytesOf: (file: string) => number,
): OnDemandFile[] {
  const sources = new Map(
    Object.entries(metafile.outputs).map(([file, output]) => [
      path.resolve(file),
      output.entryPoint,
    ]),
  );
  return names
    .filter((file) => !initFiles.includes(file))
    .map((file) => {
      const entryPoint = sources.get(path.resolve(file));
      return { file, bytes: bytesOf(file), ...(entryPoint !== undefined && { entryPoint }) };
    });
}

/** Every import is left as written: parsing the file is all that is asked of esbuild. */
const importsOnly: Plugin = {
  name: 'imports-only',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /.*/ }, (args) =>
      args.kind === 'entry-point' ? undefined : { path: args.path, external: true },
    );
  },
};

/** The files of the bundle `file` imports with an `import` or `export … from` statement. */
export async function staticImportsOf(file: string): Promise<string[]> {
  const { metafile } = await build({
    entryPoints: [file],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
    plugins: [importsOnly],
  });
  return Object.values(metafile.inputs).flatMap((input) =>
    input.imports
      .filter((item) => item.kind === 'import-statement' && item.path.startsWith('.'))
      .map((item) => path.join(path.dirname(file), item.path)),
  );
}

/** The entry and its static imports, transitively. */
async function initFilesOf(entry: string): Promise<string[]> {
  const init = [entry];
  for (let i = 0; i < init.length; i++) {
    for (const target of await staticImportsOf(init[i] as string)) {
      if (!init.includes(target)) init.push(target);
    }
  }
  return init;
}

/**
 * The facts of the bundle written to `outdir` (a directory holding that build only) whose entry
 * output is `entry`.
 */
export async function bundleFacts(
  outdir: string,
  entry: string,
): Promise<BundleFacts & BundleLayout> {
  const names = (await readdir(outdir)).filter((name) => name.endsWith('.mjs')).sort();
  const contents = new Map(
    await Promise.all(
      names.map(
        async (name) => [path.join(outdir, name), await readFile(path.join(outdir, name))] as const,
      ),
    ),
  );
  if (!contents.has(entry)) throw new Error(`${outdir} holds no entry file ${entry}`);
  const bytesOf = (file: string): number => contents.get(file)?.length ?? 0;
  const metafile = await readMetafile(outdir);
  const initFiles = await initFilesOf(entry);
  return {
    entry,
    files: contents.size,
    rawBytes: [...contents.keys()].reduce((sum, file) => sum + bytesOf(file), 0),
    gzipBytes: [...contents.values()].reduce(
      (sum, text) => sum + gzipSync(text, { level: 9 }).length,
      0,
    ),
    initFiles,
    initBytes: initFiles.reduce((sum, file) => sum + bytesOf(file), 0),
    initPackages: packageBytes(metafile, initFiles),
    onDemand: onDemandFiles(metafile, [...contents.keys()], initFiles, bytesOf),
    duplicates: [...packageRoots(Object.keys(metafile.inputs))]
      .filter(([, roots]) => roots.size > 1)
      .map(([name, roots]) => ({ name, roots: [...roots].sort() })),
    dynamicRequires: [...contents]
      .filter(([, text]) => text.includes(DYNAMIC_REQUIRE_STUB))
      .map(([file]) => file),
  };
}
