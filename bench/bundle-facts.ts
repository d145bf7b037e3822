/**
 * What a build's metafile says about the bundle: its size, what a cold start evaluates, and
 * whether a package got in twice. Shared by the benchmark and the bundle guards of `npm test`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Metafile } from 'esbuild';

export interface BundleFacts {
  /** The output file of the entry point (`<outdir>/handler.mjs`). */
  readonly entry: string;
  /** Output files (`.mjs`) and their total size: what is shipped. */
  readonly files: number;
  readonly rawBytes: number;
  /** Sum of each file gzipped on its own (level 9). */
  readonly gzipBytes: number;
  /** The entry and every chunk it imports statically, transitively: evaluated at init. */
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

/** Each package of the bundle's inputs and the `node_modules` roots it was bundled from. */
export function packageRoots(metafile: Metafile): Map<string, Set<string>> {
  const roots = new Map<string, Set<string>>();
  for (const input of Object.keys(metafile.inputs)) {
    const match = PACKAGE_ROOT.exec(input);
    if (!match?.[1] || !match[2]) continue;
    const set = roots.get(match[2]) ?? new Set<string>();
    set.add(match[1]);
    roots.set(match[2], set);
  }
  return roots;
}

export function bundleFacts(metafile: Metafile, entryPoint: string, cwd = '.'): BundleFacts {
  const outputs = Object.entries(metafile.outputs).filter(([file]) => file.endsWith('.mjs'));
  const entry = outputs.find(([, output]) => output.entryPoint === entryPoint)?.[0];
  if (entry === undefined) throw new Error(`no output has the entry point ${entryPoint}`);
  const initFiles: string[] = [];
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (initFiles.includes(file)) continue;
    initFiles.push(file);
    for (const item of metafile.outputs[file]?.imports ?? []) {
      if (!item.external && item.kind === 'import-statement') queue.push(item.path);
    }
  }
  const bytesOf = (file: string): number => metafile.outputs[file]?.bytes ?? 0;
  const contents = outputs.map(([file]) => [file, readFileSync(path.resolve(cwd, file))] as const);
  const gzipBytes = contents.reduce(
    (sum, [, text]) => sum + gzipSync(text, { level: 9 }).length,
    0,
  );
  const dynamicRequires = contents
    .filter(([, text]) => text.includes(DYNAMIC_REQUIRE_STUB))
    .map(([file]) => file);
  const duplicates = [...packageRoots(metafile)]
    .filter(([, roots]) => roots.size > 1)
    .map(([name, roots]) => ({ name, roots: [...roots].sort() }));
  return {
    entry,
    files: outputs.length,
    rawBytes: outputs.reduce((sum, [file]) => sum + bytesOf(file), 0),
    gzipBytes,
    initFiles,
    initBytes: initFiles.reduce((sum, file) => sum + bytesOf(file), 0),
    duplicates,
    dynamicRequires,
  };
}
