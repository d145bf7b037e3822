import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalDynamo, STATE_KEY, startLocalDynamo } from '../../local/dynamodb.js';
import { CallError } from '../../src/call-error.js';
import { createStateTable, type StatePort } from '../../src/state-table.js';
import type { StoreConfig } from '../../src/types.js';

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const MINUTE = 60_000;
const storeArn = (id: string) => `arn:aws:cloudtrail:${REGION}:012345678912:eventdatastore/${id}`;

const BASELINE: StoreConfig = {
  AdvancedEventSelectors: [
    {
      Name: 'Management events',
      FieldSelectors: [
        { Field: 'eventCategory', Equals: ['Management'] },
        { Field: 'readOnly', Equals: ['false'] },
      ],
    },
  ],
  MultiRegionEnabled: true,
  OrganizationEnabled: false,
  RetentionPeriod: 2557,
  TerminationProtectionEnabled: true,
  FederationStatus: 'DISABLED',
};

describe('Function: createStateTable, over HTTP against dynalite', () => {
  let dynamo: LocalDynamo;
  let tables = 0;

  beforeAll(async () => {
    dynamo = await startLocalDynamo([]);
  });

  // The client finds the endpoint where Lambda's would find it (the setup restores the env).
  beforeEach(() => {
    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
  });

  afterAll(async () => {
    await dynamo.close();
  });

  const rawClient = () =>
    new DynamoDBClient({ endpoint: dynamo.endpoint, region: REGION, credentials: CREDENTIALS });

  /** A fresh state table in the embedded DynamoDB, and the port over it. */
  async function freshTable(
    deadline = new AbortController().signal,
  ): Promise<{ port: StatePort; tableName: string }> {
    const tableName = `state-${process.pid}-${++tables}`;
    const { CreateTableCommand } = await import('@aws-sdk/client-dynamodb');
    const client = rawClient();
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        KeySchema: [{ AttributeName: STATE_KEY, KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: STATE_KEY, AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    client.destroy();
    const table = await createStateTable({ tableName, region: REGION });
    return { port: table.open(deadline), tableName };
  }

  it('returns undefined for a store it has no record of', async () => {
    // Prepare
    const { port } = await freshTable();

    // Act
    const record = await port.getStore(storeArn('unknown'));

    // Assess
    expect(record).toBeUndefined();
  });

  it('gives back the baseline it was given, with when it was recorded', async () => {
    // Prepare
    const { port } = await freshTable();
    const at = new Date('2026-06-01T12:00:00.000Z');

    // Act
    await port.putBaseline(storeArn('a'), BASELINE, at);
    const record = await port.getStore(storeArn('a'));

    // Assess
    expect(record).toEqual({
      storeArn: storeArn('a'),
      baseline: BASELINE,
      baselineAt: '2026-06-01T12:00:00.000Z',
    });
  });

  it('replaces the baseline and keeps the distrust and the stops beside it', async () => {
    // Prepare
    const { port } = await freshTable();
    const arn = storeArn('b');
    const at = new Date('2026-06-01T12:00:00.000Z');
    await port.putBaseline(arn, BASELINE, at);
    await port.setExemptionDistrusted(arn, true);
    await port.recordStop(arn, { id: 'e1', at }, 60 * MINUTE);
    const narrower: StoreConfig = { ...BASELINE, RetentionPeriod: 7, KmsKeyId: 'key' };

    // Act
    await port.putBaseline(arn, narrower, new Date(at.getTime() + MINUTE));
    const record = await port.getStore(arn);
    const stops = await port.recordStop(arn, { id: 'e1', at }, 60 * MINUTE);

    // Assess
    expect(record).toEqual({
      storeArn: arn,
      baseline: narrower,
      baselineAt: '2026-06-01T12:01:00.000Z',
      exemptionDistrusted: true,
    });
    expect(stops).toBe(1);
  });

  it('sets and clears the distrust of a store, with or without a baseline', async () => {
    // Prepare
    const { port } = await freshTable();
    const arn = storeArn('c');

    // Act
    await port.setExemptionDistrusted(arn, true);
    const distrusted = await port.getStore(arn);
    await port.setExemptionDistrusted(arn, false);
    const trusted = await port.getStore(arn);

    // Assess
    expect(distrusted).toEqual({ storeArn: arn, exemptionDistrusted: true });
    expect(trusted).toEqual({ storeArn: arn, exemptionDistrusted: false });
  });

  it('lists every store with a record, across scan pages', async () => {
    // Prepare: 40 records through the port, and 4 stores whose items are large enough (350 kB)
    // that a scan cannot answer in one page of 1 MB
    const { port, tableName } = await freshTable();
    const at = new Date();
    const small = Array.from({ length: 40 }, (_, i) => storeArn(`small-${i}`));
    for (const arn of small) await port.putBaseline(arn, BASELINE, at);
    const large = Array.from({ length: 4 }, (_, i) => storeArn(`large-${i}`));
    const client = rawClient();
    const documents = DynamoDBDocumentClient.from(client);
    for (const arn of large) {
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item: { storeArn: arn, note: 'x'.repeat(350_000) },
        }),
      );
    }
    const firstPage = await client.send(
      new ScanCommand({ TableName: tableName, ProjectionExpression: 'storeArn' }),
    );
    client.destroy();

    // Act
    const arns = await port.listStores();

    // Assess
    expect(firstPage.LastEvaluatedKey).toBeDefined();
    expect(arns.sort()).toEqual([...small, ...large].sort());
  });

  it('counts 20 concurrent stops of one store, each one once', async () => {
    // Prepare
    const { port } = await freshTable();
    const arn = storeArn('d');
    const at = new Date();

    // Act
    const counts = await Promise.all(
      Array.from({ length: 20 }, (_, i) => port.recordStop(arn, { id: `event-${i}`, at }, MINUTE)),
    );
    const after = await port.recordStop(arn, { id: 'event-0', at }, MINUTE);

    // Assess: DynamoDB applies them one after the other, each answer counts the ones before it
    expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(after).toBe(20);
  });

  it('counts a redelivered stop once, even when the redeliveries race', async () => {
    // Prepare
    const { port } = await freshTable();
    const arn = storeArn('e');
    const at = new Date();

    // Act
    const counts = await Promise.all(
      Array.from({ length: 5 }, () => port.recordStop(arn, { id: 'same-event', at }, MINUTE)),
    );
    const second = await port.recordStop(arn, { id: 'other-event', at }, MINUTE);

    // Assess
    expect(counts).toEqual([1, 1, 1, 1, 1]);
    expect(second).toBe(2);
  });

  it('drops the stops older than the window and counts only those within it', async () => {
    // Prepare: three stops 0, 30 and 50 minutes in, in a window of 40 minutes
    const { port, tableName } = await freshTable();
    const arn = storeArn('f');
    const start = Date.parse('2026-06-01T12:00:00.000Z');
    const window = 40 * MINUTE;
    await port.recordStop(arn, { id: 'at-0', at: new Date(start) }, window);
    await port.recordStop(arn, { id: 'at-30', at: new Date(start + 30 * MINUTE) }, window);

    // Act
    const count = await port.recordStop(
      arn,
      { id: 'at-50', at: new Date(start + 50 * MINUTE) },
      window,
    );

    // Assess: the stop at 0 is outside the window ending at 50, and gone from the item
    expect(count).toBe(2);
    const client = rawClient();
    const { Items } = await client.send(new ScanCommand({ TableName: tableName }));
    client.destroy();
    expect(Object.keys(Items?.[0]?.stops?.M ?? {}).sort()).toEqual(['at-30', 'at-50']);
  });

  it('aborts its requests when the deadline fires, as a CallError of the operation', async () => {
    // Prepare
    const deadline = new AbortController();
    const { port } = await freshTable(deadline.signal);
    deadline.abort();

    // Act
    const error = await port.getStore(storeArn('g')).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(CallError);
    expect(error).toMatchObject({ operation: 'GetItem', name: 'AbortError' });
  });

  it('fails with a CallError naming DynamoDB’s error when the table does not exist', async () => {
    // Prepare
    const table = await createStateTable({ tableName: 'no-such-table', region: REGION });
    const port = table.open(new AbortController().signal);

    // Act
    const errors = await Promise.all([
      port.listStores().catch((e: unknown) => e),
      port.recordStop(storeArn('h'), { id: 'x', at: new Date() }, MINUTE).catch((e: unknown) => e),
      port.putBaseline(storeArn('h'), BASELINE, new Date()).catch((e: unknown) => e),
    ]);

    // Assess
    expect(errors).toEqual([
      expect.objectContaining({ operation: 'Scan', name: 'ResourceNotFoundException' }),
      expect.objectContaining({ operation: 'UpdateItem', name: 'ResourceNotFoundException' }),
      expect.objectContaining({ operation: 'UpdateItem', name: 'ResourceNotFoundException' }),
    ]);
    for (const error of errors) expect(error).toBeInstanceOf(CallError);
  });
});
