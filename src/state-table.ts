/**
 * The state table adapter (`STATE_TABLE`, DynamoDB): one item per store, keyed on `storeArn`,
 * holding its baseline, whether its exemption is distrusted, and its recent stops.
 *
 * The DynamoDB client is imported on the adapter's first request, neither when this file is nor
 * when the adapter is created: a function without a state table never loads it (the bundle keeps
 * it in a chunk loaded on demand), and the handler, which creates the adapter at module scope,
 * never waits at its cold start for a chunk that imports the handler's own module back (that wait
 * would never end). Every request is aborted when the invocation's deadline fires; every error
 * leaves as a `CallError`.
 */
import type * as LibDynamoDB from '@aws-sdk/lib-dynamodb';
import { CallError, toCallError } from './call-error.js';
import { loadOnce } from './lazy.js';
import type { StoreConfig } from './types.js';

export interface StoreRecord {
  readonly storeArn: string;
  readonly baseline?: StoreConfig;
  /** When the baseline was recorded, ISO-8601. */
  readonly baselineAt?: string;
  /** An exempt-tag change by an actor not authorized: the exemption is ignored until an authorized actor sets it again. */
  readonly exemptionDistrusted?: boolean;
}

export interface StatePort {
  getStore(storeArn: string): Promise<StoreRecord | undefined>;
  putBaseline(storeArn: string, baseline: StoreConfig, at: Date): Promise<void>;
  setExemptionDistrusted(storeArn: string, distrusted: boolean): Promise<void>;
  /** The ARN of every store with a record (the registry that outlives ListEventDataStores). */
  listStores(): Promise<string[]>;
  /** Counts one stop of the store (`id`: the CloudTrail eventID, so a redelivery counts once) and returns the number of stops within the window ending at `at`; old stops are dropped. Conditional writes: concurrent invocations count right. */
  recordStop(
    storeArn: string,
    stop: { readonly id: string; readonly at: Date },
    windowMs: number,
  ): Promise<number>;
}

export interface StateTable {
  open(deadline: AbortSignal): StatePort;
}

/** Rounds of a stop's conditional writes before it gives up (only a race on a first stop retries). */
export const RECORD_STOP_ATTEMPTS = 5;

/** The attributes `getStore` reads: everything but the stops. */
const RECORD_ATTRIBUTES = ['storeArn', 'baseline', 'baselineAt', 'exemptionDistrusted'] as const;

type Lib = Pick<typeof LibDynamoDB, 'GetCommand' | 'UpdateCommand' | 'paginateScan'>;
type DocumentClient = LibDynamoDB.DynamoDBDocumentClient;
type Item = Record<string, unknown>;
/** Stop id → epoch milliseconds, as the item keeps them. */
type Stops = Record<string, number>;

interface Table {
  readonly client: DocumentClient;
  readonly lib: Lib;
  readonly name: string;
}

interface TableOptions {
  readonly tableName: string;
  readonly region: string;
}

/** Builds the adapter (once per execution environment); its client is built on first use. */
export function createStateTable(options: TableOptions): Promise<StateTable> {
  const table = loadOnce(() => buildTable(options));
  return Promise.resolve({ open: (deadline) => createPort(table, deadline) });
}

/** The DynamoDB document client, imported and built. */
async function buildTable(options: TableOptions): Promise<Table> {
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { DynamoDBDocumentClient, GetCommand, UpdateCommand, paginateScan } = await import(
    '@aws-sdk/lib-dynamodb'
  );
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: options.region,
      // One request per call: the use case retries each call itself, as it does CloudTrail's.
      maxAttempts: 1,
      // A request with no answer after 5 s fails (TimeoutError) instead of waiting for the deadline.
      requestHandler: {
        requestTimeout: 5_000,
        throwOnRequestTimeout: true,
        connectionTimeout: 2_000,
      },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  return { client, lib: { GetCommand, UpdateCommand, paginateScan }, name: options.tableName };
}

/** Sends one request; whatever it throws leaves as a `CallError` of `operation`. */
async function call<T>(operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw toCallError(error, operation);
  }
}

function createPort(table: () => Promise<Table>, deadline: AbortSignal): StatePort {
  const context: Session = { table, send: { abortSignal: deadline } };
  const update = (storeArn: string, expression: string, values: Item) =>
    call('UpdateItem', async () => {
      const { client, lib, name } = await table();
      return client.send(
        new lib.UpdateCommand({
          TableName: name,
          Key: { storeArn },
          UpdateExpression: expression,
          ExpressionAttributeValues: values,
        }),
        context.send,
      );
    });
  return {
    getStore: (storeArn) => getStore(context, storeArn),
    async putBaseline(storeArn, baseline, at) {
      await update(storeArn, 'SET baseline = :baseline, baselineAt = :at', {
        ':baseline': baseline,
        ':at': at.toISOString(),
      });
    },
    async setExemptionDistrusted(storeArn, distrusted) {
      await update(storeArn, 'SET exemptionDistrusted = :distrusted', {
        ':distrusted': distrusted,
      });
    },
    listStores: () => listStores(context),
    recordStop: (storeArn, stop, windowMs) => recordStop(context, storeArn, stop, windowMs),
  };
}

/** GetItem, strongly consistent, of the attributes listed (comma-separated). */
async function getItem(context: Session, storeArn: string, attributes: string) {
  const { client, lib, name } = await context.table();
  const out = await call('GetItem', () =>
    client.send(
      new lib.GetCommand({
        TableName: name,
        Key: { storeArn },
        ConsistentRead: true,
        ProjectionExpression: attributes,
      }),
      context.send,
    ),
  );
  return out.Item;
}

async function getStore(context: Session, storeArn: string): Promise<StoreRecord | undefined> {
  const item = await getItem(context, storeArn, RECORD_ATTRIBUTES.join(', '));
  return item === undefined ? undefined : toRecord(storeArn, item);
}

/** Scan, page after page (the paginator follows LastEvaluatedKey), reading only the keys. */
function listStores(context: Session): Promise<string[]> {
  return call('Scan', async () => {
    const { client, lib, name } = await context.table();
    const arns: string[] = [];
    const pages = lib.paginateScan(
      { client },
      { TableName: name, ProjectionExpression: 'storeArn', ConsistentRead: true },
      context.send,
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        if (typeof item.storeArn === 'string') arns.push(item.storeArn);
      }
    }
    return arns;
  });
}

function toRecord(storeArn: string, item: Item): StoreRecord {
  return {
    storeArn,
    ...(item.baseline !== undefined && { baseline: item.baseline as StoreConfig }),
    ...(typeof item.baselineAt === 'string' && { baselineAt: item.baselineAt }),
    ...(typeof item.exemptionDistrusted === 'boolean' && {
      exemptionDistrusted: item.exemptionDistrusted,
    }),
  };
}

/** The table and the per-request options of one invocation (the deadline). */
interface Session {
  /** The table, its client built on the first request. */
  readonly table: () => Promise<Table>;
  readonly send: { readonly abortSignal: AbortSignal };
}

const isConditionFailure = (error: unknown): boolean =>
  error instanceof CallError && error.name === 'ConditionalCheckFailedException';

/**
 * Adds the stop to the item's `stops` map as one element (`SET stops.#id`, on condition that the
 * id is new), so concurrent stops of one store never overwrite each other: DynamoDB applies them
 * one after the other and each answer holds every stop written before it. A store's first stop
 * creates the map (on condition that there is none); a race there is the only retry.
 */
async function recordStop(
  context: Session,
  storeArn: string,
  stop: { readonly id: string; readonly at: Date },
  windowMs: number,
): Promise<number> {
  const at = stop.at.getTime();
  for (let attempt = 1; attempt <= RECORD_STOP_ATTEMPTS; attempt++) {
    const stops =
      (await writeStop(context, storeArn, stop.id, at)) ??
      (await readStops(context, storeArn, stop.id)) ??
      (await createStops(context, storeArn, stop.id, at));
    if (stops === undefined) continue;
    await dropOldStops(context, storeArn, stops, at - windowMs);
    return Object.values(stops).filter((time) => time > at - windowMs && time <= at).length;
  }
  throw new CallError(
    'UpdateItem',
    'ConditionalCheckFailedException',
    `the stops of ${storeArn} changed under each of ${RECORD_STOP_ATTEMPTS} attempts to record one`,
  );
}

/** Undefined when the condition failed: the store has no stops yet, or this stop is recorded. */
async function writeStop(context: Session, storeArn: string, id: string, at: number) {
  return conditionalUpdate(context, storeArn, {
    UpdateExpression: 'SET stops.#id = :at',
    ConditionExpression: 'attribute_exists(stops) AND attribute_not_exists(stops.#id)',
    ExpressionAttributeNames: { '#id': id },
    ExpressionAttributeValues: { ':at': at },
  });
}

/** Undefined when the store has no stops yet; its stops when this stop is among them. */
async function readStops(context: Session, storeArn: string, id: string) {
  const stops = (await getItem(context, storeArn, 'stops'))?.stops as Stops | undefined;
  return stops !== undefined && id in stops ? stops : undefined;
}

/** Undefined when another invocation created the stops first. */
async function createStops(context: Session, storeArn: string, id: string, at: number) {
  return conditionalUpdate(context, storeArn, {
    UpdateExpression: 'SET stops = :stops',
    ConditionExpression: 'attribute_not_exists(stops)',
    ExpressionAttributeValues: { ':stops': { [id]: at } },
  });
}

/** The stops after an update; undefined when its condition failed. */
async function conditionalUpdate(
  context: Session,
  storeArn: string,
  input: {
    UpdateExpression: string;
    ConditionExpression: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues: Item;
  },
): Promise<Stops | undefined> {
  const { client, lib, name } = await context.table();
  try {
    const out = await call('UpdateItem', () =>
      client.send(
        new lib.UpdateCommand({
          TableName: name,
          Key: { storeArn },
          ...input,
          ReturnValues: 'ALL_NEW',
        }),
        context.send,
      ),
    );
    return (out.Attributes?.stops ?? {}) as Stops;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

/** Removes the stops at or before `cutoff` (nothing is sent when there are none). */
async function dropOldStops(
  context: Session,
  storeArn: string,
  stops: Stops,
  cutoff: number,
): Promise<void> {
  const old = Object.entries(stops)
    .filter(([, time]) => time <= cutoff)
    .map(([id]) => id);
  if (old.length === 0) return;
  const { client, lib, name } = await context.table();
  const names = Object.fromEntries(old.map((id, index) => [`#old${index}`, id]));
  await call('UpdateItem', () =>
    client.send(
      new lib.UpdateCommand({
        TableName: name,
        Key: { storeArn },
        UpdateExpression: `REMOVE ${Object.keys(names)
          .map((key) => `stops.${key}`)
          .join(', ')}`,
        ExpressionAttributeNames: names,
      }),
      context.send,
    ),
  );
}
