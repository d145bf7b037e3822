/**
 * The one build definition. `sam build` (through the Makefile), the tests and the benchmark all
 * build the shipped artifact from `buildOptions`, so they measure and deploy the same bundle.
 *
 * Run as a script (`npm run build`) it writes `dist/handler.mjs` (plus its init file and the
 * files it loads on demand) and `dist/meta.json`, and prints the size of every output.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { importPastBarrels } from './build/import-past-barrels.js';
import { type BundleResult, mergeInitChunks, planMerge } from './build/merge-init-chunks.js';

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
 * still ends in its usual "Could not load credentials from any providers". The price: the
 * bundle itself reads credentials from environment variables only; `npm start -- --aws`
 * resolves them (a profile included) with the SDK's whole chain in the runner, outside the
 * bundle, and hands them to the function as environment variables.
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
  // credential providers, the notification sinks, the state table's client) goes into chunks
  // that are loaded on demand, not at init; the chunks the entry imports statically are then
  // merged into one init file beside it (build/merge-init-chunks.ts).
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
  // Named imports from the SDK's barrels (`@aws-sdk/core/protocols`, …) go straight to the files
  // that define them, so the entry does not reach, and share a chunk with, the protocols only the
  // clients loaded on demand use (build/import-past-barrels.ts).
  plugins: [dropOrphanedBrowserChunks, keepOnlyLambdaCredentials, importPastBarrels],
  metafile: true,
  logLevel: 'warning',
} satisfies BuildOptions;

export type { BundleResult };

/**
 * Builds the bundle with `buildOptions`, overridden by `overrides` (the benchmark and the tests
 * point it at another entry or output directory), then merges the chunks a cold start loads into
 * one init file beside the entry (build/merge-init-chunks.ts). Writes the metafile to `<outdir>/meta.json` when the build
 * writes files.
 */
export async function buildBundle(overrides: Partial<BuildOptions> = {}): Promise<BundleResult> {
  const options: BuildOptions = { ...buildOptions, ...overrides, metafile: true };
  const splitDir = await mkdtemp(path.join(tmpdir(), 'guard-split-'));
  try {
    const split = await build({ ...options, outdir: splitDir, write: true, metafile: true });
    const result = await mergeInitChunks(
      split,
      options,
      planMerge(split.metafile, splitDir, options),
    );
    if (options.write !== false && options.outdir !== undefined) {
      await mkdir(options.outdir, { recursive: true });
      await writeFile(path.join(options.outdir, 'meta.json'), JSON.stringify(result.metafile));
    }
    return result;
  } finally {
    await rm(splitDir, { recursive: true, force: true });
  }
}

/** The file `buildBundle` writes for its entry point: `<outdir>/<entry name>.mjs`. */
export function entryFileOf(entryPoint: string, outdir: string = buildOptions.outdir): string {
  return path.join(outdir, `${path.parse(entryPoint).name}${buildOptions.outExtension['.js']}`);
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
