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
export async function bundleFacts(outdir: string, entry: string): Promise<BundleFacts> {
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
  const metafile = JSON.parse(await readFile(path.join(outdir, 'meta.json'), 'utf8')) as Metafile;
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
    duplicates: [...packageRoots(Object.keys(metafile.inputs))]
      .filter(([, roots]) => roots.size > 1)
      .map(([name, roots]) => ({ name, roots: [...roots].sort() })),
    dynamicRequires: [...contents]
      .filter(([, text]) => text.includes(DYNAMIC_REQUIRE_STUB))
      .map(([file]) => file),
  };
}
