import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BundleFacts,
  type BundleLayout,
  bundleFacts,
  modulesIn,
  readMetafile,
} from '../../bench/bundle-facts.js';
import { TARGETS } from '../../bench/targets.js';
import { buildBundle, entryFileOf } from '../../esbuild.config.js';
import { type LocalDynamo, startLocalDynamo } from '../../local/dynamodb.js';
import { type Emulator, startEmulator } from '../../local/emulator.js';
import { readEnvFile } from '../../local/env-file.js';
import { accountAndRegionOf, readStoresFile } from '../../local/stores-file.js';

const run = promisify(execFile);

/** Each notification sink's file, loaded on its first use with its SDK client. */
const MAX_SINK_BYTES = {
  'src/notify/sns-sink.ts': 40_000,
  'src/notify/eventbridge-sink.ts': 30_000,
  'src/notify/security-hub-sink.ts': 200_000,
} as const;
/**
 * Every other file loaded on demand, together: idempotency and its DynamoDB client, the state
 * table's DynamoDB client, the remote credential providers, and the chunks they share.
 */
const MAX_OTHER_ON_DEMAND_BYTES = 240_000;
/** What only a file loaded on demand may hold: the clients of the sinks, DynamoDB, idempotency. */
const ON_DEMAND_PACKAGES = [
  '@aws-sdk/client-sns',
  '@aws-sdk/client-eventbridge',
  '@aws-sdk/client-securityhub',
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/lib-dynamodb',
  '@aws-sdk/util-dynamodb',
  '@aws-lambda-powertools/idempotency',
] as const;
/** The SDK's protocols that only those clients speak (CloudTrail speaks AWS JSON 1.1). */
const ON_DEMAND_PROTOCOLS =
  /protocols\/(query|xml)\/|xml-builder|AwsRestJsonProtocol|HttpBindingProtocol/;
const MANAGED_ARN =
  'arn:aws:cloudtrail:us-east-1:012345678912:eventdatastore/a3f1c0de-5b2a-4c1e-9f3d-0e7a1b2c3d4e';

/** A package whose index only re-exports its two files, as the SDK's `@aws-sdk/core/protocols`. */
const BARREL_PACKAGE = {
  'node_modules/barrel/package.json': '{ "name": "barrel", "type": "module", "main": "index.js" }',
  'node_modules/barrel/index.js': "export { a } from './a.js';\nexport { b as b } from './b.js';\n",
  'node_modules/barrel/a.js': "export const a = () => 'A';\n",
  'node_modules/barrel/b.js': "export const b = () => 'B';\n",
};

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
  use: (fixture: { built: BundleFacts & BundleLayout; out: string }) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  try {
    for (const [name, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, name), text);
    }
    const entry = path.join(dir, 'entry.mjs');
    const out = path.join(dir, 'out');
    // The repository's packages resolve from the fixture's directory too.
    await buildBundle({
      entryPoints: [entry],
      outdir: out,
      nodePaths: [path.resolve('node_modules')],
    });
    await use({ built: await bundleFacts(out, entryFileOf(entry, out)), out });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('Bundle: the shipped artifact', () => {
  let outdir: string;
  let facts: BundleFacts & BundleLayout;

  beforeAll(async () => {
    // Prepare: the one build definition, into a directory of this test's own.
    outdir = await mkdtemp(path.join(tmpdir(), 'guard-bundle-'));
    await buildBundle({ outdir });
    facts = await bundleFacts(outdir, entryFileOf('src/handler.ts', outdir));
  }, 60_000);

  afterAll(async () => {
    await rm(outdir, { recursive: true, force: true });
  });

  it(`evaluates at most ${TARGETS.initBytes / 1000} kB at a cold start (the bench's limit)`, () => {
    expect(facts.initBytes).toBeLessThanOrEqual(TARGETS.initBytes);
  });

  it('holds no client of a sink, of DynamoDB or idempotency in the cold-start file', () => {
    expect(ON_DEMAND_PACKAGES.filter((name) => name in facts.initPackages)).toEqual([]);
  });

  it('holds none of the protocols only the clients loaded on demand speak in the cold-start file', async () => {
    // Act
    const modules = modulesIn(await readMetafile(outdir), facts.initFiles);

    // Assess
    expect(modules.filter((module) => ON_DEMAND_PROTOCOLS.test(module))).toEqual([]);
    expect(modules.some((module) => module.includes('AwsJson1_1Protocol'))).toBe(true);
  });

  it.each(Object.entries(MAX_SINK_BYTES))(
    'loads %s on demand, in at most %i bytes',
    (source, max) => {
      const files = facts.onDemand.filter((file) => file.entryPoint === source);
      expect(files).toHaveLength(1);
      expect(files[0]?.bytes).toBeLessThanOrEqual(max);
    },
  );

  it(`loads everything else on demand in at most ${MAX_OTHER_ON_DEMAND_BYTES / 1000} kB`, () => {
    const others = facts.onDemand.filter(
      (file) => !Object.hasOwn(MAX_SINK_BYTES, file.entryPoint ?? ''),
    );
    expect(others.reduce((sum, file) => sum + file.bytes, 0)).toBeLessThanOrEqual(
      MAX_OTHER_ON_DEMAND_BYTES,
    );
  });

  it('bundles no package twice (two versions or two copies)', () => {
    expect(facts.duplicates).toEqual([]);
  });

  it('is two files at a cold start: the entry, and every chunk it imports merged into one', () => {
    expect(facts.initFiles).toEqual([facts.entry, path.join(outdir, 'handler-init.mjs')]);
    expect(facts.files).toBeGreaterThan(2);
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
        expect(built.initFiles).toEqual([built.entry, path.join(out, 'entry-init.mjs')]);
        expect(built.files).toBe(3);
        expect(JSON.parse(stdout)).toEqual({ first: 40, answer: 42, evaluations: 1 });
      },
    );
  });

  it('would report a client imported statically into the cold-start file', async () => {
    // Prepare: an entry that constructs an SNS client at module scope.
    await withFixture(
      'guard-client-',
      {
        'entry.mjs':
          "import { SNSClient } from '@aws-sdk/client-sns';\nexport const sns = new SNSClient({ region: 'us-east-1' });\n",
      },
      async ({ built }) => {
        // Assert
        expect(built.initPackages).toHaveProperty(['@aws-sdk/client-sns']);
      },
    );
  });

  it('keeps on demand what only a file loaded on demand imports through a barrel', async () => {
    // Prepare: the entry and its import() target import different names of one barrel.
    await withFixture(
      'guard-barrel-',
      {
        ...BARREL_PACKAGE,
        'later.mjs': "import { b } from 'barrel';\nexport const later = b();\n",
        'entry.mjs':
          "import { a } from 'barrel';\nexport const first = a();\nexport const later = () => import('./later.mjs');\n",
      },
      async ({ built, out }) => {
        // Act
        const metafile = await readMetafile(out);
        const { stdout } = await run(process.execPath, [
          '--input-type=module',
          '--eval',
          `const m = await import(${JSON.stringify(pathToFileURL(path.join(out, 'entry.mjs')).href)});
           process.stdout.write(JSON.stringify({ first: m.first, later: (await m.later()).later }));`,
        ]);

        // Assess
        const atInit = modulesIn(metafile, built.initFiles).map((module) => path.basename(module));
        expect(atInit).toContain('a.js');
        expect(atInit).not.toContain('b.js');
        expect(JSON.parse(stdout)).toEqual({ first: 'A', later: 'B' });
      },
    );
  });

  it('imports a barrel with a statement of its own as written: its side effect runs at init', async () => {
    // Prepare: the same barrel, with a side effect.
    await withFixture(
      'guard-impure-barrel-',
      {
        ...BARREL_PACKAGE,
        'node_modules/barrel/index.js': `globalThis.barrelLoaded = true;\n${BARREL_PACKAGE['node_modules/barrel/index.js']}`,
        'entry.mjs':
          "import { a } from 'barrel';\nexport const first = [a(), globalThis.barrelLoaded];\n",
      },
      async ({ out }) => {
        // Act
        const { stdout } = await run(process.execPath, [
          '--input-type=module',
          '--eval',
          `const m = await import(${JSON.stringify(pathToFileURL(path.join(out, 'entry.mjs')).href)});
           process.stdout.write(JSON.stringify(m.first));`,
        ]);

        // Assess
        expect(JSON.parse(stdout)).toEqual(['A', true]);
      },
    );
  });

  it('completes a top-level await of an import() whose target shares a module with the entry', async () => {
    // Prepare: the entry awaits, at module scope, a file loaded on demand importing what it imports.
    await withFixture(
      'guard-await-',
      {
        'shared.mjs': 'export const base = 40;\n',
        'later.mjs': "import { base } from './shared.mjs';\nexport const answer = base + 2;\n",
        'entry.mjs':
          "import { base } from './shared.mjs';\nexport const first = base;\nexport const { answer } = await import('./later.mjs');\n",
      },
      async ({ out }) => {
        // Act
        const { stdout } = await run(
          process.execPath,
          [
            '--input-type=module',
            '--eval',
            `const m = await import(${JSON.stringify(pathToFileURL(path.join(out, 'entry.mjs')).href)});
             process.stdout.write(JSON.stringify({ first: m.first, answer: m.answer }));`,
          ],
          { timeout: 10_000 },
        );

        // Assess
        expect(JSON.parse(stdout)).toEqual({ first: 40, answer: 42 });
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
