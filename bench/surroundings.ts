/**
 * What the measured processes run against: the CloudTrail Lake emulator and an embedded DynamoDB
 * (dynalite) in this process, the function's environment (env.json with the bench's overrides),
 * and what each kind of process is called with.
 */
import { randomUUID } from 'node:crypto';
import { type LocalDynamo, startLocalDynamo } from '../local/dynamodb.js';
import { type Emulator, startEmulator } from '../local/emulator.js';
import { readEnvFile } from '../local/env-file.js';
import { accountAndRegionOf, readStoresFile, type StoreInput } from '../local/stores-file.js';
import { SETTINGS } from './settings.js';

export interface Surroundings {
  readonly env: NodeJS.ProcessEnv;
  readonly emulator: Emulator;
  /** The stores of local/stores.json, and the stopped one the function manages. */
  readonly stores: readonly StoreInput[];
  readonly managed: StoreInput;
  /** The idempotency table. */
  readonly table: string;
  /** The emulator's stores back as at start, the managed one stopped. */
  reset(): void;
  close(): Promise<void>;
}

/** The stopped store carrying the function's opt-in tag. */
function managedStore(stores: readonly StoreInput[], optInTag: string): StoreInput {
  const [tagKey, tagValue] = optInTag.split('=');
  const managed = stores.find(
    (store) =>
      store.Status === 'STOPPED_INGESTION' &&
      (store.Tags ?? []).some((tag) => tag.Key === tagKey && tag.Value === tagValue),
  );
  if (managed === undefined) throw new Error('local/stores.json has no stopped managed store');
  return managed;
}

/** This process's environment without AWS, Powertools or Node settings of its own. */
function inheritedEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(AWS_|POWERTOOLS_|NODE_OPTIONS$|NODE_V8_COVERAGE$)/.test(key),
    ),
  );
}

export async function startSurroundings(): Promise<Surroundings> {
  const functionEnv = await readEnvFile('env.json');
  const stores = await readStoresFile('local/stores.json');
  const { accountId, region } = accountAndRegionOf(stores);
  const managed = managedStore(stores, functionEnv.OPT_IN_TAG ?? '');
  const table = functionEnv.IDEMPOTENCY_TABLE ?? 'lake-ingestion-guard-idempotency';
  const emulator = await startEmulator({ stores, startDelayMs: SETTINGS.emulatorStartDelayMs });
  const dynamo: LocalDynamo = await startLocalDynamo(table);
  const env: NodeJS.ProcessEnv = {
    ...inheritedEnv(),
    ...functionEnv,
    ...SETTINGS.env,
    IDEMPOTENCY_TABLE: table,
    AWS_REGION: region,
    AWS_ENDPOINT_URL_CLOUDTRAIL: emulator.url,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ACCESS_KEY_ID: 'AKIDBENCHMARK',
    AWS_SECRET_ACCESS_KEY: 'bench-secret',
    BENCH_ACCOUNT_ID: accountId,
  };
  return {
    env,
    emulator,
    stores,
    managed,
    table,
    reset: () => emulator.setStores(stores),
    close: async () => {
      await emulator.close();
      await dynamo.close();
    },
  };
}

/** The bare baseline's event: the store to start. */
export const bareEvent = (s: Surroundings) => ({ eventDataStore: s.managed.EventDataStoreArn });

/** A direct request with an executionId: a deliveryId, fresh each time, so idempotency runs. */
export const functionEvent = (s: Surroundings) => ({
  eventDataStore: s.managed.EventDataStoreArn,
  executionId: randomUUID(),
});

/**
 * The arguments of bench/reference.ts's `invocationCalls`: a fresh idempotency key as Powertools
 * writes it (the function name, '#', an MD5 hash in hex) and a real result of the function, so
 * the completing update carries as many bytes as the function's.
 */
export const referenceArgs = (s: Surroundings, result: unknown): unknown[] => [
  s.table,
  `lake-ingestion-guard#${randomUUID().replaceAll('-', '')}`,
  result,
  s.managed.EventDataStoreArn,
];

/** How many stores a result of the function resumed. */
export function resumedCount(result: unknown): number | undefined {
  return (result as { summary?: { resumed?: number } } | undefined)?.summary?.resumed;
}

/** The emulator's calls since the last reset, each as `operation:outcome`. */
export const callsOf = (emulator: Emulator): string[] =>
  emulator.calls.map((call) => `${call.operation}:${call.outcome}`);
