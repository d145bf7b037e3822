/**
 * The `sam local invoke` path without Docker: the artifact `sam build` makes (dist/*.mjs), run
 * by a Node.js runtime stand-in in a child process with exactly the environment SAM CLI would
 * give it — SAM's AWS_* variables, the template's declared variables overridden by env.json,
 * and the runtime interface emulator's invokedFunctionArn — against `npm run local-stack`.
 * What Docker's `host.docker.internal` mapping does, the test does by hand: env.json's endpoints
 * are pointed at the stack's loopback address and ports.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { CloudTrailClient, GetEventDataStoreCommand } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnvFile } from '../../local/env-file.js';
import { type LocalServers, startLocalServers } from '../../local/local-servers.js';
import { rehomeStores } from '../../local/rehome-stores.js';
import { tablesOf } from '../../local/runner-environment.js';
import {
  RIE_ACCOUNT,
  SAM_PLACEHOLDER_CREDENTIALS,
  samEnvironment,
} from '../../local/sam-environment.js';
import { accountAndRegionOf, readStoresFile } from '../../local/stores-file.js';
import { loadTemplateFunction, type TemplateFunction } from '../../local/template-function.js';
import { type StackProcess, startStackProcess } from '../support/local-stack-process.js';
import { resultLines, runRunner } from '../support/run-runner.js';
import {
  buildArtifacts,
  runtimeImageVariables,
  type SamInvocation,
  samInvoke,
} from '../support/sam-invoke.js';

const MANAGED_ID = 'a3f1c0de-5b2a-4c1e-9f3d-0e7a1b2c3d4e';
const CREDENTIALS = { accessKeyId: 'AKIDSAMLOCALTEST', secretAccessKey: 'sam-local-test' };
const SAMPLES = readdirSync('events')
  .filter((file) => file.endsWith('.json'))
  .sort();

const readEvent = (file: string): unknown => JSON.parse(readFileSync(`events/${file}`, 'utf8'));

/** env.json's URL on the stack's own address and port (what host.docker.internal resolves to). */
const pointedAt = (url: string | undefined, local: string | undefined): string =>
  url === undefined || url === '' || local === undefined ? (url ?? '') : local;

interface Outcome {
  readonly stores: string[];
  readonly summary: unknown;
  readonly errorType: unknown;
}

/** What an invocation did, store by store (ID, action, reason), comparable across accounts. */
function outcomeOf(printed: Record<string, unknown> | undefined): Outcome {
  const result = (printed?.result ?? printed) as
    | { stores?: { eventDataStore: string; action: string; reason: string }[]; summary?: unknown }
    | undefined;
  return {
    stores: (result?.stores ?? [])
      .map((store) => `${store.eventDataStore.split('/').at(-1)} ${store.action} ${store.reason}`)
      .sort(),
    summary: result?.summary,
    errorType: printed?.errorType,
  };
}

describe('sam local invoke, without Docker: the built artifact in the environment SAM gives it', () => {
  let fn: TemplateFunction;
  let envFile: Record<string, string>;
  let artifacts: string;
  let region: string;

  /** SAM's environment for env.json's variables (changed by `changes`), against these endpoints. */
  function environment(
    endpoints: { cloudtrail?: string | undefined; dynamodb?: string | undefined },
    changes: Record<string, string | undefined> = {},
  ): Record<string, string> {
    const file: Record<string, string> = {
      ...envFile,
      AWS_ENDPOINT_URL_CLOUDTRAIL: pointedAt(
        envFile.AWS_ENDPOINT_URL_CLOUDTRAIL,
        endpoints.cloudtrail,
      ),
      AWS_ENDPOINT_URL_DYNAMODB: pointedAt(envFile.AWS_ENDPOINT_URL_DYNAMODB, endpoints.dynamodb),
    };
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) delete file[key];
      else file[key] = value;
    }
    return {
      ...samEnvironment(fn, {
        envFile: file,
        shell: {},
        credentials: { ...SAM_PLACEHOLDER_CREDENTIALS, region },
      }),
      ...runtimeImageVariables(fn, artifacts),
    };
  }

  beforeAll(async () => {
    fn = await loadTemplateFunction();
    envFile = await readEnvFile('env.json', Object.keys(fn.variables));
    artifacts = await buildArtifacts();
    region = accountAndRegionOf(await readStoresFile('local/stores.json')).region;
  });

  afterAll(async () => {
    await rm(artifacts, { recursive: true, force: true });
  });

  describe('against npm run local-stack', () => {
    let stack: StackProcess;

    beforeAll(async () => {
      stack = await startStackProcess(['--port', '0']);
    });

    afterAll(async () => {
      await stack.stop();
    });

    it('resumes the managed store, records the delivery in the local table, and calls nothing else', async () => {
      // Prepare
      const env = environment({ cloudtrail: stack.cloudtrail, dynamodb: stack.dynamodb });

      // Act
      const invocation = await samInvoke({
        env,
        event: readEvent('sns-stop-alert.json'),
        denyNetwork: true,
      });

      // Assess: the function's result, then the stack's own state
      expect(invocation.error, invocation.stderr).toBeUndefined();
      expect(outcomeOf(invocation.result).stores).toContain(`${MANAGED_ID} resumed stopped`);
      expect(invocation.connections.length).toBeGreaterThan(0);
      expect(invocation.connections.filter((c) => c.host !== '127.0.0.1')).toEqual([]);
      const cloudtrail = new CloudTrailClient({
        endpoint: stack.cloudtrail,
        region,
        credentials: CREDENTIALS,
      });
      const store = await cloudtrail.send(
        new GetEventDataStoreCommand({ EventDataStore: MANAGED_ID }),
      );
      cloudtrail.destroy();
      expect(store.EventDataStoreArn?.split(':')[4]).toBe(RIE_ACCOUNT);
      expect(['STARTING_INGESTION', 'ENABLED']).toContain(store.Status);
      const dynamo = new DynamoDBClient({
        endpoint: stack.dynamodb ?? '',
        region,
        credentials: CREDENTIALS,
      });
      const records = await dynamo.send(new ScanCommand({ TableName: envFile.IDEMPOTENCY_TABLE }));
      dynamo.destroy();
      expect(records.Count).toBe(1);
    });

    it.each([
      [
        'env.json without the endpoints',
        { AWS_ENDPOINT_URL_CLOUDTRAIL: undefined, AWS_ENDPOINT_URL_DYNAMODB: undefined },
      ],
      [
        'env.json with empty endpoints',
        { AWS_ENDPOINT_URL_CLOUDTRAIL: '', AWS_ENDPOINT_URL_DYNAMODB: '' },
      ],
    ])(
      'fails closed with %s: a ConfigError naming them, and no connection at all',
      async (_label, changes) => {
        // Prepare
        const env = environment({}, changes);

        // Act
        const invocation = await samInvoke({
          env,
          event: readEvent('sns-stop-alert.json'),
          denyNetwork: true,
        });

        // Assess
        expect(invocation).toMatchObject({ phase: 'init', error: { errorType: 'ConfigError' } });
        expect(invocation.error?.problems).toEqual([
          expect.stringMatching(
            /^AWS_ENDPOINT_URL_CLOUDTRAIL .*real AWS account.*npm run local-stack/,
          ),
          expect.stringMatching(
            /^AWS_ENDPOINT_URL_DYNAMODB .*real AWS account.*npm run local-stack/,
          ),
        ]);
        expect(invocation.connections).toEqual([]);
      },
    );

    it("calls the real CloudTrail endpoint as deployed (no AWS_SAM_LOCAL, the template's empty endpoints)", async () => {
      // Prepare: what Lambda gives the function; one attempt, so the refused call ends it at once
      const { AWS_SAM_LOCAL: _local, ...deployed } = environment(
        {},
        {
          AWS_ENDPOINT_URL_CLOUDTRAIL: '',
          AWS_ENDPOINT_URL_DYNAMODB: '',
          MAX_ATTEMPTS: '1',
          READ_MAX_ATTEMPTS: '1',
        },
      );

      // Act: a direct request has no delivery id (no idempotency): the state table's registry,
      // then CloudTrail
      const invocation = await samInvoke({
        env: deployed,
        event: readEvent('direct-request.json'),
        denyNetwork: true,
      });

      // Assess: the test's guard refused the connections to AWS; nothing left the machine
      expect(invocation.connections).toEqual([
        // DynamoDB's account-based endpoint, the account of the credentials
        {
          host: expect.stringMatching(/^\d{12}\.ddb\.us-east-1\.amazonaws\.com$/),
          port: 443,
          refused: true,
        },
        { host: `cloudtrail.${region}.amazonaws.com`, port: 443, refused: true },
      ]);
      expect(invocation.error?.errorType).toBe('ResumeFailedError');
    });
  });

  describe('every sample event does under sam local invoke what it does under npm start', () => {
    let servers: LocalServers;
    let rehomed: ReturnType<typeof rehomeStores>;

    beforeAll(async () => {
      rehomed = rehomeStores(await readStoresFile('local/stores.json'), RIE_ACCOUNT);
      servers = await startLocalServers({ stores: rehomed, tables: tablesOf(fn, envFile, {}) });
    });

    afterAll(async () => {
      await servers.close();
    });

    /** One sample under sam local, against the stack as `npm run local-stack` starts it. */
    async function underSamLocal(file: string): Promise<SamInvocation> {
      servers.emulator.setStores(rehomed);
      await servers.dynamo?.reset();
      const env = environment({
        cloudtrail: servers.emulator.url,
        dynamodb: servers.dynamo?.endpoint,
      });
      return samInvoke({ env, event: readEvent(file), denyNetwork: true });
    }

    it.each(SAMPLES)('%s', async (file) => {
      // Act
      const [sam, npmStart] = await Promise.all([
        underSamLocal(file),
        runRunner(['-e', `events/${file}`]),
      ]);

      // Assess: the same stores, actions, reasons and summary; npm start printed one result
      const [printed] = resultLines(npmStart);
      expect(outcomeOf(sam.result ?? sam.error)).toEqual(outcomeOf(printed));
      expect(outcomeOf(printed).summary ?? outcomeOf(printed).errorType).toBeDefined();
      expect(sam.connections.every((c) => c.host === '127.0.0.1' && !c.refused)).toBe(true);
    });
  });
});
