/**
 * The bundles the benchmark measures, each built with the one build definition
 * (esbuild.config.ts) into a directory of its own under bench/out, and the measuring child.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { buildBundle, entryFileOf } from '../esbuild.config.js';
import { type BundleFacts, bundleFacts } from './bundle-facts.js';
import { CHILD_SCRIPT } from './children.js';

export interface Built {
  /** The entry file's absolute path, as a child imports it. */
  readonly bundle: string;
  readonly facts: BundleFacts;
}

export interface Builds {
  /** The shipped artifact, exactly as `npm run build` makes it (only the outdir differs). */
  readonly full: Built;
  /** bench/bare.ts: a CloudTrail client and one StartEventDataStoreIngestion. */
  readonly bare: Built;
  /** bench/reference.ts: the function's API calls sent with bare SDK clients. */
  readonly reference: Built;
}

async function buildInto(name: string, entryPoint: string): Promise<Built> {
  const outdir = path.posix.join('bench/out', name);
  await rm(outdir, { recursive: true, force: true });
  await buildBundle({ outdir, entryPoints: [entryPoint] });
  const facts = await bundleFacts(outdir, entryFileOf(entryPoint, outdir));
  return { bundle: path.resolve(facts.entry), facts };
}

/** bench/child.ts for plain `node`: its imports (local/) bundled, packages left to node_modules. */
async function buildChild(): Promise<void> {
  await build({
    entryPoints: ['bench/child.ts'],
    outfile: CHILD_SCRIPT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    packages: 'external',
    logLevel: 'warning',
  });
}

export async function buildAll(): Promise<Builds> {
  const full = await buildInto('full', 'src/handler.ts');
  const bare = await buildInto('bare', 'bench/bare.ts');
  const reference = await buildInto('reference', 'bench/reference.ts');
  await buildChild();
  return { full, bare, reference };
}
