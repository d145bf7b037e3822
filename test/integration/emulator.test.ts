import {
  AddTagsCommand,
  CloudTrailClient,
  DeleteEventDataStoreCommand,
  GetEventDataStoreCommand,
  type GetEventDataStoreCommandInput,
  ListEventDataStoresCommand,
  ListTagsCommand,
  paginateListEventDataStores,
  RemoveTagsCommand,
  RestoreEventDataStoreCommand,
  StartEventDataStoreIngestionCommand,
  StopEventDataStoreIngestionCommand,
  UpdateEventDataStoreCommand,
} from '@aws-sdk/client-cloudtrail';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CONTENT_TYPE,
  type Emulator,
  type EmulatorOptions,
  SHORT_TARGET_PREFIX,
  startEmulator,
  TARGET_PREFIX,
} from '../../local/emulator.js';
import type { FaultRule } from '../../local/faults.js';
import { readStoresFile, type StoreInput, type StoreStatus } from '../../local/stores-file.js';
import { createCloudTrail } from '../../src/cloudtrail.js';
import {
  ACCEPTED_CATEGORIES,
  arnOf,
  createClock,
  INVALID_IDENTIFIER_CASES,
  INVALID_RESOURCE_ID_CASES,
  INVALID_RESOURCE_LIST_CASES,
  INVALID_TOKEN_CASES,
  makeStore,
  REFUSED_SELECTOR_CASES,
  START_MS,
  START_REFUSED_STATUSES,
  STOP_REFUSED_STATUSES,
  selectorsFor,
  storesWithSelectors,
} from '../support/store-cases.js';

const SIGV4 =
  'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/cloudtrail/aws4_request, ' +
  'SignedHeaders=host;x-amz-date;x-amz-target, Signature=0123456789abcdef';
let emulator: Emulator | undefined;
let client: CloudTrailClient | undefined;

async function setUp(options: EmulatorOptions): Promise<{ emu: Emulator; ct: CloudTrailClient }> {
  emulator = await startEmulator(options);
  client = new CloudTrailClient({
    region: 'us-east-1',
    endpoint: emulator.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
  return { emu: emulator, ct: client };
}

async function captureError(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('the call should have failed'),
    (error: unknown) => error,
  );
}

function expectApiError(error: unknown, name: string, httpStatusCode: number): void {
  expect(error).toMatchObject({ name, $metadata: { httpStatusCode } });
}

function headersFor(operation: string): Record<string, string> {
  return {
    'Content-Type': CONTENT_TYPE,
    'X-Amz-Target': `${TARGET_PREFIX}${operation}`,
    Authorization: SIGV4,
  };
}

async function callRaw(
  emu: Emulator,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; contentType: string | null; json: Record<string, unknown> }> {
  const response = await fetch(emu.url, { method: 'POST', headers, body });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    json: (await response.json()) as Record<string, unknown>,
  };
}

async function statusOf(ct: CloudTrailClient, id: string): Promise<StoreStatus | undefined> {
  const output = await ct.send(new GetEventDataStoreCommand({ EventDataStore: id }));
  return output.Status;
}

afterEach(async () => {
  vi.unstubAllEnvs();
  client?.destroy();
  await emulator?.close();
  client = undefined;
  emulator = undefined;
});

describe('Emulator: wire protocol', () => {
  it('answers the SDK with the stored fields, reading timestamps as epoch seconds', async () => {
    // Prepare
    const stores = await readStoresFile('local/stores.json');
    const { ct } = await setUp({ stores });
    const [first] = stores;

    // Act
    const output = await ct.send(
      new GetEventDataStoreCommand({ EventDataStore: first?.EventDataStoreArn ?? '' }),
    );

    // Assess
    expect(output).toMatchObject({
      EventDataStoreArn: first?.EventDataStoreArn,
      Name: 'security-audit-trail',
      Status: 'STOPPED_INGESTION',
      AdvancedEventSelectors: first?.AdvancedEventSelectors,
      OrganizationEnabled: false,
      RetentionPeriod: 2557,
      CreatedTimestamp: new Date('2024-01-01T00:00:00Z'),
      UpdatedTimestamp: new Date('2025-11-25T00:00:00Z'),
      $metadata: { httpStatusCode: 200 },
    });
  });

  it.each([
    ['the model prefix', TARGET_PREFIX],
    ['the SDK prefix', SHORT_TARGET_PREFIX],
  ])('dispatches on X-Amz-Target with %s', async (_label, prefix) => {
    // Prepare
    const { emu } = await setUp({ stores: [makeStore('abc-1')] });

    // Act
    const response = await callRaw(
      emu,
      { ...headersFor(''), 'X-Amz-Target': `${prefix}GetEventDataStore` },
      JSON.stringify({ EventDataStore: 'abc-1' }),
    );

    // Assess
    expect(response.status).toBe(200);
    expect(response.contentType).toBe(CONTENT_TYPE);
    expect(response.json).toMatchObject({ Name: 'store-abc-1', CreatedTimestamp: 1_704_067_200 });
  });

  it.each([
    ['no Authorization header', 'MissingAuthenticationTokenException', 403, undefined],
    ['an empty Authorization header', 'MissingAuthenticationTokenException', 403, ''],
    ['a non-SigV4 Authorization header', 'IncompleteSignatureException', 400, 'Bearer token'],
    [
      'a SigV4 Authorization header without Signature',
      'IncompleteSignatureException',
      400,
      SIGV4.replace(/, Signature=.*$/, ''),
    ],
  ])('rejects a request with %s: %s, HTTP %d', async (_label, code, status, authorization) => {
    // Prepare
    const { emu } = await setUp({ stores: [makeStore('abc-1')] });
    const { Authorization: _dropped, ...headers } = headersFor('GetEventDataStore');

    // Act
    const response = await callRaw(
      emu,
      authorization === undefined ? headers : { ...headers, Authorization: authorization },
      JSON.stringify({ EventDataStore: 'abc-1' }),
    );

    // Assess
    expect(response.status).toBe(status);
    expect(response.json).toEqual({ __type: code, Message: expect.any(String) });
    expect(emu.calls).toEqual([{ operation: 'GetEventDataStore', outcome: code }]);
  });

  it('rejects an unknown operation with 400 UnknownOperationException', async () => {
    // Prepare
    const { emu } = await setUp({ stores: [makeStore('abc-1')] });

    // Act
    const response = await callRaw(emu, headersFor('CreateEventDataStore'), '{}');

    // Assess
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it.each([
    ['malformed JSON', '{"EventDataStore": '],
    ['a JSON array', '[]'],
  ])('rejects %s with 400 SerializationException', async (_label, body) => {
    // Prepare
    const { emu } = await setUp({ stores: [makeStore('abc-1')] });

    // Act
    const response = await callRaw(emu, headersFor('GetEventDataStore'), body);

    // Assess
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ __type: 'SerializationException' });
  });

  it('records every call in order, as sent, until resetCalls', async () => {
    // Prepare
    const { emu, ct } = await setUp({ stores: [makeStore('abc-1'), makeStore('abc-2')] });

    // Act
    await ct.send(new GetEventDataStoreCommand({ EventDataStore: 'abc-1' }));
    await ct.send(new ListEventDataStoresCommand({}));
    await ct.send(new ListTagsCommand({ ResourceIdList: [arnOf('abc-1'), arnOf('abc-2')] }));
    await captureError(ct.send(new GetEventDataStoreCommand({ EventDataStore: 'abc-9' })));
    const recorded = [...emu.calls];
    emu.resetCalls();

    // Assess
    expect(recorded).toEqual([
      { operation: 'GetEventDataStore', eventDataStore: 'abc-1', outcome: 'ok' },
      { operation: 'ListEventDataStores', outcome: 'ok' },
      {
        operation: 'ListTags',
        eventDataStore: `${arnOf('abc-1')},${arnOf('abc-2')}`,
        outcome: 'ok',
      },
      {
        operation: 'GetEventDataStore',
        eventDataStore: 'abc-9',
        outcome: 'EventDataStoreNotFoundException',
      },
    ]);
    expect(emu.calls).toEqual([]);
  });
});

describe('Emulator: GetEventDataStore', () => {
  it.each([
    ['its ARN', arnOf('abc-1')],
    ['its ID suffix', 'abc-1'],
  ])('finds a store by %s', async (_label, identifier) => {
    // Prepare
    const { ct } = await setUp({ stores: [makeStore('abc-1'), makeStore('abc-2')] });

    // Act
    const output = await ct.send(new GetEventDataStoreCommand({ EventDataStore: identifier }));

    // Assess
    expect(output.EventDataStoreArn).toBe(arnOf('abc-1'));
  });

  it.each(INVALID_IDENTIFIER_CASES)(
    'rejects an identifier %s',
    async (_label, identifier, name, httpStatusCode) => {
      // Prepare
      const { ct } = await setUp({ stores: [makeStore('abc-1')] });

      // Act
      const error = await captureError(
        ct.send(new GetEventDataStoreCommand({ EventDataStore: identifier })),
      );

      // Assess
      expectApiError(error, name, httpStatusCode);
    },
  );

  it('rejects a request without EventDataStore with InvalidParameterException', async () => {
    // Prepare
    const { ct } = await setUp({ stores: [makeStore('abc-1')] });

    // Act
    const error = await captureError(
      ct.send(new GetEventDataStoreCommand({} as GetEventDataStoreCommandInput)),
    );

    // Assess
    expectApiError(error, 'InvalidParameterException', 400);
  });

  it('never returns Tags or the emulator-only field', async () => {
    // Prepare
    const store = makeStore('abc-1', {
      OrganizationEnabled: true,
      EmulatorCallerIsManagementAccount: false,
    });
    const { emu } = await setUp({ stores: [store] });

    // Act
    const response = await callRaw(
      emu,
      headersFor('GetEventDataStore'),
      JSON.stringify({ EventDataStore: 'abc-1' }),
    );

    // Assess
    expect(Object.keys(response.json)).not.toContain('EmulatorCallerIsManagementAccount');
    expect(Object.keys(response.json)).not.toContain('Tags');
  });
});

describe('Emulator: ListEventDataStores', () => {
  it('returns only EventDataStoreArn and Name per store', async () => {
    // Prepare
    const { emu } = await setUp({ stores: [makeStore('abc-1'), makeStore('abc-2')] });

    // Act
    const response = await callRaw(emu, headersFor('ListEventDataStores'), '{}');

    // Assess
    expect(response.json).toEqual({
      EventDataStores: [
        { EventDataStoreArn: arnOf('abc-1'), Name: 'store-abc-1' },
        { EventDataStoreArn: arnOf('abc-2'), Name: 'store-abc-2' },
      ],
    });
  });

  it('pages through every store with the SDK paginator', async () => {
    // Prepare
    const stores = await readStoresFile('local/stores.json');
    const { emu, ct } = await setUp({ stores });

    // Act
    const pages: string[][] = [];
    for await (const page of paginateListEventDataStores({ client: ct, pageSize: 4 }, {})) {
      pages.push((page.EventDataStores ?? []).map((store) => store.EventDataStoreArn ?? ''));
    }

    // Assess
    expect(pages.map((page) => page.length)).toEqual([4, 3]);
    expect(pages.flat()).toEqual(stores.map((store) => store.EventDataStoreArn));
    expect(emu.calls).toHaveLength(2);
  });

  it('uses defaultMaxResults when MaxResults is absent', async () => {
    // Prepare
    const stores = ['abc-1', 'abc-2', 'abc-3'].map((id) => makeStore(id));
    const { ct } = await setUp({ stores, defaultMaxResults: 2 });

    // Act
    const output = await ct.send(new ListEventDataStoresCommand({}));

    // Assess
    expect(output.EventDataStores).toHaveLength(2);
    expect(output.NextToken).toEqual(expect.any(String));
  });

  it.each([0, 1001])(
    'rejects MaxResults %d with InvalidMaxResultsException',
    async (maxResults) => {
      // Prepare
      const { ct } = await setUp({ stores: [makeStore('abc-1')] });

      // Act
      const error = await captureError(
        ct.send(new ListEventDataStoresCommand({ MaxResults: maxResults })),
      );

      // Assess
      expectApiError(error, 'InvalidMaxResultsException', 400);
    },
  );

  it.each(INVALID_TOKEN_CASES)(
    'rejects %s with InvalidNextTokenException',
    async (_label, token) => {
      // Prepare
      const { ct } = await setUp({ stores: [makeStore('abc-1')] });

      // Act
      const error = await captureError(
        ct.send(new ListEventDataStoresCommand({ NextToken: token })),
      );

      // Assess
      expectApiError(error, 'InvalidNextTokenException', 400);
    },
  );
});

describe('Emulator: ListTags', () => {
  it('returns the tags of each ARN, in order, with the ARN as sent', async () => {
    // Prepare
    const stores = [makeStore('abc-1'), makeStore('abc-2', { Tags: [] })];
    const { ct } = await setUp({ stores });

    // Act
    const output = await ct.send(
      new ListTagsCommand({ ResourceIdList: [arnOf('abc-2'), arnOf('abc-1')] }),
    );

    // Assess
    expect(output.ResourceTagList).toEqual([
      { ResourceId: arnOf('abc-2'), TagsList: [] },
      { ResourceId: arnOf('abc-1'), TagsList: [{ Key: 'team', Value: 'abc-1' }] },
    ]);
  });

  it('accepts 20 ARNs', async () => {
    // Prepare
    const { ct } = await setUp({ stores: [makeStore('abc-1')] });

    // Act
    const output = await ct.send(
      new ListTagsCommand({ ResourceIdList: Array.from({ length: 20 }, () => arnOf('abc-1')) }),
    );

    // Assess
    expect(output.ResourceTagList).toHaveLength(20);
  });

  it.each(INVALID_RESOURCE_LIST_CASES)(
    'rejects %s',
    async (_label, resourceIdList, name, httpStatusCode) => {
      // Prepare
      const { ct } = await setUp({ stores: [makeStore('abc-1')] });

      // Act
      const error = await captureError(
        ct.send(new ListTagsCommand({ ResourceIdList: resourceIdList })),
      );

      // Assess
      expectApiError(error, name, httpStatusCode);
    },
  );
});

describe('Emulator: ListTags of a store pending deletion', () => {
  const stores = () => [makeStore('abc-1', { Status: 'PENDING_DELETION' }), makeStore('abc-2')];

  it('answers InactiveEventDataStoreException with inactiveTags, while Get still answers', async () => {
    // Prepare
    const { ct } = await setUp({ stores: stores(), inactiveTags: true });

    // Act
    const error = await captureError(
      ct.send(new ListTagsCommand({ ResourceIdList: [arnOf('abc-1'), arnOf('abc-2')] })),
    );

    // Assess
    expectApiError(error, 'InactiveEventDataStoreException', 400);
    expect(await statusOf(ct, 'abc-1')).toBe('PENDING_DELETION');
  });

  it('answers its tags without inactiveTags', async () => {
    // Prepare
    const { ct } = await setUp({ stores: stores() });

    // Act
    const output = await ct.send(new ListTagsCommand({ ResourceIdList: [arnOf('abc-1')] }));

    // Assess
    expect(output.ResourceTagList).toEqual([
      { ResourceId: arnOf('abc-1'), TagsList: [{ Key: 'team', Value: 'abc-1' }] },
    ]);
  });

  it("lets the function's adapter read the other stores' tags, ARN by ARN", async () => {
    // Prepare
    const { emu } = await setUp({ stores: stores(), inactiveTags: true });
    vi.stubEnv('AWS_ENDPOINT_URL_CLOUDTRAIL', emu.url);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'example-secret');
    const port = createCloudTrail({ region: 'us-east-1' }).open(new AbortController().signal);
    const arns = [arnOf('abc-1'), arnOf('abc-2')];

    // Act
    const tags = await port.listTags(arns);

    // Assess
    expect([...tags]).toEqual([[arnOf('abc-2'), { team: 'abc-2' }]]);
    expect(emu.calls).toEqual([
      {
        operation: 'ListTags',
        eventDataStore: arns.join(','),
        outcome: 'InactiveEventDataStoreException',
      },
      {
        operation: 'ListTags',
        eventDataStore: arns[0],
        outcome: 'InactiveEventDataStoreException',
      },
      { operation: 'ListTags', eventDataStore: arns[1], outcome: 'ok' },
    ]);
  });
});

describe('Emulator: ingestion state machine', () => {
  it('moves a started store through STARTING_INGESTION to ENABLED after startDelayMs', async () => {
    // Prepare
    const clock = createClock();
    const { emu, ct } = await setUp({
      stores: [makeStore('abc-1')],
      startDelayMs: 500,
      now: clock.now,
    });

    // Act
    await ct.send(new StartEventDataStoreIngestionCommand({ EventDataStore: 'abc-1' }));
    const starting = await ct.send(new GetEventDataStoreCommand({ EventDataStore: 'abc-1' }));
    clock.advance(499);
    const stillStarting = await statusOf(ct, 'abc-1');
    clock.advance(1);
    const enabled = await ct.send(new GetEventDataStoreCommand({ EventDataStore: 'abc-1' }));

    // Assess
    expect(starting.Status).toBe('STARTING_INGESTION');
    expect(starting.UpdatedTimestamp).toEqual(new Date(START_MS));
    expect(stillStarting).toBe('STARTING_INGESTION');
    expect(enabled.Status).toBe('ENABLED');
    expect(enabled.UpdatedTimestamp).toEqual(new Date(START_MS + 500));
    expect(emu.stores()[0]).toMatchObject({
      Status: 'ENABLED',
      UpdatedTimestamp: START_MS / 1000 + 0.5,
    });
  });

  it('moves a stopped store through STOPPING_INGESTION to STOPPED_INGESTION after stopDelayMs', async () => {
    // Prepare
    const clock = createClock();
    const { ct } = await setUp({
      stores: [makeStore('abc-1', { Status: 'ENABLED' })],
      stopDelayMs: 300,
      now: clock.now,
    });

    // Act
    await ct.send(new StopEventDataStoreIngestionCommand({ EventDataStore: arnOf('abc-1') }));
    const stopping = await statusOf(ct, 'abc-1');
    clock.advance(300);
    const stopped = await statusOf(ct, 'abc-1');

    // Assess
    expect(stopping).toBe('STOPPING_INGESTION');
    expect(stopped).toBe('STOPPED_INGESTION');
  });

  it.each([
    ['STARTING_INGESTION', 'ENABLED'],
    ['STOPPING_INGESTION', 'STOPPED_INGESTION'],
  ] as const)(
    'completes a store seeded in %s once the delay has passed',
    async (seeded, settled) => {
      // Prepare
      const clock = createClock();
      const { emu } = await setUp({
        stores: [makeStore('abc-1', { Status: seeded })],
        startDelayMs: 200,
        stopDelayMs: 200,
        now: clock.now,
      });

      // Act
      const before = emu.stores()[0]?.Status;
      clock.advance(200);
      const after = emu.stores()[0]?.Status;

      // Assess
      expect(before).toBe(seeded);
      expect(after).toBe(settled);
    },
  );

  it('reaches ENABLED on the real clock with a small delay', async () => {
    // Prepare
    const { ct } = await setUp({ stores: [makeStore('abc-1')], startDelayMs: 20 });

    // Act
    await ct.send(new StartEventDataStoreIngestionCommand({ EventDataStore: 'abc-1' }));

    // Assess
    await vi.waitFor(async () => expect(await statusOf(ct, 'abc-1')).toBe('ENABLED'), {
      timeout: 5_000,
      interval: 10,
    });
  });

  it('reports every store in the stores-file shape, with Tags', async () => {
    // Prepare
    const stores = await readStoresFile('local/stores.json');
    const { emu } = await setUp({ stores });

    // Act
    const current = emu.stores();

    // Assess
    expect(current).toEqual(stores);
  });

  it('fills Status, timestamps and Tags for a minimal store', async () => {
    // Prepare
    const clock = createClock();
    const { emu } = await setUp({
      stores: [{ EventDataStoreArn: arnOf('abc-1') }],
      now: clock.now,
    });

    // Act
    const [store] = emu.stores();

    // Assess
    expect(store).toEqual({
      EventDataStoreArn: arnOf('abc-1'),
      Status: 'ENABLED',
      CreatedTimestamp: START_MS / 1000,
      UpdatedTimestamp: START_MS / 1000,
      Tags: [],
    });
  });

  it('replaces the stores with setStores', async () => {
    // Prepare
    const { emu, ct } = await setUp({ stores: [makeStore('abc-1')] });

    // Act
    emu.setStores([makeStore('abc-2')]);
    const error = await captureError(
      ct.send(new GetEventDataStoreCommand({ EventDataStore: 'abc-1' })),
    );

    // Assess
    expectApiError(error, 'EventDataStoreNotFoundException', 404);
    expect(emu.stores().map((store) => store.EventDataStoreArn)).toEqual([arnOf('abc-2')]);
  });
});

describe('Emulator: ingestion rules', () => {
  it.each<StoreStatus>(START_REFUSED_STATUSES)('refuses to start a store in %s', async (status) => {
    // Prepare
    const { emu, ct } = await setUp({ stores: [makeStore('abc-1', { Status: status })] });

    // Act
    const error = await captureError(
      ct.send(new StartEventDataStoreIngestionCommand({ EventDataStore: 'abc-1' })),
    );

    // Assess
    expectApiError(error, 'InvalidEventDataStoreStatusException', 400);
    expect(emu.stores()[0]?.Status).toBe(status);
  });

  it.each<StoreStatus>(STOP_REFUSED_STATUSES)('refuses to stop a store in %s', async (status) => {
    // Prepare
    const { ct } = await setUp({ stores: [makeStore('abc-1', { Status: status })] });

    // Act
    const error = await captureError(
      ct.send(new StopEventDataStoreIngestionCommand({ EventDataStore: 'abc-1' })),
    );

    // Assess
    expectApiError(error, 'InvalidEventDataStoreStatusException', 400);
  });

  it.each(ACCEPTED_CATEGORIES)('starts a store of category %s', async (category) => {
    // Prepare
    const store = makeStore('abc-1', { AdvancedEventSelectors: selectorsFor(category) });
    const { emu, ct } = await setUp({ stores: [store] });

    // Act
    const output = await ct.send(
      new StartEventDataStoreIngestionCommand({ EventDataStore: arnOf('abc-1') }),
    );

    // Assess
    expect(output.$metadata.httpStatusCode).toBe(200);
    expect(emu.stores()[0]?.Status).toBe('STARTING_INGESTION');
  });

  it.each(REFUSED_SELECTOR_CASES)(
    'refuses to start or stop a store of %s',
    async (_label, selectors) => {
      // Prepare
      const { ct } = await setUp({ stores: storesWithSelectors(selectors) });

      // Act
      const startError = await captureError(
        ct.send(new StartEventDataStoreIngestionCommand({ EventDataStore: 'abc-1' })),
      );
      const stopError = await captureError(
        ct.send(new StopEventDataStoreIngestionCommand({ EventDataStore: 'abc-2' })),
      );

      // Assess
      expectApiError(startError, 'InvalidEventDataStoreCategoryException', 400);
      expectApiError(stopError, 'InvalidEventDataStoreCategoryException', 400);
    },
  );

  it('refuses to start or stop an organization store from a member account', async () => {
    // Prepare
    const memberOnly = { OrganizationEnabled: true, EmulatorCallerIsManagementAccount: false };
    const stores = [
      makeStore('abc-1', memberOnly),
      makeStore('abc-2', { ...memberOnly, Status: 'ENABLED' }),
    ];
    const { ct } = await setUp({ stores });

    // Act
    const startError = await captureError(
      ct.send(new StartEventDataStoreIngestionCommand({ EventDataStore: 'abc-1' })),
    );
    const stopError = await captureError(
      ct.send(new StopEventDataStoreIngestionCommand({ EventDataStore: 'abc-2' })),
    );

    // Assess
    expectApiError(startError, 'NotOrganizationMasterAccountException', 400);
    expectApiError(stopError, 'NotOrganizationMasterAccountException', 400);
  });

  it('starts an organization store from the management account by default', async () => {
    // Prepare
    const { ct } = await setUp({ stores: [makeStore('abc-1', { OrganizationEnabled: true })] });

    // Act
    await ct.send(new StartEventDataStoreIngestionCommand({ EventDataStore: 'abc-1' }));

    // Assess
    expect(await statusOf(ct, 'abc-1')).toBe('STARTING_INGESTION');
  });

  it.each([
    ['an unknown ID', 'abc-9', 'EventDataStoreNotFoundException', 404],
    ['a malformed identifier', 'a!', 'EventDataStoreARNInvalidException', 400],
  ])('refuses to start %s', async (_label, identifier, name, httpStatusCode) => {
    // Prepare
    const { ct } = await setUp({ stores: [makeStore('abc-1')] });

    // Act
    const error = await captureError(
      ct.send(new StartEventDataStoreIngestionCommand({ EventDataStore: identifier })),
    );

    // Assess
    expectApiError(error, name, httpStatusCode);
  });
});

describe('Emulator: UpdateEventDataStore', () => {
  it('turns termination protection off, lowers retention and returns the whole configuration', async () => {
    // Prepare
    const stores = [
      makeStore('abc-1', {
        Status: 'ENABLED',
        RetentionPeriod: 2557,
        TerminationProtectionEnabled: true,
      }),
    ];
    const { emu, ct } = await setUp({ stores, now: () => START_MS });

    // Act
    const output = await ct.send(
      new UpdateEventDataStoreCommand({
        EventDataStore: 'abc-1',
        RetentionPeriod: 7,
        TerminationProtectionEnabled: false,
      }),
    );

    // Assess
    expect(output).toMatchObject({
      EventDataStoreArn: arnOf('abc-1'),
      Status: 'ENABLED',
      RetentionPeriod: 7,
      TerminationProtectionEnabled: false,
      AdvancedEventSelectors: selectorsFor('Management'),
      UpdatedTimestamp: new Date(START_MS),
    });
    expect(emu.stores()[0]).toMatchObject({
      RetentionPeriod: 7,
      TerminationProtectionEnabled: false,
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no optional member', {}, 'InvalidParameterException'],
    ['a change of KMS key', { KmsKeyId: 'alias/other' }, 'InvalidParameterException'],
  ])('refuses %s with 400 %s', async (_label, members, name) => {
    // Prepare
    const { ct } = await setUp({ stores: [makeStore('abc-1', { KmsKeyId: 'alias/lake' })] });

    // Act
    const error = await captureError(
      ct.send(new UpdateEventDataStoreCommand({ EventDataStore: 'abc-1', ...members })),
    );

    // Assess
    expectApiError(error, name, 400);
  });
});

describe('Emulator: DeleteEventDataStore and RestoreEventDataStore', () => {
  it('deletes a stopped store, lists it while pending deletion, and restores it stopped', async () => {
    // Prepare
    const { emu, ct } = await setUp({ stores: [makeStore('abc-1')] });

    // Act
    await ct.send(new DeleteEventDataStoreCommand({ EventDataStore: 'abc-1' }));
    const pending = await ct.send(new GetEventDataStoreCommand({ EventDataStore: 'abc-1' }));
    const listed = await ct.send(new ListEventDataStoresCommand({}));
    const restored = await ct.send(new RestoreEventDataStoreCommand({ EventDataStore: 'abc-1' }));

    // Assess
    expect(pending.Status).toBe('PENDING_DELETION');
    expect(listed.EventDataStores?.map(({ EventDataStoreArn }) => EventDataStoreArn)).toEqual([
      arnOf('abc-1'),
    ]);
    expect(restored).toMatchObject({
      EventDataStoreArn: arnOf('abc-1'),
      Status: 'STOPPED_INGESTION',
    });
    expect(emu.calls.map(({ operation, outcome }) => `${operation} ${outcome}`)).toEqual([
      'DeleteEventDataStore ok',
      'GetEventDataStore ok',
      'ListEventDataStores ok',
      'RestoreEventDataStore ok',
    ]);
  });

  it('leaves a store pending deletion out of ListEventDataStores with listPendingDeletion false', async () => {
    // Prepare
    const stores = [makeStore('abc-1'), makeStore('abc-2')];
    const { ct } = await setUp({ stores, listPendingDeletion: false });
    await ct.send(new DeleteEventDataStoreCommand({ EventDataStore: arnOf('abc-1') }));

    // Act
    const listed = await ct.send(new ListEventDataStoresCommand({}));

    // Assess
    expect(listed.EventDataStores?.map(({ EventDataStoreArn }) => EventDataStoreArn)).toEqual([
      arnOf('abc-2'),
    ]);
  });

  it.each<[string, Partial<StoreInput>, string]>([
    [
      'termination protection is on',
      { TerminationProtectionEnabled: true },
      'EventDataStoreTerminationProtectedException',
    ],
    [
      'federation is enabled',
      { FederationStatus: 'ENABLED' },
      'EventDataStoreFederationEnabledException',
    ],
  ])('refuses to delete a store while %s', async (_label, overrides, name) => {
    // Prepare
    const { emu, ct } = await setUp({ stores: [makeStore('abc-1', overrides)] });

    // Act
    const error = await captureError(
      ct.send(new DeleteEventDataStoreCommand({ EventDataStore: 'abc-1' })),
    );

    // Assess
    expectApiError(error, name, 400);
    expect(emu.stores()[0]?.Status).toBe('STOPPED_INGESTION');
  });

  it('refuses to restore a store that is not pending deletion', async () => {
    // Prepare
    const { ct } = await setUp({ stores: [makeStore('abc-1', { Status: 'ENABLED' })] });

    // Act
    const error = await captureError(
      ct.send(new RestoreEventDataStoreCommand({ EventDataStore: 'abc-1' })),
    );

    // Assess
    expectApiError(error, 'InvalidEventDataStoreStatusException', 400);
  });
});

describe('Emulator: AddTags and RemoveTags', () => {
  it('adds and removes tags that ListTags then shows', async () => {
    // Prepare
    const { ct } = await setUp({ stores: [makeStore('abc-1')] });
    const ResourceId = arnOf('abc-1');
    const exempt = { Key: 'ingestion-guard:exempt-until', Value: '2099-01-01T00:00:00Z' };

    // Act
    await ct.send(new AddTagsCommand({ ResourceId, TagsList: [exempt] }));
    await ct.send(new RemoveTagsCommand({ ResourceId, TagsList: [{ Key: 'team' }] }));
    const output = await ct.send(new ListTagsCommand({ ResourceIdList: [ResourceId] }));

    // Assess
    expect(output.ResourceTagList).toEqual([{ ResourceId, TagsList: [exempt] }]);
  });

  it.each(INVALID_RESOURCE_ID_CASES)(
    'rejects %s as ResourceId',
    async (_label, resourceId, name, httpStatusCode) => {
      // Prepare
      const { ct } = await setUp({ stores: [makeStore('abc-1')] });

      // Act
      const error = await captureError(
        ct.send(new AddTagsCommand({ ResourceId: resourceId, TagsList: [{ Key: 'k' }] })),
      );

      // Assess
      expectApiError(error, name, httpStatusCode);
    },
  );
});

describe('Emulator: faults on the configuration operations', () => {
  it.each([
    [
      'UpdateEventDataStore',
      (ct: CloudTrailClient) =>
        ct.send(new UpdateEventDataStoreCommand({ EventDataStore: 'abc-1', RetentionPeriod: 90 })),
    ],
    [
      'DeleteEventDataStore',
      (ct: CloudTrailClient) =>
        ct.send(new DeleteEventDataStoreCommand({ EventDataStore: 'abc-1' })),
    ],
    [
      'RestoreEventDataStore',
      (ct: CloudTrailClient) =>
        ct.send(new RestoreEventDataStoreCommand({ EventDataStore: 'abc-1' })),
    ],
    [
      'AddTags',
      (ct: CloudTrailClient) =>
        ct.send(new AddTagsCommand({ ResourceId: arnOf('abc-1'), TagsList: [{ Key: 'k' }] })),
    ],
    [
      'RemoveTags',
      (ct: CloudTrailClient) =>
        ct.send(new RemoveTagsCommand({ ResourceId: arnOf('abc-1'), TagsList: [{ Key: 'team' }] })),
    ],
  ] as const)(
    'answers an injected fault for %s of the named store and leaves it unchanged',
    async (operation, call) => {
      // Prepare
      const rule: FaultRule = { operation, eventDataStore: 'abc-1', error: 'ThrottlingException' };
      const { emu, ct } = await setUp({ stores: [makeStore('abc-1')], faults: [rule] });
      const before = emu.stores();

      // Act
      const error = await captureError(call(ct));

      // Assess
      expectApiError(error, 'ThrottlingException', 429);
      expect(emu.stores()).toEqual(before);
      expect(emu.calls).toEqual([
        {
          operation,
          eventDataStore: expect.stringContaining('abc-1'),
          outcome: 'ThrottlingException',
        },
      ]);
    },
  );

  it('restores the store and then loses the answer with a fault after the operation', async () => {
    // Prepare
    const rule: FaultRule = { operation: 'RestoreEventDataStore', after: true, reset: true };
    const stores = [makeStore('abc-1', { Status: 'PENDING_DELETION' })];
    const { emu, ct } = await setUp({ stores, faults: [rule] });

    // Act
    const error = await captureError(
      ct.send(new RestoreEventDataStoreCommand({ EventDataStore: 'abc-1' })),
    );

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(emu.stores()[0]?.Status).toBe('ENABLED');
    expect(emu.calls).toEqual([
      { operation: 'RestoreEventDataStore', eventDataStore: 'abc-1', outcome: 'reset-after-ok' },
    ]);
  });
});

describe('Emulator: fault injection', () => {
  const start = (ct: CloudTrailClient, identifier = 'abc-1') =>
    ct.send(new StartEventDataStoreIngestionCommand({ EventDataStore: identifier }));

  it.each([
    ['ThrottlingException', undefined, 429],
    ['ConflictException', undefined, 409],
    ['EventDataStoreNotFoundException', undefined, 404],
    ['NoManagementAccountSLRExistsException', undefined, 403],
    ['AccessDeniedException', undefined, 400],
    ['InternalFailure', undefined, 500],
    ['ServiceUnavailable', undefined, 503],
    ['ThrottlingException', 400, 400],
  ])('answers an injected %s (status %s) with HTTP %d', async (code, status, httpStatusCode) => {
    // Prepare
    const rule: FaultRule = {
      operation: 'StartEventDataStoreIngestion',
      error: code,
      ...(status === undefined ? {} : { status }),
    };
    const { emu, ct } = await setUp({ stores: [makeStore('abc-1')], faults: [rule] });

    // Act
    const error = await captureError(start(ct));

    // Assess
    expectApiError(error, code, httpStatusCode);
    expect(emu.stores()[0]?.Status).toBe('STOPPED_INGESTION');
    expect(emu.calls).toEqual([
      { operation: 'StartEventDataStoreIngestion', eventDataStore: 'abc-1', outcome: code },
    ]);
  });

  it.each([
    [503, 'ServiceUnavailable'],
    [500, 'InternalFailure'],
    [502, 'InternalFailure'],
    [429, 'ThrottlingException'],
    [403, 'AccessDeniedException'],
  ])('answers an injected status %d with %s', async (status, name) => {
    // Prepare
    const { ct } = await setUp({
      stores: [makeStore('abc-1')],
      faults: [{ operation: '*', status }],
    });

    // Act
    const error = await captureError(start(ct));

    // Assess
    expectApiError(error, name, status);
  });

  it('sends the Retry-After header of an injected fault', async () => {
    // Prepare
    const { emu } = await setUp({
      stores: [makeStore('abc-1')],
      faults: [
        { operation: 'GetEventDataStore', error: 'ThrottlingException', retryAfterSeconds: 7 },
      ],
    });

    // Act
    const response = await fetch(emu.url, {
      method: 'POST',
      headers: headersFor('GetEventDataStore'),
      body: JSON.stringify({ EventDataStore: 'abc-1' }),
    });

    // Assess
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
  });

  it('destroys the socket on reset, so the SDK sees ECONNRESET', async () => {
    // Prepare
    const { emu, ct } = await setUp({
      stores: [makeStore('abc-1')],
      faults: [{ operation: 'GetEventDataStore', reset: true }],
    });

    // Act
    const error = await captureError(
      ct.send(new GetEventDataStoreCommand({ EventDataStore: 'abc-1' })),
    );

    // Assess
    expect(error).toMatchObject({ code: 'ECONNRESET' });
    expect(emu.calls).toEqual([
      { operation: 'GetEventDataStore', eventDataStore: 'abc-1', outcome: 'reset' },
    ]);
  });

  it('delays a call and then handles it normally', async () => {
    // Prepare
    const delayMs = 50;
    const { emu, ct } = await setUp({
      stores: [makeStore('abc-1')],
      faults: [{ operation: 'StartEventDataStoreIngestion', delayMs }],
    });

    // Act
    const startedAt = performance.now();
    await start(ct);
    const elapsedMs = performance.now() - startedAt;

    // Assess
    expect(elapsedMs).toBeGreaterThanOrEqual(delayMs - 5);
    expect(emu.stores()[0]?.Status).toBe('STARTING_INGESTION');
  });

  it('delays a call and then answers the injected error', async () => {
    // Prepare
    const { ct } = await setUp({
      stores: [makeStore('abc-1')],
      faults: [
        { operation: 'StartEventDataStoreIngestion', delayMs: 10, error: 'ConflictException' },
      ],
    });

    // Act
    const error = await captureError(start(ct));

    // Assess
    expectApiError(error, 'ConflictException', 409);
  });

  it('stops firing a rule once its count is spent', async () => {
    // Prepare
    const { emu, ct } = await setUp({
      stores: [makeStore('abc-1')],
      faults: [
        { operation: 'StartEventDataStoreIngestion', error: 'ThrottlingException', count: 2 },
      ],
    });

    // Act
    await captureError(start(ct));
    await captureError(start(ct));
    await start(ct);

    // Assess
    expect(emu.calls.map((call) => call.outcome)).toEqual([
      'ThrottlingException',
      'ThrottlingException',
      'ok',
    ]);
  });

  it('fires a rule with rate when the random draw is below it', async () => {
    // Prepare
    const draws = [0.9, 0.1, 0.5, 0.49];
    const { emu, ct } = await setUp({
      stores: [makeStore('abc-1')],
      faults: [{ operation: 'GetEventDataStore', error: 'ThrottlingException', rate: 0.5 }],
      random: () => draws.shift() ?? 1,
    });

    // Act
    for (let call = 0; call < 4; call += 1) {
      await ct
        .send(new GetEventDataStoreCommand({ EventDataStore: 'abc-1' }))
        .catch(() => undefined);
    }

    // Assess
    expect(emu.calls.map((call) => call.outcome)).toEqual([
      'ok',
      'ThrottlingException',
      'ok',
      'ThrottlingException',
    ]);
  });

  it.each([
    ['an ID rule, a call by ARN', 'abc-1', arnOf('abc-1'), 'ConflictException'],
    ['an ARN rule, a call by ID', arnOf('abc-1'), 'abc-1', 'ConflictException'],
    ['an ID rule, a call for another store', 'abc-2', 'abc-1', 'ok'],
    [
      'an ARN rule of another account, a call by ARN',
      'arn:aws:cloudtrail:us-east-1:210987654321:eventdatastore/abc-1',
      arnOf('abc-1'),
      'ok',
    ],
  ])('matches stores: %s', async (_label, ruleStore, identifier, outcome) => {
    // Prepare
    const { emu, ct } = await setUp({
      stores: [makeStore('abc-1'), makeStore('abc-2')],
      faults: [{ operation: '*', eventDataStore: ruleStore, error: 'ConflictException' }],
    });

    // Act
    await start(ct, identifier).catch(() => undefined);

    // Assess
    expect(emu.calls.map((call) => call.outcome)).toEqual([outcome]);
  });

  it('matches ListTags on any ARN of its list, and never ListEventDataStores', async () => {
    // Prepare
    const { emu, ct } = await setUp({
      stores: [makeStore('abc-1'), makeStore('abc-2')],
      faults: [{ operation: '*', eventDataStore: 'abc-2', error: 'ThrottlingException' }],
    });

    // Act
    const error = await captureError(
      ct.send(new ListTagsCommand({ ResourceIdList: [arnOf('abc-1'), arnOf('abc-2')] })),
    );
    await ct.send(new ListEventDataStoresCommand({}));

    // Assess
    expectApiError(error, 'ThrottlingException', 429);
    expect(emu.calls.map((call) => call.outcome)).toEqual(['ThrottlingException', 'ok']);
  });

  it('applies the first rule that fires, one rule per call', async () => {
    // Prepare
    const { emu, ct } = await setUp({
      stores: [makeStore('abc-1')],
      faults: [
        { operation: 'GetEventDataStore', error: 'ThrottlingException', count: 1 },
        { operation: '*', error: 'InternalFailure', count: 1 },
      ],
    });

    // Act
    for (let call = 0; call < 3; call += 1) {
      await ct
        .send(new GetEventDataStoreCommand({ EventDataStore: 'abc-1' }))
        .catch(() => undefined);
    }

    // Assess
    expect(emu.calls.map((call) => call.outcome)).toEqual([
      'ThrottlingException',
      'InternalFailure',
      'ok',
    ]);
  });

  it('replaces the rules, and their counts, with setFaults', async () => {
    // Prepare
    const rule: FaultRule = {
      operation: 'GetEventDataStore',
      error: 'ThrottlingException',
      count: 1,
    };
    const { emu, ct } = await setUp({ stores: [makeStore('abc-1')], faults: [rule] });
    const get = () =>
      ct.send(new GetEventDataStoreCommand({ EventDataStore: 'abc-1' })).catch(() => undefined);

    // Act
    await get();
    await get();
    emu.setFaults([rule]);
    await get();
    emu.setFaults([]);
    await get();

    // Assess
    expect(emu.calls.map((call) => call.outcome)).toEqual([
      'ThrottlingException',
      'ok',
      'ThrottlingException',
      'ok',
    ]);
  });

  it('rejects an invalid rule naming the field', async () => {
    // Prepare
    const { emu } = await setUp({ stores: [makeStore('abc-1')] });

    // Act
    const act = () => emu.setFaults([{ operation: '*', rate: 2 } as FaultRule]);

    // Assess
    expect(act).toThrow(/faults\[0\]\.rate/);
  });

  it('ends a pending delayed call and keep-alive connections on close', async () => {
    // Prepare
    const { emu, ct } = await setUp({
      stores: [makeStore('abc-1')],
      faults: [{ operation: 'StartEventDataStoreIngestion', delayMs: 60_000 }],
    });
    await ct.send(new GetEventDataStoreCommand({ EventDataStore: 'abc-1' }));
    const pending = captureError(start(ct));
    await new Promise((resolve) => setTimeout(resolve, 100)); // let the request arrive

    // Act
    await emu.close();

    // Assess
    expect(await pending).toMatchObject({ code: expect.stringMatching(/^E/) });
  });
});

describe('Emulator: faults after the operation', () => {
  const START = 'StartEventDataStoreIngestion';
  // Each test stops the clock (createClock), so a started store stays STARTING_INGESTION.
  const start = (ct: CloudTrailClient, options: { abortSignal?: AbortSignal } = {}) =>
    ct.send(new StartEventDataStoreIngestionCommand({ EventDataStore: 'abc-1' }), options);

  it('starts the store and then resets the connection: the client sees ECONNRESET', async () => {
    // Prepare
    const { emu, ct } = await setUp({
      stores: [makeStore('abc-1')],
      now: createClock().now,
      faults: [{ operation: START, after: true, reset: true }],
    });

    // Act
    const error = await captureError(start(ct));

    // Assess
    expect(error).toMatchObject({ code: 'ECONNRESET' });
    expect(emu.stores()[0]?.Status).toBe('STARTING_INGESTION');
    expect(emu.calls).toEqual([
      { operation: START, eventDataStore: 'abc-1', outcome: 'reset-after-ok' },
    ]);
  });

  it.each([
    [{ error: 'ThrottlingException' }, 'ThrottlingException', 429],
    [{ status: 503 }, 'ServiceUnavailable', 503],
    [{ error: 'InternalFailure', delayMs: 10 }, 'InternalFailure', 500],
  ])(
    'starts the store and then answers the fault %j: the client sees %s',
    async (effect, code, httpStatusCode) => {
      // Prepare
      const { emu, ct } = await setUp({
        stores: [makeStore('abc-1')],
        now: createClock().now,
        faults: [{ operation: START, after: true, ...effect }],
      });

      // Act
      const error = await captureError(start(ct));

      // Assess
      expectApiError(error, code, httpStatusCode);
      expect(emu.stores()[0]?.Status).toBe('STARTING_INGESTION');
      expect(emu.calls).toEqual([
        { operation: START, eventDataStore: 'abc-1', outcome: `${code}-after-ok` },
      ]);
    },
  );

  it('sends the Retry-After header of a fault answered after the operation', async () => {
    // Prepare
    const { emu } = await setUp({
      stores: [makeStore('abc-1')],
      now: createClock().now,
      faults: [{ operation: START, after: true, status: 429, retryAfterSeconds: 3 }],
    });

    // Act
    const response = await fetch(emu.url, {
      method: 'POST',
      headers: headersFor(START),
      body: JSON.stringify({ EventDataStore: 'abc-1' }),
    });

    // Assess
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(emu.stores()[0]?.Status).toBe('STARTING_INGESTION');
  });

  it("records the operation's own error when it refused: nothing changed", async () => {
    // Prepare
    const { emu, ct } = await setUp({
      stores: [makeStore('abc-1', { Status: 'ENABLED' })],
      faults: [{ operation: START, after: true, reset: true }],
    });

    // Act
    const error = await captureError(start(ct));

    // Assess
    expect(error).toMatchObject({ code: 'ECONNRESET' });
    expect(emu.stores()[0]?.Status).toBe('ENABLED');
    expect(emu.calls.map((call) => call.outcome)).toEqual([
      'reset-after-InvalidEventDataStoreStatusException',
    ]);
  });

  it('rehearses a lost answer: the retried start finds the store already starting', async () => {
    // Prepare
    const { emu, ct } = await setUp({
      stores: [makeStore('abc-1')],
      now: createClock().now,
      faults: [{ operation: START, after: true, reset: true, count: 1 }],
    });

    // Act
    const lost = await captureError(start(ct));
    const retried = await captureError(start(ct));

    // Assess
    expect(lost).toMatchObject({ code: 'ECONNRESET' });
    expectApiError(retried, 'InvalidEventDataStoreStatusException', 400);
    expect(emu.calls.map((call) => call.outcome)).toEqual([
      'reset-after-ok',
      'InvalidEventDataStoreStatusException',
    ]);
  });

  it('applies the operation at once with delayMs alone: a client that gives up finds the store changed', async () => {
    // Prepare
    const { emu, ct } = await setUp({
      stores: [makeStore('abc-1')],
      now: createClock().now,
      faults: [{ operation: START, after: true, delayMs: 60_000 }],
    });
    const giveUp = new AbortController();

    // Act
    const pending = captureError(start(ct, { abortSignal: giveUp.signal }));
    await vi.waitFor(() => expect(emu.stores()[0]?.Status).toBe('STARTING_INGESTION'), {
      timeout: 5_000,
      interval: 10,
    });
    const openWhileChanged = emu.openRequests(START);
    giveUp.abort();
    const error = await pending;

    // Assess
    expect(openWhileChanged).toBe(1);
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(emu.calls).toEqual([]);
  });

  it('answers the real answer after delayMs alone', async () => {
    // Prepare
    const { emu, ct } = await setUp({
      stores: [makeStore('abc-1')],
      now: createClock().now,
      faults: [{ operation: START, after: true, delayMs: 10 }],
    });

    // Act
    const output = await start(ct);

    // Assess
    expect(output.$metadata.httpStatusCode).toBe(200);
    expect(emu.calls.map((call) => call.outcome)).toEqual(['ok']);
  });
});
