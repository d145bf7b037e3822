/**
 * The function's real surroundings for integration tests: the CloudTrail Lake emulator over
 * HTTP, an embedded DynamoDB (dynalite) with the idempotency and state tables, and a freshly
 * loaded handler module.
 */
import { readFileSync } from 'node:fs';
import type { Context } from 'aws-lambda';
import { vi } from 'vitest';
import {
  IDEMPOTENCY_KEY,
  type LocalDynamo,
  STATE_KEY,
  startLocalDynamo,
} from '../../local/dynamodb.js';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../local/emulator.js';
import { createLambdaContext } from '../../local/lambda-context.js';
import type { StoreInput } from '../../local/stores-file.js';

export type Handler = (event: unknown, context: Context) => Promise<unknown>;

export const ACCOUNT = '012345678912';
export const REGION = 'us-east-1';
export const MANAGED_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:eventdatastore/a3f1c0de-5b2a-4c1e-9f3d-0e7a1b2c3d4e`;

export const readEvent = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../events/${name}`, import.meta.url), 'utf8'));

export const sampleStores = (): StoreInput[] =>
  JSON.parse(readFileSync(new URL('../../local/stores.json', import.meta.url), 'utf8'));

/** The ARN of a store of the test account and region. */
export const storeArn = (id: string): string =>
  `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:eventdatastore/${id}`;

/** A stopped Management store, managed by the opt-in tag `loadHandler` sets. */
export const makeStore = (id: string, overrides: Partial<StoreInput> = {}): StoreInput => ({
  EventDataStoreArn: storeArn(id),
  Name: `store-${id}`,
  Status: 'STOPPED_INGESTION',
  AdvancedEventSelectors: [
    { FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
  ],
  Tags: [{ Key: 'ingestion-guard:managed', Value: 'true' }],
  ...overrides,
});

export interface LocalStack {
  readonly emulator: Emulator;
  readonly dynamo: LocalDynamo | undefined;
  /** A fresh handler module, as after a cold start, with these extra environment variables. */
  loadHandler(env?: Record<string, string>): Promise<Handler>;
  context(timeoutMs?: number): Context;
  /** StartEventDataStoreIngestion calls the emulator received. */
  starts(): number;
  /** A store's status in the emulator now. */
  statusOf(arn: string): string | undefined;
  close(): Promise<void>;
}

let tables = 0;

export async function startLocalStack(
  /** `idempotency: false`: no DynamoDB at all (neither the idempotency nor the state table). */
  options: Partial<EmulatorOptions> & { idempotency?: boolean } = {},
): Promise<LocalStack> {
  const emulator = await startEmulator({ stores: sampleStores(), startDelayMs: 50, ...options });
  const table = `idempotency-${process.pid}-${++tables}`;
  const stateTable = `state-${process.pid}-${tables}`;
  const dynamo =
    options.idempotency === false
      ? undefined
      : await startLocalDynamo([
          { name: table, key: IDEMPOTENCY_KEY },
          { name: stateTable, key: STATE_KEY },
        ]);
  return {
    emulator,
    dynamo,
    async loadHandler(env = {}) {
      Object.assign(process.env, {
        AWS_REGION: REGION,
        AWS_ENDPOINT_URL_CLOUDTRAIL: emulator.url,
        OPT_IN_TAG: 'ingestion-guard:managed=true',
        VERIFY_INTERVAL_MS: '20',
        RETRY_BASE_DELAY_MS: '20',
        RETRY_MAX_DELAY_MS: '100',
        DEADLINE_MARGIN_MS: '500',
        POWERTOOLS_SERVICE_NAME: 'lake-ingestion-guard',
        ...(dynamo && {
          IDEMPOTENCY_TABLE: table,
          STATE_TABLE: stateTable,
          AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        }),
        ...env,
      });
      vi.resetModules();
      const module = await import('../../src/handler.js');
      return module.handler as unknown as Handler;
    },
    context: (timeoutMs = 30_000) =>
      createLambdaContext({ accountId: ACCOUNT, region: REGION, timeoutMs }),
    starts: () =>
      emulator.calls.filter((c) => c.operation === 'StartEventDataStoreIngestion').length,
    statusOf: (arn) => emulator.stores().find((s) => s.EventDataStoreArn === arn)?.Status,
    async close() {
      await emulator.close();
      await dynamo?.close();
    },
  };
}
