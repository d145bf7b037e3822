/**
 * An in-memory CloudTrail account behind aws-sdk-client-mock, for unit tests of our own logic.
 * (What depends on the SDK's middleware is tested against the local emulator instead.)
 */
import { readFileSync } from 'node:fs';
import {
  CloudTrailClient,
  EventDataStoreNotFoundException,
  GetEventDataStoreCommand,
  InvalidEventDataStoreStatusException,
  ListEventDataStoresCommand,
  ListTagsCommand,
  StartEventDataStoreIngestionCommand,
} from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';

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
  Tags?: { Key: string; Value: string }[];
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
    ...options,
  };
}

/**
 * Mocks every CloudTrailClient: Get/List/ListTags read the stores; Start moves a
 * STOPPED_INGESTION store to `startTo` (default ENABLED) and rejects any other status as the API does.
 */
export function fakeAccount(
  stores: FakeStore[],
  options: { startTo?: string; pageSize?: number } = {},
) {
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
  mock.on(GetEventDataStoreCommand).callsFake((input: { EventDataStore?: string }) => {
    const { Tags: _tags, ...described } = find(input.EventDataStore);
    return { ...described, $metadata: { httpStatusCode: 200, attempts: 1 } };
  });
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
  mock.on(ListTagsCommand).callsFake((input: { ResourceIdList?: string[] }) => ({
    ResourceTagList: (input.ResourceIdList ?? []).map((id) => ({
      ResourceId: id,
      TagsList: find(id).Tags ?? [],
    })),
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
  /** `start` is the default Start behaviour, to chain after `rejectsOnce`. */
  return { mock, stores, find, start };
}
