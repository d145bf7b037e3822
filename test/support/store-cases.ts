/**
 * Stores, a fake clock and the API's error cases, shared by the store book's tests (no HTTP) and
 * the emulator's (over HTTP with the SDK): both must obey the same rules.
 */
import type { AdvancedEventSelector, StoreInput, StoreStatus } from '../../local/stores-file.js';

export const ARN_PREFIX = 'arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/';
export const START_MS = Date.UTC(2026, 0, 1);

export const arnOf = (id: string): string => `${ARN_PREFIX}${id}`;

export const selectorsFor = (category: string): AdvancedEventSelector[] => [
  { FieldSelectors: [{ Field: 'eventCategory', Equals: [category] }] },
];

/** A stopped Management store `store-<id>` tagged `team=<id>`. */
export function makeStore(id: string, overrides: Partial<StoreInput> = {}): StoreInput {
  return {
    EventDataStoreArn: arnOf(id),
    Name: `store-${id}`,
    Status: 'STOPPED_INGESTION',
    AdvancedEventSelectors: selectorsFor('Management'),
    CreatedTimestamp: 1_704_067_200,
    UpdatedTimestamp: 1_764_028_800,
    Tags: [{ Key: 'team', Value: id }],
    ...overrides,
  };
}

/** A fake clock from START_MS: the `now` option, moved by hand. */
export function createClock(): { now: () => number; advance: (ms: number) => void } {
  let nowMs = START_MS;
  return { now: () => nowMs, advance: (ms) => (nowMs += ms) };
}

/** `EventDataStore` values refused with a store `abc-1`: [label, identifier, code, HTTP status]. */
export const INVALID_IDENTIFIER_CASES: [string, string, string, number][] = [
  ['too short', 'ab', 'EventDataStoreARNInvalidException', 400],
  ['too long', 'a'.repeat(257), 'EventDataStoreARNInvalidException', 400],
  ['with characters outside the pattern', 'abc 1!', 'EventDataStoreARNInvalidException', 400],
  [
    'an ARN of another resource type',
    'arn:aws:cloudtrail:us-east-1:123456789012:trail/abc-1',
    'EventDataStoreARNInvalidException',
    400,
  ],
  [
    'an ARN of another account',
    'arn:aws:cloudtrail:us-east-1:210987654321:eventdatastore/abc-1',
    'EventDataStoreNotFoundException',
    404,
  ],
  [
    'an ARN of another region',
    'arn:aws:cloudtrail:eu-west-1:123456789012:eventdatastore/abc-1',
    'EventDataStoreNotFoundException',
    404,
  ],
  ['an unknown ID', 'abc-9', 'EventDataStoreNotFoundException', 404],
];

/** `ResourceIdList` values refused with a store `abc-1`: [label, list, code, HTTP status]. */
export const INVALID_RESOURCE_LIST_CASES: [string, string[], string, number][] = [
  ['21 ARNs', Array.from({ length: 21 }, () => arnOf('abc-1')), 'InvalidParameterException', 400],
  ['no ARN', [], 'InvalidParameterException', 400],
  ['an ID instead of an ARN', ['abc-1'], 'CloudTrailARNInvalidException', 400],
  [
    'a trail ARN',
    ['arn:aws:cloudtrail:us-east-1:123456789012:trail/abc-1'],
    'ResourceNotFoundException',
    400,
  ],
  ['an unknown store ARN', [arnOf('abc-9')], 'EventDataStoreNotFoundException', 404],
  [
    'a store ARN of another account',
    ['arn:aws:cloudtrail:us-east-1:210987654321:eventdatastore/abc-1'],
    'CloudTrailARNInvalidException',
    400,
  ],
  [
    'a store ARN of another region',
    ['arn:aws:cloudtrail:eu-west-1:123456789012:eventdatastore/abc-1'],
    'CloudTrailARNInvalidException',
    400,
  ],
  [
    'a trail ARN of another region',
    ['arn:aws:cloudtrail:eu-west-1:123456789012:trail/abc-1'],
    'CloudTrailARNInvalidException',
    400,
  ],
];

/** ListEventDataStores NextToken values refused with one store: [label, token]. */
export const INVALID_TOKEN_CASES: [string, string][] = [
  ['a made-up token', 'not-a-token'],
  ['a token past the end', Buffer.from('eds:99').toString('base64url')],
  ['a token never issued', Buffer.from('eds:0').toString('base64url')],
];

/** The statuses StartEventDataStoreIngestion refuses (it needs STOPPED_INGESTION). */
export const START_REFUSED_STATUSES: StoreStatus[] = [
  'ENABLED',
  'STARTING_INGESTION',
  'STOPPING_INGESTION',
  'CREATED',
  'PENDING_DELETION',
];

/** The statuses StopEventDataStoreIngestion refuses (it needs ENABLED). */
export const STOP_REFUSED_STATUSES: StoreStatus[] = [
  'STOPPED_INGESTION',
  'STARTING_INGESTION',
  'STOPPING_INGESTION',
  'CREATED',
  'PENDING_DELETION',
];

/** The eventCategory values Start and Stop accept. */
export const ACCEPTED_CATEGORIES = ['Management', 'Data', 'NetworkActivity', 'ConfigurationItem'];

/** Selectors Start and Stop refuse: [label, selectors (undefined: none at all)]. */
export const REFUSED_SELECTOR_CASES: [string, AdvancedEventSelector[] | undefined][] = [
  ['Insight', selectorsFor('Insight')],
  ['ActivityAuditLog', selectorsFor('ActivityAuditLog')],
  ['Evidence', selectorsFor('Evidence')],
  ['no eventCategory selector', [{ FieldSelectors: [{ Field: 'eventName', Equals: ['x'] }] }]],
  ['no selectors at all', undefined],
];

/** A stopped store `abc-1` and an enabled `abc-2`, both with these selectors (or none). */
export function storesWithSelectors(selectors: AdvancedEventSelector[] | undefined): StoreInput[] {
  const stopped = makeStore('abc-1');
  const enabled = makeStore('abc-2', { Status: 'ENABLED' });
  delete stopped.AdvancedEventSelectors;
  delete enabled.AdvancedEventSelectors;
  return selectors
    ? [
        { ...stopped, AdvancedEventSelectors: selectors },
        { ...enabled, AdvancedEventSelectors: selectors },
      ]
    : [stopped, enabled];
}

/** `ResourceId` values AddTags and RemoveTags refuse with a store `abc-1`: [label, id, code, status]. */
export const INVALID_RESOURCE_ID_CASES: [string, string, string, number][] =
  INVALID_RESOURCE_LIST_CASES.filter(([, list]) => list.length === 1).map(
    ([label, list, code, status]) => [label, list[0] as string, code, status],
  );
