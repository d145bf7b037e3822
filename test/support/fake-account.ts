/**
 * An in-memory CloudTrail account behind aws-sdk-client-mock, for unit tests of our own logic.
 * (What depends on the SDK's middleware is tested against the local emulator instead.)
 */
import { readFileSync } from 'node:fs';
import {
  CloudTrailClient,
  EventDataStoreNotFoundException,
  GetEventDataStoreCommand,
  InactiveEventDataStoreException,
  InvalidEventDataStoreStatusException,
  ListEventDataStoresCommand,
  ListTagsCommand,
  RestoreEventDataStoreCommand,
  StartEventDataStoreIngestionCommand,
  UpdateEventDataStoreCommand,
} from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { createCloudTrail } from '../../src/cloudtrail.js';
import { readConfig } from '../../src/config.js';
import { openRun, type ResumeDeps, type Run } from '../../src/run.js';

export const ACCOUNT = '012345678912';
export const REGION = 'us-east-1';
export const arnOf = (id: string, account = ACCOUNT, region = REGION) =>
  `arn:aws:cloudtrail:${region}:${account}:eventdatastore/${id}`;

export interface FakeStore {
  EventDataStoreArn: string;
  Name?: string;
  Status?: string;
  AdvancedEventSelectors?: {
    Name?: string;
    FieldSelectors: { Field: string; Equals?: string[] }[];
  }[];
  OrganizationEnabled?: boolean;
  MultiRegionEnabled?: boolean;
  RetentionPeriod?: number;
  TerminationProtectionEnabled?: boolean;
  KmsKeyId?: string;
  FederationStatus?: string;
  FederationRoleArn?: string;
  /** A Date, as the SDK gives it; epoch seconds, as a stores file has it, are read as such. */
  CreatedTimestamp?: Date | number;
  UpdatedTimestamp?: Date | number;
  Tags?: { Key: string; Value: string }[];
}

export interface FakeAccountOptions {
  /** The status Start moves a STOPPED_INGESTION store to. @default 'ENABLED' */
  startTo?: string;
  /** The status Restore moves a PENDING_DELETION store to. @default 'ENABLED' */
  restoreTo?: string;
  /** ListEventDataStores page size, whatever MaxResults asks for. */
  pageSize?: number;
  /** ListTags naming a PENDING_DELETION store answers InactiveEventDataStoreException. */
  inactiveTags?: boolean;
  /** The clock UpdatedTimestamp is set from. @default () => new Date() */
  now?: () => Date;
}

const ok = { $metadata: { httpStatusCode: 200, attempts: 1 } };
const refused = { $metadata: { httpStatusCode: 400, attempts: 1 } };

/** A store as the SDK answers it: no tags, timestamps as Dates. */
function answerOf(target: FakeStore) {
  const { Tags: _tags, CreatedTimestamp, UpdatedTimestamp, ...answer } = target;
  const asDate = (time: Date | number) => (time instanceof Date ? time : new Date(time * 1000));
  return {
    ...answer,
    ...(CreatedTimestamp !== undefined && { CreatedTimestamp: asDate(CreatedTimestamp) }),
    ...(UpdatedTimestamp !== undefined && { UpdatedTimestamp: asDate(UpdatedTimestamp) }),
  };
}

/** The stores of local/stores.json, fresh for each call. */
export function sampleStores(): FakeStore[] {
  return JSON.parse(readFileSync(new URL('../../local/stores.json', import.meta.url), 'utf8'));
}

export const MANAGED_TAG = 'ingestion-guard:managed=true';

export function store(id: string, status: string, options: Partial<FakeStore> = {}): FakeStore {
  return {
    EventDataStoreArn: arnOf(id),
    Name: `store-${id}`,
    Status: status,
    AdvancedEventSelectors: [
      { FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
    ],
    Tags: [{ Key: 'ingestion-guard:managed', Value: 'true' }],
    // CreateEventDataStore's default: a store is protected unless someone turned it off
    TerminationProtectionEnabled: true,
    ...options,
  };
}

/**
 * Mocks every CloudTrailClient: Get/List/ListTags read the stores; Start moves a
 * STOPPED_INGESTION store to `startTo` (default ENABLED) and rejects any other status as the API
 * does; Restore and Update behave as the local emulator's (see `restore` and `update`).
 */
export function fakeAccount(stores: FakeStore[], options: FakeAccountOptions = {}) {
  const mock = mockClient(CloudTrailClient);
  const byId = new Map(stores.map((s) => [s.EventDataStoreArn.split('/').pop() ?? '', s]));
  const find = (identifier: string | undefined) => {
    const found = byId.get((identifier ?? '').split('/').pop() ?? '');
    if (
      found === undefined ||
      (identifier?.startsWith('arn:') && found.EventDataStoreArn !== identifier)
    ) {
      throw new EventDataStoreNotFoundException({
        message: `Event data store ${identifier} not found`,
        $metadata: { httpStatusCode: 404, attempts: 1 },
      });
    }
    return found;
  };
  mock.on(GetEventDataStoreCommand).callsFake((input: { EventDataStore?: string }) => ({
    ...answerOf(find(input.EventDataStore)),
    ...ok,
  }));
  mock
    .on(ListEventDataStoresCommand)
    .callsFake((input: { NextToken?: string; MaxResults?: number }) => {
      const size = options.pageSize ?? input.MaxResults ?? 1000;
      const start = Number(input.NextToken ?? 0);
      const page = stores.slice(start, start + size);
      return {
        EventDataStores: page.map((s) => ({
          EventDataStoreArn: s.EventDataStoreArn,
          Name: s.Name,
        })),
        ...(start + size < stores.length && { NextToken: String(start + size) }),
      };
    });
  const inactive = (target: FakeStore) =>
    new InactiveEventDataStoreException({
      message: `The event data store ${target.EventDataStoreArn} is inactive.`,
      ...refused,
    });
  mock.on(ListTagsCommand).callsFake((input: { ResourceIdList?: string[] }) => ({
    ResourceTagList: (input.ResourceIdList ?? []).map((id) => {
      const target = find(id);
      if (options.inactiveTags === true && target.Status === 'PENDING_DELETION') {
        throw inactive(target);
      }
      return { ResourceId: id, TagsList: target.Tags ?? [] };
    }),
  }));
  const start = (input: { EventDataStore?: string }) => {
    const target = find(input.EventDataStore);
    if (target.Status !== 'STOPPED_INGESTION') {
      throw new InvalidEventDataStoreStatusException({
        message: `Event data store is in ${target.Status} status`,
        $metadata: { httpStatusCode: 400, attempts: 1 },
      });
    }
    target.Status = options.startTo ?? 'ENABLED';
    return { $metadata: { httpStatusCode: 200, attempts: 1 } };
  };
  mock.on(StartEventDataStoreIngestionCommand).callsFake(start);
  const now = options.now ?? (() => new Date());
  /** Restore: only from PENDING_DELETION, to `restoreTo`; answers the store without its tags. */
  const restore = (input: { EventDataStore?: string }) => {
    const target = find(input.EventDataStore);
    if (target.Status !== 'PENDING_DELETION') {
      throw new InvalidEventDataStoreStatusException({
        message: `The event data store status is ${target.Status}; the operation needs PENDING_DELETION.`,
        ...refused,
      });
    }
    target.Status = options.restoreTo ?? 'ENABLED';
    target.UpdatedTimestamp = now();
    return { ...answerOf(target), ...ok };
  };
  mock.on(RestoreEventDataStoreCommand).callsFake(restore);
  /** Update: the members sent replace the store's; a store pending deletion is inactive. */
  const update = (input: { EventDataStore?: string } & Partial<FakeStore>) => {
    const target = find(input.EventDataStore);
    if (target.Status === 'PENDING_DELETION') throw inactive(target);
    const { EventDataStore: _id, ...changes } = input;
    Object.assign(target, changes, { UpdatedTimestamp: now() });
    return { ...answerOf(target), ...ok };
  };
  mock.on(UpdateEventDataStoreCommand).callsFake(update);
  /** `start`, `restore` and `update` are the default behaviours, to chain after `rejectsOnce`. */
  return { mock, stores, find, start, restore, update };
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/**
 * The use case's dependencies over the real adapter (and so over the mocked client), with a clock
 * that only the recorded sleeps move (unless `remainingMs` is given), `random` fixed at 0.5 and
 * recorded logs.
 */
export function fakeDeps(
  env: Record<string, string> = {},
  options: { remainingMs?: () => number; startMs?: number } = {},
) {
  const config = readConfig({
    AWS_REGION: REGION,
    OPT_IN_TAG: MANAGED_TAG,
    VERIFY_INTERVAL_MS: '10',
    VERIFY_TIMEOUT_MS: '100',
    DEADLINE_MARGIN_MS: '1000',
    ...env,
  });
  const lines: LogLine[] = [];
  const sleeps: number[] = [];
  const log = (level: LogLine['level']) => (message: string, fields: Record<string, unknown>) => {
    lines.push({ level, message, fields });
  };
  let clock = options.startMs ?? 60_000;
  const deps: ResumeDeps = {
    cloudtrail: createCloudTrail({ region: REGION }),
    config,
    here: { partition: 'aws', accountId: ACCOUNT, region: REGION },
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
    remainingTimeMs: options.remainingMs ?? (() => clock),
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock -= ms;
    },
  };
  return { deps, lines, sleeps, config };
}

/** A Run over `fakeDeps`. Close it after the test. */
export function fakeRun(env: Record<string, string> = {}, remainingMs = 60_000) {
  const { deps, ...recorded } = fakeDeps(env, { startMs: remainingMs });
  const run: Run = openRun(deps);
  return { run, ...recorded };
}
