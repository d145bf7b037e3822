import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BundleFacts, bundleFacts } from '../../bench/bundle-facts.js';
import { buildBundle, entryFileOf } from '../../esbuild.config.js';
import { type LocalDynamo, startLocalDynamo } from '../../local/dynamodb.js';
import { type Emulator, startEmulator } from '../../local/emulator.js';
import { readEnvFile } from '../../local/env-file.js';
import { accountAndRegionOf, readStoresFile } from '../../local/stores-file.js';

const run = promisify(execFile);

/** Every shipped file together (the entry, its chunks and the chunks loaded on demand). */
const MAX_RAW_BYTES = 450_000;
const MANAGED_ARN =
  'arn:aws:cloudtrail:us-east-1:012345678912:eventdatastore/a3f1c0de-5b2a-4c1e-9f3d-0e7a1b2c3d4e';

/**
 * Imports the built bundle in a fresh Node process (no vitest, no tsx) and handles one event,
 * the way the Lambda runtime does: prints the result as JSON, or the error and exits 1.
 */
const SMOKE_SCRIPT = `
const [bundle, event, accountId, region] = process.argv.slice(1);
const { handler } = await import(bundle);
const context = {
  functionName: 'lake-ingestion-guard',
  invokedFunctionArn: \`arn:aws:lambda:\${region}:\${accountId}:function:lake-ingestion-guard\`,
  awsRequestId: crypto.randomUUID(),
  getRemainingTimeInMillis: () => 30000,
};
process.stdout.write(JSON.stringify(await handler(JSON.parse(event), context)));
`;

/**
 * Writes `files` into a fresh directory, builds its `entry.mjs` with the one build definition
 * into `out/`, hands over the bundle facts, and removes the directory.
 */
async function withFixture(
  prefix: string,
  files: Record<string, string>,
  use: (fixture: { built: BundleFacts; out: string }) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
    const entry = path.join(dir, 'entry.mjs');
    const out = path.join(dir, 'out');
    await buildBundle({ entryPoints: [entry], outdir: out });
    await use({ built: await bundleFacts(out, entryFileOf(entry, out)), out });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('Bundle: the shipped artifact', () => {
  let outdir: string;
  let facts: BundleFacts;

  beforeAll(async () => {
    // Prepare: the one build definition, into a directory of this test's own.
    outdir = await mkdtemp(path.join(tmpdir(), 'guard-bundle-'));
    await buildBundle({ outdir });
    facts = await bundleFacts(outdir, entryFileOf('src/handler.ts', outdir));
  }, 60_000);

  afterAll(async () => {
    await rm(outdir, { recursive: true, force: true });
  });

  it(`is at most ${MAX_RAW_BYTES / 1000} kB raw`, () => {
    expect(facts.rawBytes).toBeLessThanOrEqual(MAX_RAW_BYTES);
  });

  it('bundles no package twice (two versions or two copies)', () => {
    expect(facts.duplicates).toEqual([]);
  });

  it('is one file at a cold start: the entry, with every chunk it imports merged into it', () => {
    expect(facts.initFiles).toEqual([facts.entry]);
    expect(facts.files).toBeGreaterThan(1);
  });

  it('calls no `require` at run time (an ES module has none; the bundle has no shim for it)', () => {
    expect(facts.dynamicRequires).toEqual([]);
  });

  it('would report a bundled CommonJS module that calls `require`', async () => {
    // Prepare: an entry importing a CommonJS file that requires a Node.js builtin.
    await withFixture(
      'guard-require-',
      {
        'legacy.cjs': "module.exports = require('node:os').EOL;\n",
        'entry.mjs': "export { default } from './legacy.cjs';\n",
      },
      async ({ built }) => {
        // Assert
        expect(built.dynamicRequires).toHaveLength(1);
      },
    );
  });

  it('evaluates a module shared by the entry and a file loaded on demand once', async () => {
    // Prepare: the entry and its import() target both import a module that counts evaluations.
    await withFixture(
      'guard-shared-',
      {
        'shared.mjs':
          'globalThis.evaluations = (globalThis.evaluations ?? 0) + 1;\nexport const base = 40;\n',
        'later.mjs': "import { base } from './shared.mjs';\nexport const answer = base + 2;\n",
        'entry.mjs':
          "import { base } from './shared.mjs';\nexport const first = base;\nexport const later = () => import('./later.mjs');\n",
      },
      async ({ built, out }) => {
        // Act
        const { stdout } = await run(process.execPath, [
          '--input-type=module',
          '--eval',
          `const m = await import(${JSON.stringify(pathToFileURL(path.join(out, 'entry.mjs')).href)});
           const { answer } = await m.later();
           process.stdout.write(JSON.stringify({ first: m.first, answer, evaluations: globalThis.evaluations }));`,
        ]);

        // Assess
        expect(built.initFiles).toEqual([built.entry]);
        expect(built.files).toBe(2);
        expect(JSON.parse(stdout)).toEqual({ first: 40, answer: 42, evaluations: 1 });
      },
    );
  });

  describe('in a fresh Node process, against the emulator and dynalite', () => {
    const table = `bundle-smoke-${process.pid}`;
    let emulator: Emulator;
    let dynamo: LocalDynamo;

    beforeAll(async () => {
      emulator = await startEmulator({
        stores: await readStoresFile('local/stores.json'),
        startDelayMs: 10,
      });
      dynamo = await startLocalDynamo(table);
    });

    afterAll(async () => {
      await emulator.close();
      await dynamo.close();
    });

    it('handles the SNS stop alert and resumes the store', { timeout: 60_000 }, async () => {
      // Prepare
      const stores = emulator.stores();
      const { accountId, region } = accountAndRegionOf(stores);
      const functionEnv = await readEnvFile('env.json');
      const inherited = Object.fromEntries(
        Object.entries(process.env).filter(([key]) => !/^(AWS_|POWERTOOLS_|NODE_)/.test(key)),
      );
      const event = await import('../../events/sns-stop-alert.json', { with: { type: 'json' } });

      // Act
      const { stdout } = await run(
        process.execPath,
        [
          '--input-type=module',
          '--eval',
          SMOKE_SCRIPT,
          pathToFileURL(path.resolve(facts.entry)).href,
          JSON.stringify(event.default),
          accountId,
          region,
        ],
        {
          env: {
            ...inherited,
            ...functionEnv,
            // The event has a deliveryId: the idempotency chunk, loaded on demand, runs too.
            IDEMPOTENCY_TABLE: table,
            AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
            VERIFY_INTERVAL_MS: '10',
            POWERTOOLS_LOG_LEVEL: 'SILENT',
            POWERTOOLS_METRICS_DISABLED: 'true',
            AWS_REGION: region,
            AWS_ENDPOINT_URL_CLOUDTRAIL: emulator.url,
            AWS_ACCESS_KEY_ID: 'AKIDBUNDLETEST',
            AWS_SECRET_ACCESS_KEY: 'bundle-test-secret',
          },
          timeout: 30_000,
        },
      );

      // Assess
      const result = JSON.parse(stdout) as { stores: { eventDataStore: string; action: string }[] };
      expect(result.stores).toContainEqual(
        expect.objectContaining({ eventDataStore: MANAGED_ARN, action: 'resumed' }),
      );
      expect(
        emulator.stores().find((store) => store.EventDataStoreArn === MANAGED_ARN)?.Status,
      ).toMatch(/^(STARTING_INGESTION|ENABLED)$/);
    });
  });
});
