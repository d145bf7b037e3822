/**
 * The build's second pass: what a cold start loads, merged into two files.
 *
 * With `splitting`, esbuild puts each module in a chunk shared by exactly the entry points that
 * reach it, the entry and every `import()` target alike: the function's entry imported 11 chunks
 * at init, each a file Node's ES module loader reads, compiles and links on its own, about 0.3 ms
 * apiece on a cold start here (one merged file imports 3.5 ms faster). esbuild has no manual
 * chunks (evanw/esbuild#207, #3780), so this pass does it on the first pass's output:
 *
 * - every chunk the entry imports statically, transitively, becomes one init file
 *   (`<entry>-init.mjs`), which exports, under the name `$<n>_<export>`, each export of the n-th
 *   chunk merged into it;
 * - the entry and every file loaded on demand are rebuilt with their imports of a merged chunk
 *   pointing at those exports of the init file (the module is the same, nothing runs twice).
 *   Everything else stays as esbuild split it.
 *
 * The entry is not merged with its chunks: a file loaded on demand that imported the entry would
 * close a cycle, and a top-level `await import()` in the entry (the state table's client, loaded
 * at init when STATE_TABLE is set) would then wait for itself forever.
 */
import path from 'node:path';
import { type BuildOptions, type BuildResult, build, type Metafile, type Plugin } from 'esbuild';
import { describeMerged } from './merged-metafile.js';

export type BundleResult = BuildResult<{ metafile: true }>;

type Output = Metafile['outputs'][string];

/** What the second pass is told about the first one's output (absolute paths). */
export interface MergePlan {
  readonly cwd: string;
  /** Where the first pass wrote, and where the second one writes. */
  readonly splitDir: string;
  readonly outdir: string;
  /** The first pass's entry output: the configured entry point's. */
  readonly entry: string;
  /** The name of the file the entry's chunks are merged into (`handler-init.mjs`). */
  readonly init: string;
  /** The files merged into the init file, each export → its name there. */
  readonly aliases: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** The first pass's other `.mjs` files: those loaded on demand. */
  readonly onDemand: readonly string[];
}

/** The one configured entry point, as given (a path relative to the working directory). */
function configuredEntry(options: BuildOptions): string {
  const entryPoints = Array.isArray(options.entryPoints) ? options.entryPoints : [];
  const configured = entryPoints.map((item) => (typeof item === 'string' ? item : item.in));
  if (configured.length !== 1 || configured[0] === undefined) {
    throw new Error('buildBundle builds exactly one entry point');
  }
  return configured[0];
}

/** The entry and its static imports, transitively: what a cold start evaluates. */
function staticClosure(entry: string, outputs: ReadonlyMap<string, Output>, cwd: string): string[] {
  const init = [entry];
  for (let i = 0; i < init.length; i++) {
    for (const item of outputs.get(init[i] as string)?.imports ?? []) {
      const target = path.resolve(cwd, item.path);
      if (item.kind === 'import-statement' && outputs.has(target) && !init.includes(target)) {
        init.push(target);
      }
    }
  }
  return init;
}

/** Reads the first pass's metafile: which files merge into the init file, which load on demand. */
export function planMerge(metafile: Metafile, splitDir: string, options: BuildOptions): MergePlan {
  const cwd = options.absWorkingDir ?? process.cwd();
  const outputs = new Map(
    Object.entries(metafile.outputs).map(([file, output]) => [path.resolve(cwd, file), output]),
  );
  // Outputs of `import()` targets have an `entryPoint` too: the entry is the configured one.
  const source = path.resolve(cwd, configuredEntry(options));
  const entry = [...outputs].find(
    ([, output]) =>
      output.entryPoint !== undefined && path.resolve(cwd, output.entryPoint) === source,
  )?.[0];
  if (entry === undefined) throw new Error(`no output of the first pass is ${source}`);
  const chunks = staticClosure(entry, outputs, cwd).slice(1);
  const aliases = new Map(
    chunks.map((file, i) => {
      const names = outputs.get(file)?.exports ?? [];
      return [file, new Map(names.map((name) => [name, `$${i + 1}_${name}`]))];
    }),
  );
  const onDemand = [...outputs.keys()].filter(
    (file) => file.endsWith('.mjs') && file !== entry && !aliases.has(file),
  );
  return {
    cwd,
    splitDir,
    outdir: path.resolve(cwd, options.outdir ?? 'dist'),
    entry,
    init: `${path.parse(entry).name}-init.mjs`,
    aliases,
    onDemand,
  };
}

/** The init file's source: every merged file's exports, re-exported under their aliases. */
export function mergedEntrySource(aliases: MergePlan['aliases']): string {
  return [...aliases]
    .map(([file, names]) => {
      const list = [...names].map(([name, alias]) => `${name} as ${alias}`).join(', ');
      return `export { ${list} } from ${JSON.stringify(file)};`;
    })
    .join('\n');
}

/** Whatever is not merged keeps the import as esbuild wrote it (another output, a builtin). */
const keepAsWritten = (args: { path: string }) => ({ path: args.path, external: true });

/** Bundles the init file's source: the merged files go in, everything else stays outside. */
function mergeIntoInit(plan: MergePlan): Plugin {
  return {
    name: 'merge-init-chunks',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^merged-init$/ }, () => ({
        path: plan.init,
        namespace: 'merged-init',
      }));
      pluginBuild.onLoad({ filter: /.*/, namespace: 'merged-init' }, () => ({
        contents: mergedEntrySource(plan.aliases),
        loader: 'js',
        resolveDir: plan.splitDir,
      }));
      pluginBuild.onResolve({ filter: /.*/ }, (args) =>
        args.kind === 'import-statement' &&
        plan.aliases.has(path.resolve(args.resolveDir, args.path))
          ? undefined
          : keepAsWritten(args),
      );
    },
  };
}

/** Rebuilds the entry or a file loaded on demand with its imports of merged files from the init file. */
function importMergedFromInit(plan: MergePlan): Plugin {
  const initName = JSON.stringify(`./${plan.init}`);
  return {
    name: 'import-merged-chunks-from-the-init-file',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        const target = path.resolve(args.resolveDir, args.path);
        return plan.aliases.has(target)
          ? { path: target, namespace: 'merged-chunk' }
          : keepAsWritten(args);
      });
      pluginBuild.onLoad({ filter: /.*/, namespace: 'merged-chunk' }, (args) => {
        const names = [...(plan.aliases.get(args.path) ?? [])];
        const list = names.map(([name, alias]) => `${alias} as ${name}`).join(', ');
        return {
          contents: `export { ${list} } from ${initName};`,
          loader: 'js',
          resolveDir: plan.outdir,
        };
      });
    },
  };
}

/**
 * Throws if a file of the second pass bundled a merged file instead of importing it from the
 * entry: that file would hold a second copy of the module, evaluated a second time.
 */
export function assertNoCopies(metafile: Metafile, plan: Pick<MergePlan, 'cwd' | 'aliases'>): void {
  for (const [file, output] of Object.entries(metafile.outputs)) {
    const copied = Object.keys(output.inputs).filter((input) =>
      plan.aliases.has(path.resolve(plan.cwd, input)),
    );
    if (copied.length > 0) throw new Error(`${file} holds a copy of ${copied.join(', ')}`);
  }
}

/** Runs the second pass over the first one's output (already written to `plan.splitDir`). */
export async function mergeInitChunks(
  split: BundleResult,
  options: BuildOptions,
  plan: MergePlan,
): Promise<BundleResult> {
  // The first pass's options (minification, target, format), without its splitting or plugins.
  const second = {
    ...options,
    bundle: true,
    splitting: false,
    absWorkingDir: plan.cwd,
    outdir: plan.outdir,
    write: options.write ?? true,
    metafile: true,
  } satisfies BuildOptions;
  // An entry that imports no chunk has no init file.
  const merged = await build({
    ...second,
    entryPoints:
      plan.aliases.size === 0 ? [] : [{ in: 'merged-init', out: path.parse(plan.init).name }],
    plugins: [mergeIntoInit(plan)],
  });
  const rest = await build({
    ...second,
    entryPoints: [plan.entry, ...plan.onDemand].map((file) => ({
      in: file,
      out: path.parse(file).name,
    })),
    plugins: [importMergedFromInit(plan)],
  });
  assertNoCopies(rest.metafile, plan);
  return {
    ...merged,
    errors: [...split.errors, ...merged.errors, ...rest.errors],
    warnings: [...split.warnings, ...merged.warnings, ...rest.warnings],
    ...(options.write === false && {
      outputFiles: [...(merged.outputFiles ?? []), ...(rest.outputFiles ?? [])],
    }),
    metafile: describeMerged(split.metafile, [merged.metafile, rest.metafile], plan),
  };
}
