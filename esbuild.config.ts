/**
 * The one build definition. `sam build` (through the Makefile), the tests and the benchmark all
 * build the shipped artifact from `buildOptions`, so they measure and deploy the same bundle.
 *
 * Run as a script (`npm run build`) it writes `dist/handler.mjs` (plus its chunks) and
 * `dist/meta.json`, and prints the size of every output.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, type BuildResult, build } from 'esbuild';

/**
 * Bundled CommonJS code (parts of the SDK's dependency tree) may call `require('node:…')`.
 * An ES module has no `require`, so every output file gets one from `createRequire`.
 */
const REQUIRE_SHIM = [
  "import { createRequire as __guardCreateRequire } from 'node:module';",
  'const require = __guardCreateRequire(import.meta.url);',
].join('\n');

export const buildOptions = {
  entryPoints: ['src/handler.ts'],
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  // Code only reached through `import()` (the credential providers Lambda never uses: SSO, INI
  // files, process, web identity…) goes into chunks that are loaded on demand, not at init.
  splitting: true,
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  // Prefer the packages' ES module builds: they tree-shake better than their CJS builds.
  mainFields: ['module', 'main'],
  // Nothing is external: the SDK is bundled in, so the runtime's own copy (whatever version
  // it is) is never used. `platform: 'node'` keeps the Node.js builtins (`node:*`) external.
  external: [],
  // Whitespace and syntax only: identifiers keep their names, so stack traces and error
  // classes stay readable in the logs without shipping a source map.
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: false,
  // No source maps. `--enable-source-maps` makes Node read and parse the map when the module
  // loads, which costs init time and memory on every cold start for a bundle whose names are
  // already readable; turn it on here and set NODE_OPTIONS=--enable-source-maps in the template
  // if you need exact line numbers.
  sourcemap: false,
  banner: { js: REQUIRE_SHIM },
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
} satisfies BuildOptions;

export type BundleResult = BuildResult<{ metafile: true }>;

/**
 * Builds the bundle with `buildOptions`, overridden by `overrides` (the benchmark and the tests
 * point it at another entry or output directory). Writes the metafile to `<outdir>/meta.json`
 * when the build writes files.
 */
export async function buildBundle(overrides: Partial<BuildOptions> = {}): Promise<BundleResult> {
  const options: BuildOptions = { ...buildOptions, ...overrides, metafile: true };
  const result = await build({ ...options, metafile: true });
  if (options.write !== false && options.outdir !== undefined) {
    await mkdir(options.outdir, { recursive: true });
    await writeFile(path.join(options.outdir, 'meta.json'), JSON.stringify(result.metafile));
  }
  return result;
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
