/**
 * `npm run bench`: the shipped bundle against a bare baseline and a cold reference, in one run.
 *
 * Builds, with the one build definition (esbuild.config.ts), the function (`src/handler.ts`,
 * exactly as `npm run build` does, into bench/out/full), the bare baseline (bench/bare.ts) and
 * the reference calls (bench/reference.ts). Then, against the CloudTrail Lake emulator and an
 * embedded DynamoDB (dynalite) running in this process, it measures in fresh Node processes
 * (`process.execPath --expose-gc`, no tsx): cold imports and first invocations, warm invocations,
 * memory, and a sweep of 10 stores against 1. Everything is interleaved so drift hits every kind
 * alike. Prints a table, writes bench/results.json, exits 1 when a required target is missed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Builds } from './builds.js';
import { buildAll } from './builds.js';
import { killChildren } from './children.js';
import { figuresOf, type Samples } from './figures.js';
import { measureCold } from './measure-cold.js';
import { measureSweep } from './measure-sweep.js';
import { measureWarm, openWarm } from './measure-warm.js';
import { type Results, renderReport } from './render.js';
import { SETTINGS } from './settings.js';
import { seededRandom } from './stats.js';
import { type Surroundings, startSurroundings } from './surroundings.js';
import { allRequiredMet, evaluateTargets } from './targets.js';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));

const started = Date.now();
const say = (text: string) =>
  process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${text}\n`);

async function measure(s: Surroundings, builds: Builds): Promise<Samples> {
  const random = seededRandom(SETTINGS.warmSeed);
  say(`cold: ${SETTINGS.coldRuns} fresh processes per kind`);
  const cold = await measureCold(s, builds, random);
  say(
    `warm: ${SETTINGS.warmupCalls} warm-up then ${SETTINGS.warmCalls} calls per kind, then the heap`,
  );
  const processes = await openWarm(s, builds);
  const { warm, heap } = await measureWarm(s, processes, random);
  await processes.bare.close();
  say(`sweep: ${SETTINGS.sweepRuns} invocations over 1 and over 10 stores`);
  const sweep = await measureSweep(s, processes.full);
  await processes.full.close();
  return { cold, warm, heap, sweep };
}

async function main(): Promise<number> {
  await mkdir('bench/out', { recursive: true });
  say('building');
  const builds = await buildAll();
  const s = await startSurroundings();
  try {
    const samples = await measure(s, builds);
    const measured = {
      date: new Date().toISOString(),
      machine: {
        node: process.version,
        cpu: os.cpus()[0]?.model ?? 'unknown',
        cores: os.availableParallelism(),
        os: os.release(),
      },
      settings: SETTINGS,
      ...figuresOf(samples, {
        bare: builds.bare.facts,
        full: builds.full.facts,
        reference: builds.reference.facts,
      }),
    };
    const targets = evaluateTargets(measured);
    const results: Results = { ...measured, targets, allTargetsMet: allRequiredMet(targets) };
    await writeFile('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(renderReport(results));
    say('done; results in bench/results.json');
    return results.allTargetsMet ? 0 : 1;
  } finally {
    killChildren();
    await s.close();
  }
}

process.exitCode = await main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
  return 2;
});
