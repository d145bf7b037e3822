/**
 * The one build definition. `sam build` (through the Makefile), the tests and the benchmark all
 * build the shipped artifact from `buildOptions`, so they measure and deploy the same bundle.
 *
 * Run as a script (`npm run build`) it writes `dist/handler.mjs` (plus its chunks) and
 * `dist/meta.json`, and prints the size of every output.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type BuildOptions,
  type BuildResult,
  build,
  type Metafile,
  type OnResolveArgs,
  type Plugin,
} from 'esbuild';

/**
 * `@aws-sdk/core`'s browser user-agent parser reaches `bowser` through an `import()`. With
 * `splitting`, esbuild emits a chunk for every `import()` it sees, even in code that tree shaking
 * then drops: the Node.js build ends up with a 34 kB `bowser` chunk that no file imports. Only that
 * importer's `bowser` is replaced, by an empty module, so the orphan chunk is a few bytes.
 */
const dropOrphanedBrowserChunks: Plugin = {
  name: 'drop-orphaned-browser-chunks',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^bowser$/ }, (args) =>
      args.importer.includes('/util-user-agent-browser/')
        ? { path: 'bowser', namespace: 'orphaned-browser-chunk' }
        : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: 'orphaned-browser-chunk' }, () => ({
      contents: 'export default undefined;',
      loader: 'js',
    }));
  },
};

/**
 * Lambda gives the function its role's credentials in environment variables, which the SDK's
 * default chain reads first (`fromEnv`). The chain's profile-based links — SSO, INI files,
 * `credential_process`, web identity tokens — are only reached through `import()` when those
 * variables are missing, never in Lambda, yet they and the STS/SSO clients they bring weigh
 * about 70 kB of the artifact. They are replaced by links that pass to the next one, so the chain
 * still ends in its usual "Could not load credentials from any providers". The price: running
 * the bundle outside Lambda (`npm start -- --aws`) needs credentials in environment variables
 * (e.g. `eval "$(aws configure export-credentials --format env)"`), not a profile.
 */
const PROFILE_PROVIDERS = {
  '@aws-sdk/credential-provider-sso': 'fromSSO',
  '@aws-sdk/credential-provider-ini': 'fromIni',
  '@aws-sdk/credential-provider-process': 'fromProcess',
  '@aws-sdk/credential-provider-web-identity': 'fromTokenFile',
} as const;

const keepOnlyLambdaCredentials: Plugin = {
  name: 'keep-only-lambda-credentials',
  setup(pluginBuild) {
    const filter = new RegExp(`^(${Object.keys(PROFILE_PROVIDERS).join('|')})$`);
    pluginBuild.onResolve({ filter }, (args) =>
      args.importer.includes('/credential-provider-node/')
        ? { path: args.path, namespace: 'profile-credentials-not-bundled' }
        : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: 'profile-credentials-not-bundled' }, (args) => {
      const name = PROFILE_PROVIDERS[args.path as keyof typeof PROFILE_PROVIDERS];
      return {
        contents: [
          "import { CredentialsProviderError } from '@smithy/core/config';",
          `export const ${name} = () => async () => {`,
          `  throw new CredentialsProviderError('${name} is not bundled: set credentials in the environment', { tryNextLink: true });`,
          '};',
        ].join('\n'),
        loader: 'js',
        resolveDir: process.cwd(),
      };
    });
  },
};

export const buildOptions = {
  entryPoints: ['src/handler.ts'],
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  // Code only reached through `import()` (idempotency on its first use, the SDK's remote
  // credential providers) goes into chunks that are loaded on demand, not at init; the chunks
  // the entry imports statically are then merged back into it (`mergeInitChunks`).
  splitting: true,
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  // Prefer the packages' ES module builds: they tree-shake better than their CJS builds.
  mainFields: ['module', 'main'],
  // Nothing is external: the SDK is bundled in, so the runtime's own copy (whatever version
  // it is) is never used. `platform: 'node'` keeps the Node.js builtins (`node:*`) external.
  external: [],
  // Full minification: a cold start parses and compiles every byte it evaluates, and identifiers
  // are a third of them (the bytes evaluated at init drop from 438 kB to 286 kB). Error names stay
  // readable in the logs: this function's errors and the SDK's set `name` explicitly, and
  // property and method names are never renamed; stack frames show short local names (build
  // with `sourcemap: true` and NODE_OPTIONS=--enable-source-maps when you need exact frames).
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: true,
  // No source maps. `--enable-source-maps` makes Node read and parse the map when the module
  // loads, which costs init time and memory on every cold start for a bundle whose names are
  // already readable; turn it on here and set NODE_OPTIONS=--enable-source-maps in the template
  // if you need exact line numbers.
  sourcemap: false,
  // No `createRequire` banner: no bundled module calls `require` (the packages' ES module builds
  // are used), and the banner cost every output file an import and a call at init (cold import
  // medians over 100 interleaved fresh processes: full bundle 37.9 → 37.0 ms, bare 33.4 → 32.1
  // ms). If a dependency ever needs `require`, esbuild
  // emits its "Dynamic require … is not supported" stub, which test/integration/bundle.test.ts
  // rejects.
  legalComments: 'none',
  plugins: [dropOrphanedBrowserChunks, keepOnlyLambdaCredentials],
  metafile: true,
  logLevel: 'warning',
} satisfies BuildOptions;

export type BundleResult = BuildResult<{ metafile: true }>;

/**
 * Builds the bundle with `buildOptions`, overridden by `overrides` (the benchmark and the tests
 * point it at another entry or output directory), then merges what a cold start loads into one
 * file (`mergeInitChunks`). Writes the metafile to `<outdir>/meta.json` when the build writes
 * files.
 */
export async function buildBundle(overrides: Partial<BuildOptions> = {}): Promise<BundleResult> {
  const options: BuildOptions = { ...buildOptions, ...overrides, metafile: true };
  const splitDir = await mkdtemp(path.join(tmpdir(), 'guard-split-'));
  try {
    const split = await build({ ...options, outdir: splitDir, write: true, metafile: true });
    const result = await mergeInitChunks(split, splitDir, options);
    if (options.write !== false && options.outdir !== undefined) {
      await mkdir(options.outdir, { recursive: true });
      await writeFile(path.join(options.outdir, 'meta.json'), JSON.stringify(result.metafile));
    }
    return result;
  } finally {
    await rm(splitDir, { recursive: true, force: true });
  }
}

/**
 * With `splitting`, esbuild puts each module in a chunk shared by exactly the entry points that
 * reach it, the entry and every `import()` target alike: the function's entry imported 11 chunks
 * at init, each a file Node's ES module loader reads, compiles and links on its own, about 0.3 ms
 * apiece on a cold start here (one merged file imports 3.5 ms faster). esbuild has no manual
 * chunks (evanw/esbuild#207, #3780), so this second pass does it on the first one's output:
 *
 * - the entry and every chunk it imports statically become one entry file, which also
 *   re-exports, under the name `$<n>_<export>`, each export of the n-th chunk merged into it;
 * - every file loaded on demand is rebuilt with its imports of a merged chunk pointing at those
 *   re-exports of the entry (`./handler.mjs`, already evaluated when the `import()` runs: the
 *   module is the same, nothing runs twice). Everything else stays as esbuild split it.
 *
 * The metafile returned describes the final files; each one's `inputs` are those of the files
 * it was made of, and the top-level `inputs` (every module bundled) those of the first pass.
 */
async function mergeInitChunks(
  split: BundleResult,
  splitDir: string,
  options: BuildOptions,
): Promise<BundleResult> {
  const cwd = options.absWorkingDir ?? process.cwd();
  const outdir = path.resolve(cwd, options.outdir ?? 'dist');
  const outputs = Object.entries(split.metafile.outputs).map(([file, output]) => ({
    file: path.resolve(cwd, file),
    ...output,
  }));
  const byFile = new Map(outputs.map((output) => [output.file, output]));
  // Outputs of `import()` targets have an `entryPoint` too: the entry is the configured one.
  const entryPoints = Array.isArray(options.entryPoints) ? options.entryPoints : [];
  const configured = entryPoints.map((item) => (typeof item === 'string' ? item : item.in));
  if (configured.length !== 1) throw new Error('buildBundle builds exactly one entry point');
  const source = path.resolve(cwd, configured[0] as string);
  const entry = outputs.find(
    (output) => output.entryPoint !== undefined && path.resolve(cwd, output.entryPoint) === source,
  );
  if (entry === undefined) throw new Error(`no output of the first pass is ${configured[0]}`);
  const entryName = path.basename(entry.file);

  // The entry and its static imports, transitively: what a cold start evaluates.
  const init = [entry.file];
  for (let i = 0; i < init.length; i++) {
    for (const item of byFile.get(init[i] as string)?.imports ?? []) {
      const target = path.resolve(cwd, item.path);
      if (item.kind === 'import-statement' && byFile.has(target) && !init.includes(target)) {
        init.push(target);
      }
    }
  }
  // Each merged file's exports, as the merged entry re-exports them.
  const aliases = new Map<string, Map<string, string>>(
    init.map((file, n) => [
      file,
      new Map(
        (byFile.get(file)?.exports ?? []).map((name) => [
          name,
          file === entry.file ? name : `$${n}_${name}`,
        ]),
      ),
    ]),
  );
  const reexports = [...aliases].map(
    ([file, names]) =>
      `export { ${[...names].map(([name, alias]) => `${name} as ${alias}`).join(', ')} } from ${JSON.stringify(file)};`,
  );

  // The first pass's options (minification, target, format), without its splitting or plugins.
  const second = {
    ...options,
    bundle: true,
    splitting: false,
    absWorkingDir: cwd,
    outdir,
    write: options.write ?? true,
  } satisfies BuildOptions;

  // Whatever is not merged keeps the import as esbuild wrote it (another output, a builtin).
  const keepAsWritten = (args: OnResolveArgs) => ({ path: args.path, external: true });

  const merged = await build({
    ...second,
    metafile: true,
    entryPoints: [{ in: 'merged-entry', out: path.parse(entryName).name }],
    plugins: [
      {
        name: 'merge-init-chunks',
        setup(pluginBuild) {
          pluginBuild.onResolve({ filter: /^merged-entry$/ }, () => ({
            path: entryName,
            namespace: 'merged-entry',
          }));
          pluginBuild.onLoad({ filter: /.*/, namespace: 'merged-entry' }, () => ({
            contents: reexports.join('\n'),
            loader: 'js',
            resolveDir: splitDir,
          }));
          pluginBuild.onResolve({ filter: /.*/ }, (args) =>
            args.kind === 'import-statement' &&
            aliases.has(path.resolve(args.resolveDir, args.path))
              ? undefined
              : keepAsWritten(args),
          );
        },
      },
    ],
  });

  const onDemand = outputs.filter(
    (output) => output.file.endsWith('.mjs') && !aliases.has(output.file),
  );
  const rest = await build({
    ...second,
    metafile: true,
    entryPoints: onDemand.map((output) => ({
      in: output.file,
      out: path.parse(output.file).name,
    })),
    plugins: [
      {
        name: 'import-merged-chunks-from-the-entry',
        setup(pluginBuild) {
          pluginBuild.onResolve({ filter: /.*/ }, (args) => {
            if (args.kind === 'entry-point') return undefined;
            const target = path.resolve(args.resolveDir, args.path);
            return aliases.has(target)
              ? { path: target, namespace: 'merged-chunk' }
              : keepAsWritten(args);
          });
          pluginBuild.onLoad({ filter: /.*/, namespace: 'merged-chunk' }, (args) => {
            const names = [...(aliases.get(args.path) ?? [])];
            return {
              contents: `export { ${names.map(([name, alias]) => `${alias} as ${name}`).join(', ')} } from ${JSON.stringify(`./${entryName}`)};`,
              loader: 'js',
              resolveDir: outdir,
            };
          });
        },
      },
    ],
  });

  // A file loaded on demand that had bundled a merged chunk would hold a second copy of it.
  for (const [file, output] of Object.entries(rest.metafile.outputs)) {
    const copied = Object.keys(output.inputs).filter((input) =>
      aliases.has(path.resolve(cwd, input)),
    );
    if (copied.length > 0) throw new Error(`${file} holds a copy of ${copied.join(', ')}`);
  }

  // What the second pass wrote, each file described by the first-pass files it was made of.
  type Output = Metafile['outputs'][string];
  const describe = (metafile: Metafile, madeOf: (name: string) => Output[]) =>
    Object.entries(metafile.outputs).map(([file, output]): [string, Output] => {
      const sources = madeOf(path.basename(file));
      const entryPoint = sources.includes(entry) ? entry.entryPoint : sources[0]?.entryPoint;
      return [
        file,
        {
          ...output,
          imports: output.imports.map((item) =>
            item.path.startsWith('./')
              ? { ...item, path: path.relative(cwd, path.join(outdir, item.path)), external: false }
              : item,
          ),
          inputs: Object.assign({}, ...sources.map((source) => source.inputs)),
          ...(entryPoint !== undefined && { entryPoint }),
        },
      ];
    });
  const firstPass = (file: string): Output[] => {
    const output = byFile.get(file);
    return output === undefined ? [] : [output];
  };
  return {
    ...merged,
    errors: [...split.errors, ...merged.errors, ...rest.errors],
    warnings: [...split.warnings, ...merged.warnings, ...rest.warnings],
    ...(options.write === false && {
      outputFiles: [...(merged.outputFiles ?? []), ...(rest.outputFiles ?? [])],
    }),
    metafile: {
      inputs: split.metafile.inputs,
      outputs: Object.fromEntries([
        ...describe(merged.metafile, () => init.flatMap(firstPass)),
        ...describe(rest.metafile, (name) => firstPass(path.join(splitDir, name))),
      ]),
    },
  };
}

/** One line per output file, and the total, in kilobytes. */
export function describeOutputs(result: BundleResult): string {
  const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.mjs'));
  const total = outputs.reduce((sum, [, output]) => sum + output.bytes, 0);
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1).padStart(8)} kB`;
  return [
    ...outputs.map(([file, output]) => `${kb(output.bytes)}  ${file}`),
    `${kb(total)}  total (${outputs.length} files)`,
  ].join('\n');
}

const isScript =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;

if (isScript) {
  const result = await buildBundle();
  // stderr: `npm start` keeps stdout for the handler's JSON result, like sam local invoke.
  console.error(describeOutputs(result));
}
