import * as cloudTrailSdk from '@aws-sdk/client-cloudtrail';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CONTENT_TYPE,
  EMULATED_OPERATIONS,
  type Emulator,
  PROTOCOL_ERRORS,
  SHORT_TARGET_PREFIX,
  startEmulator,
  TARGET_PREFIX,
} from '../../local/emulator.js';
import type { OperationName } from '../../local/faults.js';
import type { StoreInput } from '../../local/stores-file.js';
import {
  readCloudTrailModel,
  type ServiceModel,
  type ShapeRef,
} from '../support/botocore-model.js';

/** Model members the emulator deliberately neither reads nor returns ("Reserved for future use"). */
const UNREAD_INPUT: Partial<Record<OperationName, string[]>> = { ListTags: ['NextToken'] };
const UNSERVED_OUTPUT: Partial<Record<OperationName, string[]>> = { ListTags: ['NextToken'] };
/** Errors that happen on every operation but that the model does not list per operation. */
const UNLISTED_ERRORS = ['ThrottlingException', 'AccessDeniedException', ...PROTOCOL_ERRORS];

const OPERATIONS = Object.keys(EMULATED_OPERATIONS) as OperationName[];
const ARN_PREFIX = 'arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/';
const SIGV4 =
  'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/cloudtrail/aws4_request, ' +
  'SignedHeaders=host;x-amz-date;x-amz-target, Signature=0123456789abcdef';

function makeStore(id: string, category: string, overrides: Partial<StoreInput> = {}): StoreInput {
  return {
    EventDataStoreArn: `${ARN_PREFIX}${id}`,
    Name: id,
    Status: 'STOPPED_INGESTION',
    AdvancedEventSelectors: [
      { Name: category, FieldSelectors: [{ Field: 'eventCategory', Equals: [category] }] },
    ],
    Tags: [{ Key: 'team', Value: 'secops' }],
    ...overrides,
  };
}

const FULL_STORE: Partial<StoreInput> = {
  Status: 'ENABLED',
  MultiRegionEnabled: true,
  OrganizationEnabled: false,
  RetentionPeriod: 2557,
  TerminationProtectionEnabled: true,
  CreatedTimestamp: 1_704_067_200,
  UpdatedTimestamp: 1_764_028_800,
  KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  BillingMode: 'EXTENDABLE_RETENTION_PRICING',
  FederationStatus: 'ENABLED',
  FederationRoleArn: 'arn:aws:iam::123456789012:role/lake-federation',
  PartitionKeys: [{ Name: 'eventTime', Type: 'timestamp' }],
};

/** One store per rule, and stores with every GetEventDataStore member. */
const STORES: StoreInput[] = [
  makeStore('full-store', 'Management', FULL_STORE),
  makeStore('full-deleted', 'Management', { ...FULL_STORE, Status: 'PENDING_DELETION' }),
  makeStore('federated-store', 'Management', { FederationStatus: 'ENABLED' }),
  makeStore('starting-store', 'Management', { Status: 'STARTING_INGESTION' }),
  makeStore('stopped-store', 'Management'),
  makeStore('insight-stopped', 'Insight'),
  makeStore('insight-enabled', 'Insight', { Status: 'ENABLED' }),
  makeStore('org-member-stopped', 'Management', {
    OrganizationEnabled: true,
    EmulatorCallerIsManagementAccount: false,
  }),
  makeStore('org-member-deleted', 'Management', {
    Status: 'PENDING_DELETION',
    OrganizationEnabled: true,
    EmulatorCallerIsManagementAccount: false,
  }),
];

const FULL_ARN = `${ARN_PREFIX}full-store`;
const TAG = [{ Key: 'owner', Value: 'secops' }];

/** A valid request per operation; the response must have every output member the emulator serves. */
const VALID_REQUESTS: Record<OperationName, unknown> = {
  GetEventDataStore: { EventDataStore: 'full-store' },
  ListEventDataStores: { MaxResults: 1 },
  ListTags: { ResourceIdList: [`${ARN_PREFIX}full-store`] },
  StartEventDataStoreIngestion: { EventDataStore: 'stopped-store' },
  StopEventDataStoreIngestion: { EventDataStore: `${ARN_PREFIX}full-store` },
  UpdateEventDataStore: { EventDataStore: 'full-store', RetentionPeriod: 2000 },
  DeleteEventDataStore: { EventDataStore: 'stopped-store' },
  RestoreEventDataStore: { EventDataStore: 'full-deleted' },
  AddTags: { ResourceId: FULL_ARN, TagsList: TAG },
  RemoveTags: { ResourceId: FULL_ARN, TagsList: [{ Key: 'team' }] },
};

const TAGGING_ERROR_REQUESTS = [
  { ResourceId: 'full-store', TagsList: TAG },
  { ResourceId: 'a!', TagsList: TAG },
  { ResourceId: `${ARN_PREFIX.replace('eventdatastore', 'trail')}x`, TagsList: TAG },
  { ResourceId: `${ARN_PREFIX}no-such-store`, TagsList: TAG },
  { ResourceId: FULL_ARN, TagsList: [] },
  { ResourceId: FULL_ARN, TagsList: [{ Key: '' }] },
  { ResourceId: `${ARN_PREFIX}full-deleted`, TagsList: TAG },
];

const INGESTION_ERROR_REQUESTS = (wrongStatus: string, wrongCategory: string) => [
  {},
  { EventDataStore: 'a!' },
  { EventDataStore: 'no-such-store' },
  { EventDataStore: wrongStatus },
  { EventDataStore: wrongCategory },
  { EventDataStore: 'org-member-stopped' },
];

/** Requests that break each rule of the emulator, per operation. */
const FAILING_REQUESTS: Record<OperationName, unknown[]> = {
  GetEventDataStore: [
    {},
    { EventDataStore: 'a!' },
    { EventDataStore: `${ARN_PREFIX.replace('eventdatastore', 'trail')}x` },
    { EventDataStore: 'no-such-store' },
  ],
  ListEventDataStores: [{ MaxResults: 0 }, { MaxResults: 1001 }, { NextToken: 'not-a-token' }],
  ListTags: [
    {},
    { ResourceIdList: Array.from({ length: 21 }, () => `${ARN_PREFIX}full-store`) },
    { ResourceIdList: ['full-store'] },
    { ResourceIdList: [`${ARN_PREFIX.replace('eventdatastore', 'trail')}x`] },
    { ResourceIdList: [`${ARN_PREFIX}no-such-store`] },
    { ResourceIdList: [`${ARN_PREFIX.replace('us-east-1', 'eu-west-1')}full-store`] },
    { ResourceIdList: [`${ARN_PREFIX.replace('123456789012', '210987654321')}full-store`] },
    { ResourceIdList: [`${ARN_PREFIX}full-store`, `${ARN_PREFIX}full-deleted`] },
  ],
  StartEventDataStoreIngestion: INGESTION_ERROR_REQUESTS('full-store', 'insight-stopped'),
  StopEventDataStoreIngestion: INGESTION_ERROR_REQUESTS('stopped-store', 'insight-enabled'),
  UpdateEventDataStore: [
    {},
    { EventDataStore: 'full-store' },
    { EventDataStore: 'a!', RetentionPeriod: 90 },
    { EventDataStore: 'no-such-store', RetentionPeriod: 90 },
    { EventDataStore: 'full-deleted', RetentionPeriod: 90 },
    { EventDataStore: 'org-member-stopped', RetentionPeriod: 90 },
    { EventDataStore: 'full-store', Name: 'stopped-store' },
    { EventDataStore: 'full-store', AdvancedEventSelectors: [{ FieldSelectors: [] }] },
    { EventDataStore: 'stopped-store', KmsKeyId: 'not a key' },
    { EventDataStore: 'full-store', KmsKeyId: 'alias/another-key' },
    { EventDataStore: 'full-store', RetentionPeriod: 3654 },
  ],
  DeleteEventDataStore: [
    {},
    { EventDataStore: 'a!' },
    { EventDataStore: 'no-such-store' },
    { EventDataStore: 'full-deleted' },
    { EventDataStore: 'org-member-stopped' },
    { EventDataStore: 'full-store' },
    { EventDataStore: 'federated-store' },
    { EventDataStore: 'starting-store' },
  ],
  RestoreEventDataStore: [
    {},
    { EventDataStore: 'a!' },
    { EventDataStore: 'no-such-store' },
    { EventDataStore: 'stopped-store' },
    { EventDataStore: 'org-member-deleted' },
  ],
  AddTags: [
    ...TAGGING_ERROR_REQUESTS,
    {
      ResourceId: FULL_ARN,
      TagsList: Array.from({ length: 50 }, (_, index) => ({ Key: `key-${index}` })),
    },
  ],
  RemoveTags: TAGGING_ERROR_REQUESTS,
};

const membersOf = (model: ServiceModel, ref: ShapeRef | undefined): string[] =>
  Object.keys((ref && model.shapes[ref.shape]?.members) ?? {});

const errorsOf = (model: ServiceModel, operation: string): string[] =>
  (model.operations[operation]?.errors ?? []).map((error) => error.shape);

/** Every place where a JSON value does not fit a model shape, as `path: problem`. */
function findShapeMismatches(
  model: ServiceModel,
  ref: ShapeRef,
  value: unknown,
  path: string,
): string[] {
  const shape = model.shapes[ref.shape];
  if (!shape) return [`${path}: unknown shape ${ref.shape}`];
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return [`${path}: expected an object`];
      }
      return Object.entries(value).flatMap(([name, member]) => {
        const memberRef = shape.members?.[name];
        return memberRef
          ? findShapeMismatches(model, memberRef, member, `${path}.${name}`)
          : [`${path}.${name}: not a member of ${ref.shape}`];
      });
    }
    case 'list':
      return Array.isArray(value) && shape.member
        ? value.flatMap((item, index) =>
            findShapeMismatches(model, shape.member as ShapeRef, item, `${path}[${index}]`),
          )
        : [`${path}: expected an array`];
    case 'string':
      if (typeof value !== 'string') return [`${path}: expected a string`];
      return shape.enum && !shape.enum.includes(value) ? [`${path}: ${value} not in the enum`] : [];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected a boolean`];
    case 'integer':
    case 'long':
      return Number.isInteger(value) ? [] : [`${path}: expected an integer`];
    case 'timestamp':
      return typeof value === 'number' ? [] : [`${path}: expected epoch seconds (a number)`];
    default:
      return [`${path}: shape type ${shape.type} not checked`];
  }
}

/**
 * The HTTP status of a CloudTrail error in the SDK's error schema (`<Code>$`, generated from the
 * Smithy model); botocore's CloudTrail model gives no error a status, so JSON 1.1's 400 would be
 * all it says.
 */
function sdkStatusOf(code: string): number | undefined {
  const schema = (cloudTrailSdk as Record<string, unknown>)[`${code}$`];
  const traits = Array.isArray(schema) ? (schema[3] as { httpError?: unknown }) : undefined;
  return typeof traits?.httpError === 'number' ? traits.httpError : undefined;
}

let cachedModel: ServiceModel | undefined;
let emulator: Emulator;

/** Read in each test, so a missing python3 or botocore fails every test with the reason. */
function serviceModel(): ServiceModel {
  cachedModel ??= readCloudTrailModel();
  return cachedModel;
}

async function callRaw(
  operation: OperationName,
  input: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(emulator.url, {
    method: 'POST',
    headers: {
      'Content-Type': CONTENT_TYPE,
      'X-Amz-Target': `${TARGET_PREFIX}${operation}`,
      Authorization: SIGV4,
    },
    body: JSON.stringify(input),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

beforeEach(async () => {
  // inactiveTags: every error the emulator can answer is checked against the model.
  emulator = await startEmulator({ stores: STORES, inactiveTags: true });
});

afterEach(async () => {
  await emulator.close();
});

describe('Emulator: conformance with the CloudTrail service model', () => {
  it('speaks the protocol of the model', () => {
    // Prepare
    const model = serviceModel();

    // Assess
    expect(model.metadata).toMatchObject({
      protocol: 'json',
      jsonVersion: '1.1',
      targetPrefix: TARGET_PREFIX.slice(0, -1),
    });
    expect(TARGET_PREFIX.endsWith(`.${SHORT_TARGET_PREFIX}`)).toBe(true);
  });

  it.each(OPERATIONS)('reads the input members of the model for %s', (operation) => {
    // Prepare
    const model = serviceModel();
    const input = model.operations[operation]?.input;
    const required = (input && model.shapes[input.shape]?.required) ?? [];

    // Act
    const modelMembers = membersOf(model, input);

    // Assess
    expect(model.operations[operation], `${operation} is not in the model`).toBeDefined();
    expect(
      [...EMULATED_OPERATIONS[operation].input, ...(UNREAD_INPUT[operation] ?? [])].sort(),
    ).toEqual(modelMembers.sort());
    expect(EMULATED_OPERATIONS[operation].input).toEqual(expect.arrayContaining(required));
  });

  it.each(OPERATIONS)('returns the output members of the model for %s', (operation) => {
    // Prepare
    const model = serviceModel();

    // Act
    const modelMembers = membersOf(model, model.operations[operation]?.output);

    // Assess
    expect(
      [...EMULATED_OPERATIONS[operation].output, ...(UNSERVED_OUTPUT[operation] ?? [])].sort(),
    ).toEqual(modelMembers.sort());
  });

  it.each(OPERATIONS)('returns only errors the model lists for %s', (operation) => {
    // Prepare
    const model = serviceModel();
    const { errors, unmodelledErrors } = EMULATED_OPERATIONS[operation];

    // Act
    const listed = errorsOf(model, operation);

    // Assess
    expect(listed).toEqual(expect.arrayContaining([...errors]));
    for (const code of unmodelledErrors) {
      expect(listed, `${code} is now modelled for ${operation}: move it to errors`).not.toContain(
        code,
      );
      expect(model.shapes[code]?.exception, `${code} is not a CloudTrail error`).toBe(true);
    }
  });

  it.each(OPERATIONS)('answers %s with JSON that fits the output shape', async (operation) => {
    // Prepare
    const model = serviceModel();
    const output = model.operations[operation]?.output as ShapeRef;

    // Act
    const response = await callRaw(operation, VALID_REQUESTS[operation]);

    // Assess
    expect(response.status).toBe(200);
    expect(findShapeMismatches(model, output, response.json, operation)).toEqual([]);
    expect(Object.keys(response.json).sort()).toEqual(
      [...EMULATED_OPERATIONS[operation].output].sort(),
    );
  });

  it.each(OPERATIONS)(
    'answers failing %s calls with the declared, modelled errors',
    async (operation) => {
      // Prepare
      const model = serviceModel();
      const { errors, unmodelledErrors } = EMULATED_OPERATIONS[operation];
      const allowed = [...errorsOf(model, operation), ...UNLISTED_ERRORS, ...unmodelledErrors];

      // Act
      const responses = [];
      for (const input of FAILING_REQUESTS[operation]) {
        responses.push(await callRaw(operation, input));
      }
      const codes = responses.map((response) => String(response.json.__type));

      // Assess
      for (const response of responses) {
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(Object.keys(response.json).sort()).toEqual(['Message', '__type']);
      }
      expect(allowed).toEqual(expect.arrayContaining(codes));
      expect([...new Set(codes)].sort()).toEqual([...errors, ...unmodelledErrors].sort());
    },
  );

  it.each(OPERATIONS)(
    'answers failing %s calls with the status the SDK schema gives each error',
    async (operation) => {
      // Act
      const responses = [];
      for (const input of FAILING_REQUESTS[operation]) {
        responses.push(await callRaw(operation, input));
      }

      // Assess
      for (const response of responses) {
        const code = String(response.json.__type);
        expect(response.status, code).toBe(sdkStatusOf(code));
      }
    },
  );

  it.each([
    ['region', ARN_PREFIX.replace('us-east-1', 'eu-west-1'), /^Region in ARN is wrong/],
    ['account', ARN_PREFIX.replace('123456789012', '210987654321'), /^AccountID in ARN is wrong/],
  ])(
    'answers ListTags of a store ARN of another %s as the service does: 400 CloudTrailARNInvalidException',
    async (_label, prefix, message) => {
      // Prepare
      const model = serviceModel();

      // Act
      const response = await callRaw('ListTags', { ResourceIdList: [`${prefix}full-store`] });

      // Assess
      expect(errorsOf(model, 'ListTags')).toContain('CloudTrailARNInvalidException');
      expect(response.status).toBe(sdkStatusOf('CloudTrailARNInvalidException'));
      expect(response.json).toEqual({
        __type: 'CloudTrailARNInvalidException',
        Message: expect.stringMatching(message),
      });
    },
  );

  it.each([
    ['without Authorization', 'MissingAuthenticationTokenException', 403, undefined],
    ['with a malformed Authorization', 'IncompleteSignatureException', 400, 'Bearer token'],
  ])(
    'answers a request %s with the common error the service sends: %s, HTTP %d',
    async (_label, code, status, authorization) => {
      // Prepare
      const model = serviceModel();
      const headers: Record<string, string> = {
        'Content-Type': CONTENT_TYPE,
        'X-Amz-Target': `${TARGET_PREFIX}GetEventDataStore`,
        ...(authorization === undefined ? {} : { Authorization: authorization }),
      };

      // Act
      const response = await fetch(emulator.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ EventDataStore: 'full-store' }),
      });

      // Assess
      expect(model.shapes[code], `${code} is now a CloudTrail shape: check its status`).toBe(
        undefined,
      );
      expect(PROTOCOL_ERRORS).toContain(code);
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ __type: code });
    },
  );
});
