import { describe, expect, it } from 'vitest';
import { ApiError } from '../../local/api-error.js';
import {
  createStoreBook,
  LIST_TAGS_MAX_RESOURCES,
  type StoreBook,
  type StoreBookOptions,
} from '../../local/store-book.js';
import type { StoreInput, StoreStatus } from '../../local/stores-file.js';
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

const START_S = START_MS / 1000;

/** Every `EventDataStore` value refused with a store `abc-1`: [label, value, code, HTTP status]. */
const REFUSED_IDENTIFIERS: [string, unknown, string, number][] = [
  ...INVALID_IDENTIFIER_CASES,
  ['that is missing', undefined, 'InvalidParameterException', 400],
  ['that is not a string', 7, 'InvalidParameterException', 400],
];

/** A book over the stores on a fake clock that starts at START_MS. */
function bookOf(
  stores: readonly StoreInput[],
  options: StoreBookOptions = {},
): { book: StoreBook; advance: (ms: number) => void } {
  const clock = createClock();
  return { book: createStoreBook(stores, { now: clock.now, ...options }), advance: clock.advance };
}

/** The ApiError the operation throws (fails the test when it returns). */
function errorOf(act: () => unknown): ApiError {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  return expect.unreachable('the operation should have thrown');
}

const statusOf = (book: StoreBook, id: string): StoreStatus | undefined =>
  book.getEventDataStore({ EventDataStore: id }).Status;

const storeIds = (count: number): StoreInput[] =>
  Array.from({ length: count }, (_, index) => makeStore(`abc-${index + 1}`));

describe('Function: createStoreBook', () => {
  describe('ingestion state machine', () => {
    it('moves a started store through STARTING_INGESTION to ENABLED after startDelayMs', () => {
      // Prepare
      const { book, advance } = bookOf([makeStore('abc-1')], { startDelayMs: 500 });

      // Act
      const output = book.startIngestion({ EventDataStore: 'abc-1' });
      const starting = book.getEventDataStore({ EventDataStore: 'abc-1' });
      advance(499);
      const stillStarting = statusOf(book, 'abc-1');
      advance(1);
      const enabled = book.getEventDataStore({ EventDataStore: 'abc-1' });

      // Assess
      expect(output).toEqual({});
      expect(starting).toMatchObject({ Status: 'STARTING_INGESTION', UpdatedTimestamp: START_S });
      expect(stillStarting).toBe('STARTING_INGESTION');
      expect(enabled).toMatchObject({ Status: 'ENABLED', UpdatedTimestamp: START_S + 0.5 });
    });

    it('moves a stopped store through STOPPING_INGESTION to STOPPED_INGESTION after stopDelayMs', () => {
      // Prepare
      const { book, advance } = bookOf([makeStore('abc-1', { Status: 'ENABLED' })], {
        stopDelayMs: 300,
      });

      // Act
      const output = book.stopIngestion({ EventDataStore: arnOf('abc-1') });
      const stopping = book.getEventDataStore({ EventDataStore: 'abc-1' });
      advance(299);
      const stillStopping = statusOf(book, 'abc-1');
      advance(1);
      const stopped = book.getEventDataStore({ EventDataStore: 'abc-1' });

      // Assess
      expect(output).toEqual({});
      expect(stopping).toMatchObject({ Status: 'STOPPING_INGESTION', UpdatedTimestamp: START_S });
      expect(stillStopping).toBe('STOPPING_INGESTION');
      expect(stopped).toMatchObject({
        Status: 'STOPPED_INGESTION',
        UpdatedTimestamp: START_S + 0.3,
      });
    });

    it('takes 100 ms for either transition by default', () => {
      // Prepare
      const { book, advance } = bookOf([
        makeStore('abc-1'),
        makeStore('abc-2', { Status: 'ENABLED' }),
      ]);

      // Act
      book.startIngestion({ EventDataStore: 'abc-1' });
      book.stopIngestion({ EventDataStore: 'abc-2' });
      advance(99);
      const before = [statusOf(book, 'abc-1'), statusOf(book, 'abc-2')];
      advance(1);
      const after = [statusOf(book, 'abc-1'), statusOf(book, 'abc-2')];

      // Assess
      expect(before).toEqual(['STARTING_INGESTION', 'STOPPING_INGESTION']);
      expect(after).toEqual(['ENABLED', 'STOPPED_INGESTION']);
    });

    it.each([
      ['STARTING_INGESTION', 'ENABLED'],
      ['STOPPING_INGESTION', 'STOPPED_INGESTION'],
    ] as const)('completes a store seeded in %s once the delay has passed', (seeded, settled) => {
      // Prepare
      const { book, advance } = bookOf([makeStore('abc-1', { Status: seeded })], {
        startDelayMs: 200,
        stopDelayMs: 200,
      });

      // Act
      advance(199);
      const before = book.stores()[0];
      advance(1);
      const after = book.stores()[0];

      // Assess
      expect(before?.Status).toBe(seeded);
      expect(after).toMatchObject({ Status: settled, UpdatedTimestamp: START_S + 0.2 });
    });

    it('settles a due transition before it applies the status rule', () => {
      // Prepare
      const { book, advance } = bookOf([makeStore('abc-1')], { startDelayMs: 50 });
      book.startIngestion({ EventDataStore: 'abc-1' });

      // Act
      const early = errorOf(() => book.stopIngestion({ EventDataStore: 'abc-1' }));
      advance(50);
      const output = book.stopIngestion({ EventDataStore: 'abc-1' });

      // Assess
      expect(early.code).toBe('InvalidEventDataStoreStatusException');
      expect(output).toEqual({});
      expect(statusOf(book, 'abc-1')).toBe('STOPPING_INGESTION');
    });

    it('fills Status, timestamps and Tags for a minimal store from the clock', () => {
      // Prepare
      const { book } = bookOf([{ EventDataStoreArn: arnOf('abc-1') }]);

      // Act
      const stores = book.stores();

      // Assess
      expect(stores).toEqual([
        {
          EventDataStoreArn: arnOf('abc-1'),
          Status: 'ENABLED',
          CreatedTimestamp: START_S,
          UpdatedTimestamp: START_S,
          Tags: [],
        },
      ]);
    });

    it('hands out copies: changing what it returned changes no store', () => {
      // Prepare
      const { book } = bookOf([makeStore('abc-1')]);
      const [listed] = book.stores();
      const got = book.getEventDataStore({ EventDataStore: 'abc-1' });
      const tags = book.listTags({ ResourceIdList: [arnOf('abc-1')] });

      // Act
      if (listed) listed.Status = 'ENABLED';
      got.AdvancedEventSelectors?.splice(0);
      tags.ResourceTagList[0]?.TagsList.splice(0);

      // Assess
      expect(book.stores()).toEqual([makeStore('abc-1')]);
    });

    it('rejects stores that are not a valid stores file, naming the field', () => {
      // Prepare
      const stores = [{ EventDataStoreArn: 'abc-1' }];

      // Act
      const act = () => createStoreBook(stores);

      // Assess
      expect(act).toThrow(/^stores\[0\]\.EventDataStoreArn/);
    });

    it('rejects stores of more than one account or region: it serves one of each', () => {
      // Prepare
      const stores = [
        makeStore('abc-1'),
        { EventDataStoreArn: 'arn:aws:cloudtrail:eu-west-1:123456789012:eventdatastore/abc-2' },
      ];

      // Act
      const act = () => createStoreBook(stores);

      // Assess
      expect(act).toThrow(/^stores\[1\]\.EventDataStoreArn: every store must be in aws account/);
    });
  });

  describe('Start and Stop status, organization and identifier rules', () => {
    it.each(START_REFUSED_STATUSES)('refuses to start a store in %s and leaves it so', (status) => {
      // Prepare
      const { book } = bookOf([makeStore('abc-1', { Status: status })]);

      // Act
      const error = errorOf(() => book.startIngestion({ EventDataStore: 'abc-1' }));

      // Assess
      expect(error).toMatchObject({ code: 'InvalidEventDataStoreStatusException', status: 400 });
      expect(error.message).toContain('STOPPED_INGESTION');
      expect(book.stores()[0]).toMatchObject({ Status: status, UpdatedTimestamp: 1_764_028_800 });
    });

    it.each(STOP_REFUSED_STATUSES)('refuses to stop a store in %s and leaves it so', (status) => {
      // Prepare
      const { book } = bookOf([makeStore('abc-1', { Status: status })]);

      // Act
      const error = errorOf(() => book.stopIngestion({ EventDataStore: 'abc-1' }));

      // Assess
      expect(error).toMatchObject({ code: 'InvalidEventDataStoreStatusException', status: 400 });
      expect(error.message).toContain('ENABLED');
      expect(book.stores()[0]?.Status).toBe(status);
    });

    it('refuses to start or stop an organization store from a member account', () => {
      // Prepare
      const memberOnly = { OrganizationEnabled: true, EmulatorCallerIsManagementAccount: false };
      const { book } = bookOf([
        makeStore('abc-1', memberOnly),
        makeStore('abc-2', { ...memberOnly, Status: 'ENABLED' }),
      ]);

      // Act
      const startError = errorOf(() => book.startIngestion({ EventDataStore: 'abc-1' }));
      const stopError = errorOf(() => book.stopIngestion({ EventDataStore: 'abc-2' }));

      // Assess
      expect(startError).toMatchObject({ code: 'NotOrganizationMasterAccountException' });
      expect(stopError).toMatchObject({ code: 'NotOrganizationMasterAccountException' });
      expect(startError.status).toBe(400);
    });

    it('starts an organization store from the management account by default', () => {
      // Prepare
      const { book } = bookOf([makeStore('abc-1', { OrganizationEnabled: true })]);

      // Act
      book.startIngestion({ EventDataStore: 'abc-1' });

      // Assess
      expect(statusOf(book, 'abc-1')).toBe('STARTING_INGESTION');
    });

    it.each(REFUSED_IDENTIFIERS)(
      'refuses to start or stop by an identifier %s',
      (_label, identifier, code, status) => {
        // Prepare
        const { book } = bookOf([makeStore('abc-1')]);

        // Act
        const startError = errorOf(() => book.startIngestion({ EventDataStore: identifier }));
        const stopError = errorOf(() => book.stopIngestion({ EventDataStore: identifier }));

        // Assess
        expect(startError).toMatchObject({ code, status });
        expect(stopError).toMatchObject({ code, status });
      },
    );
  });

  describe('Start and Stop category rule', () => {
    it.each(ACCEPTED_CATEGORIES)('starts and stops a store of category %s', (category) => {
      // Prepare
      const selectors = selectorsFor(category);
      const { book } = bookOf([
        makeStore('abc-1', { AdvancedEventSelectors: selectors }),
        makeStore('abc-2', { AdvancedEventSelectors: selectors, Status: 'ENABLED' }),
      ]);

      // Act
      book.startIngestion({ EventDataStore: 'abc-1' });
      book.stopIngestion({ EventDataStore: 'abc-2' });

      // Assess
      expect(book.stores().map((store) => store.Status)).toEqual([
        'STARTING_INGESTION',
        'STOPPING_INGESTION',
      ]);
    });

    it.each([
      ...REFUSED_SELECTOR_CASES,
      ['a category selector without Equals', [{ FieldSelectors: [{ Field: 'eventCategory' }] }]],
    ])('refuses to start or stop a store of %s', (_label, selectors) => {
      // Prepare
      const { book } = bookOf(storesWithSelectors(selectors));

      // Act
      const startError = errorOf(() => book.startIngestion({ EventDataStore: 'abc-1' }));
      const stopError = errorOf(() => book.stopIngestion({ EventDataStore: 'abc-2' }));

      // Assess
      expect(startError).toMatchObject({
        code: 'InvalidEventDataStoreCategoryException',
        status: 400,
      });
      expect(stopError).toMatchObject({ code: 'InvalidEventDataStoreCategoryException' });
      expect(book.stores().map((store) => store.Status)).toEqual(['STOPPED_INGESTION', 'ENABLED']);
    });

    it('checks the status before the category', () => {
      // Prepare
      const { book } = bookOf([
        makeStore('abc-1', { Status: 'ENABLED', AdvancedEventSelectors: selectorsFor('Insight') }),
      ]);

      // Act
      const error = errorOf(() => book.startIngestion({ EventDataStore: 'abc-1' }));

      // Assess
      expect(error.code).toBe('InvalidEventDataStoreStatusException');
    });
  });

  describe('GetEventDataStore', () => {
    it.each([
      ['its ARN', arnOf('abc-2')],
      ['its ID suffix', 'abc-2'],
    ])('finds a store by %s', (_label, identifier) => {
      // Prepare
      const { book } = bookOf([makeStore('abc-1'), makeStore('abc-2')]);

      // Act
      const output = book.getEventDataStore({ EventDataStore: identifier });

      // Assess
      expect(output.EventDataStoreArn).toBe(arnOf('abc-2'));
    });

    it('returns the output members only: no Tags, no emulator-only field', () => {
      // Prepare
      const store = makeStore('abc-1', {
        OrganizationEnabled: true,
        EmulatorCallerIsManagementAccount: false,
      });
      const { book } = bookOf([store]);

      // Act
      const output = book.getEventDataStore({ EventDataStore: 'abc-1' });

      // Assess
      const { Tags: _tags, EmulatorCallerIsManagementAccount: _caller, ...members } = store;
      expect(output).toEqual(members);
    });

    it.each(REFUSED_IDENTIFIERS)('rejects an identifier %s', (_label, identifier, code, status) => {
      // Prepare
      const { book } = bookOf([makeStore('abc-1')]);

      // Act
      const error = errorOf(() => book.getEventDataStore({ EventDataStore: identifier }));

      // Assess
      expect(error).toMatchObject({ code, status });
    });
  });

  describe('ListEventDataStores pagination', () => {
    it('returns only EventDataStoreArn and Name per store, and no NextToken on the last page', () => {
      // Prepare
      const { book } = bookOf([makeStore('abc-1'), { EventDataStoreArn: arnOf('abc-2') }]);

      // Act
      const output = book.listEventDataStores({});

      // Assess
      expect(output).toEqual({
        EventDataStores: [
          { EventDataStoreArn: arnOf('abc-1'), Name: 'store-abc-1' },
          { EventDataStoreArn: arnOf('abc-2') },
        ],
      });
    });

    it('pages through every store in order by following NextToken', () => {
      // Prepare
      const { book } = bookOf(storeIds(5));

      // Act
      const pages: string[][] = [];
      let token: string | undefined;
      do {
        const output = book.listEventDataStores({
          MaxResults: 2,
          ...(token === undefined ? {} : { NextToken: token }),
        });
        pages.push(output.EventDataStores.map((store) => store.EventDataStoreArn));
        token = output.NextToken;
      } while (token !== undefined);

      // Assess
      expect(pages).toEqual([
        [arnOf('abc-1'), arnOf('abc-2')],
        [arnOf('abc-3'), arnOf('abc-4')],
        [arnOf('abc-5')],
      ]);
    });

    it('uses defaultMaxResults when MaxResults is absent', () => {
      // Prepare
      const { book } = bookOf(storeIds(3), { defaultMaxResults: 2 });

      // Act
      const output = book.listEventDataStores({});

      // Assess
      expect(output.EventDataStores).toHaveLength(2);
      expect(output.NextToken).toEqual(expect.any(String));
    });

    it('holds 100 stores a page by default', () => {
      // Prepare
      const { book } = bookOf(storeIds(101));

      // Act
      const first = book.listEventDataStores({});
      const second = book.listEventDataStores({ NextToken: first.NextToken });

      // Assess
      expect(first.EventDataStores).toHaveLength(100);
      expect(second).toEqual({
        EventDataStores: [{ EventDataStoreArn: arnOf('abc-101'), Name: 'store-abc-101' }],
      });
    });

    it('caps a page at maxPageSize whatever MaxResults asks for', () => {
      // Prepare
      const { book } = bookOf(storeIds(5), { maxPageSize: 3 });

      // Act
      const first = book.listEventDataStores({ MaxResults: 1000 });
      const second = book.listEventDataStores({ MaxResults: 1000, NextToken: first.NextToken });

      // Assess
      expect(first.EventDataStores).toHaveLength(3);
      expect(second.EventDataStores).toHaveLength(2);
      expect(second.NextToken).toBeUndefined();
    });

    it.each([0, 1001, 1.5, '5'])(
      'rejects MaxResults %s with InvalidMaxResultsException',
      (maxResults) => {
        // Prepare
        const { book } = bookOf([makeStore('abc-1')]);

        // Act
        const error = errorOf(() => book.listEventDataStores({ MaxResults: maxResults }));

        // Assess
        expect(error).toMatchObject({ code: 'InvalidMaxResultsException', status: 400 });
      },
    );

    it.each<[string, unknown]>([
      ...INVALID_TOKEN_CASES,
      ['a token one past the last store', Buffer.from('eds:4').toString('base64url')],
      ['an issued offset spelt another way', Buffer.from('eds:01').toString('base64url')],
      ['a token that is not a string', 1],
    ])('rejects %s with InvalidNextTokenException', (_label, token) => {
      // Prepare
      const { book } = bookOf(storeIds(3));

      // Act
      const error = errorOf(() => book.listEventDataStores({ NextToken: token }));

      // Assess
      expect(error).toMatchObject({ code: 'InvalidNextTokenException', status: 400 });
    });
  });

  describe('ListTags limits and not-found rules', () => {
    it('returns the tags of each ARN, in order, with the ARN as sent', () => {
      // Prepare
      const { book } = bookOf([makeStore('abc-1'), makeStore('abc-2', { Tags: [] })]);

      // Act
      const output = book.listTags({ ResourceIdList: [arnOf('abc-2'), arnOf('abc-1')] });

      // Assess
      expect(output).toEqual({
        ResourceTagList: [
          { ResourceId: arnOf('abc-2'), TagsList: [] },
          { ResourceId: arnOf('abc-1'), TagsList: [{ Key: 'team', Value: 'abc-1' }] },
        ],
      });
    });

    it(`accepts ${LIST_TAGS_MAX_RESOURCES} ARNs`, () => {
      // Prepare
      const { book } = bookOf([makeStore('abc-1')]);
      const list = Array.from({ length: LIST_TAGS_MAX_RESOURCES }, () => arnOf('abc-1'));

      // Act
      const output = book.listTags({ ResourceIdList: list });

      // Assess
      expect(output.ResourceTagList).toHaveLength(20);
    });

    it.each<[string, unknown, string, number]>([
      ...INVALID_RESOURCE_LIST_CASES,
      ['no ResourceIdList', undefined, 'InvalidParameterException', 400],
      ['a ResourceIdList that is not a list', arnOf('abc-1'), 'InvalidParameterException', 400],
      ['an ARN that is not a string', [42], 'CloudTrailARNInvalidException', 400],
      [
        'a known ARN after an unknown one',
        [arnOf('abc-9'), arnOf('abc-1')],
        'EventDataStoreNotFoundException',
        404,
      ],
    ])('rejects %s', (_label, resourceIdList, code, status) => {
      // Prepare
      const { book } = bookOf([makeStore('abc-1')]);

      // Act
      const error = errorOf(() => book.listTags({ ResourceIdList: resourceIdList }));

      // Assess
      expect(error).toMatchObject({ code, status });
    });

    it.each([
      [
        'region',
        'arn:aws:cloudtrail:eu-west-1:210987654321:eventdatastore/abc-1',
        'Region in ARN is wrong, you can only access resources in region us-east-1.',
      ],
      [
        'account',
        'arn:aws:cloudtrail:us-east-1:210987654321:eventdatastore/abc-1',
        'AccountID in ARN is wrong, you can only access resources with AccountID 123456789012.',
      ],
    ])('names the %s it serves when an ARN is of another', (_label, arn, message) => {
      // Prepare
      const { book } = bookOf([makeStore('abc-1')]);

      // Act
      const error = errorOf(() => book.listTags({ ResourceIdList: [arn] }));

      // Assess
      expect(error).toMatchObject({ code: 'CloudTrailARNInvalidException', message });
    });

    it('finds no store of any account or region when it holds none', () => {
      // Prepare
      const { book } = bookOf([]);

      // Act
      const error = errorOf(() =>
        book.listTags({
          ResourceIdList: ['arn:aws:cloudtrail:eu-west-1:210987654321:eventdatastore/abc-1'],
        }),
      );

      // Assess
      expect(error).toMatchObject({ code: 'EventDataStoreNotFoundException', status: 404 });
    });
  });

  describe('ListTags of a store pending deletion', () => {
    const stores = () => [makeStore('abc-1', { Status: 'PENDING_DELETION' }), makeStore('abc-2')];

    it('answers its tags by default', () => {
      // Prepare
      const { book } = bookOf(stores());

      // Act
      const output = book.listTags({ ResourceIdList: [arnOf('abc-1'), arnOf('abc-2')] });

      // Assess
      expect(output.ResourceTagList.map(({ ResourceId }) => ResourceId)).toEqual([
        arnOf('abc-1'),
        arnOf('abc-2'),
      ]);
    });

    it('refuses the whole list with InactiveEventDataStoreException with inactiveTags', () => {
      // Prepare
      const { book } = bookOf(stores(), { inactiveTags: true });

      // Act
      const error = errorOf(() =>
        book.listTags({ ResourceIdList: [arnOf('abc-2'), arnOf('abc-1')] }),
      );
      const alone = book.listTags({ ResourceIdList: [arnOf('abc-2')] });

      // Assess: the store still reads PENDING_DELETION; the others' tags are still answered
      expect(error).toMatchObject({ code: 'InactiveEventDataStoreException', status: 400 });
      expect(statusOf(book, 'abc-1')).toBe('PENDING_DELETION');
      expect(alone.ResourceTagList).toEqual([
        { ResourceId: arnOf('abc-2'), TagsList: [{ Key: 'team', Value: 'abc-2' }] },
      ]);
    });

    it('answers the tags of a store deleted and then restored, with inactiveTags', () => {
      // Prepare
      const { book } = bookOf([makeStore('abc-2')], { inactiveTags: true });
      book.deleteEventDataStore({ EventDataStore: 'abc-2' });
      const whileDeleted = errorOf(() => book.listTags({ ResourceIdList: [arnOf('abc-2')] }));

      // Act
      book.restoreEventDataStore({ EventDataStore: 'abc-2' });
      const output = book.listTags({ ResourceIdList: [arnOf('abc-2')] });

      // Assess
      expect(whileDeleted.code).toBe('InactiveEventDataStoreException');
      expect(output.ResourceTagList[0]?.TagsList).toEqual([{ Key: 'team', Value: 'abc-2' }]);
    });
  });

  describe('UpdateEventDataStore', () => {
    it('replaces the members sent, moves UpdatedTimestamp and returns the whole configuration', () => {
      // Prepare
      const { book, advance } = bookOf([
        makeStore('abc-1', { RetentionPeriod: 2557, TerminationProtectionEnabled: true }),
      ]);
      advance(5000);

      // Act
      const output = book.updateEventDataStore({
        EventDataStore: 'abc-1',
        RetentionPeriod: 7,
        TerminationProtectionEnabled: false,
        AdvancedEventSelectors: selectorsFor('Data'),
      });

      // Assess
      expect(output).toEqual({
        EventDataStoreArn: arnOf('abc-1'),
        Name: 'store-abc-1',
        Status: 'STOPPED_INGESTION',
        AdvancedEventSelectors: selectorsFor('Data'),
        RetentionPeriod: 7,
        TerminationProtectionEnabled: false,
        CreatedTimestamp: 1_704_067_200,
        UpdatedTimestamp: START_S + 5,
      });
      expect(book.getEventDataStore({ EventDataStore: 'abc-1' })).toMatchObject(output);
    });

    it('sets a KMS key on a store without one, and accepts the same key again', () => {
      // Prepare
      const { book } = bookOf([makeStore('abc-1')]);
      const key = 'alias/lake';

      // Act
      book.updateEventDataStore({ EventDataStore: 'abc-1', KmsKeyId: key });
      const output = book.updateEventDataStore({ EventDataStore: 'abc-1', KmsKeyId: key });

      // Assess
      expect(output.KmsKeyId).toBe(key);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['no optional member', {}, 'InvalidParameterException'],
      ['another KMS key', { KmsKeyId: 'alias/other' }, 'InvalidParameterException'],
      ['a KMS key ID outside the pattern', { KmsKeyId: 'a key' }, 'InvalidKmsKeyIdException'],
      ['a retention under 7 days', { RetentionPeriod: 6 }, 'InvalidParameterException'],
      ['a retention over 3653 days', { RetentionPeriod: 3654 }, 'InvalidParameterException'],
      [
        'fixed pricing for an extendable store',
        { BillingMode: 'FIXED_RETENTION_PRICING' },
        'InvalidParameterException',
      ],
      ['an unknown billing mode', { BillingMode: 'FREE' }, 'InvalidParameterException'],
      [
        'a boolean member that is not one',
        { MultiRegionEnabled: 'yes' },
        'InvalidParameterException',
      ],
      ['a name outside the pattern', { Name: 'a b' }, 'InvalidParameterException'],
      [
        'the name of another store',
        { Name: 'store-abc-2' },
        'EventDataStoreAlreadyExistsException',
      ],
      [
        'a selector without field selectors',
        { AdvancedEventSelectors: [{ FieldSelectors: [] }] },
        'InvalidEventSelectorsException',
      ],
    ])('refuses %s and changes nothing', (_label, members, code) => {
      // Prepare
      const { book } = bookOf([
        makeStore('abc-1', {
          KmsKeyId: 'alias/lake',
          BillingMode: 'EXTENDABLE_RETENTION_PRICING',
        }),
        makeStore('abc-2'),
      ]);
      const before = book.getEventDataStore({ EventDataStore: 'abc-1' });

      // Act
      const error = errorOf(() =>
        book.updateEventDataStore({ EventDataStore: 'abc-1', ...members }),
      );

      // Assess
      expect(error).toMatchObject({ code, status: 400 });
      expect(book.getEventDataStore({ EventDataStore: 'abc-1' })).toEqual(before);
    });

    it('holds fixed-pricing retention to 2557 days', () => {
      // Prepare
      const { book } = bookOf([makeStore('abc-1', { BillingMode: 'FIXED_RETENTION_PRICING' })]);

      // Act
      const error = errorOf(() =>
        book.updateEventDataStore({ EventDataStore: 'abc-1', RetentionPeriod: 2558 }),
      );

      // Assess
      expect(error).toMatchObject({ code: 'InvalidParameterException' });
    });

    it('refuses a store pending deletion, and an organization store from a member account', () => {
      // Prepare
      const { book } = bookOf([
        makeStore('abc-1', { Status: 'PENDING_DELETION' }),
        makeStore('abc-2', { OrganizationEnabled: true, EmulatorCallerIsManagementAccount: false }),
      ]);

      // Act
      const codes = ['abc-1', 'abc-2'].map(
        (id) =>
          errorOf(() => book.updateEventDataStore({ EventDataStore: id, RetentionPeriod: 90 }))
            .code,
      );

      // Assess
      expect(codes).toEqual([
        'InactiveEventDataStoreException',
        'NotOrganizationMasterAccountException',
      ]);
    });
  });

  describe('DeleteEventDataStore and RestoreEventDataStore', () => {
    it.each<StoreStatus>(['ENABLED', 'STOPPED_INGESTION'])(
      'deletes a %s store to PENDING_DELETION and restores it to that status',
      (status) => {
        // Prepare
        const { book, advance } = bookOf([makeStore('abc-1', { Status: status })]);

        // Act
        advance(1000);
        const deleted = book.deleteEventDataStore({ EventDataStore: 'abc-1' });
        const pending = book.getEventDataStore({ EventDataStore: 'abc-1' });
        advance(1000);
        const restored = book.restoreEventDataStore({ EventDataStore: arnOf('abc-1') });

        // Assess
        expect(deleted).toEqual({});
        expect(pending).toMatchObject({
          Status: 'PENDING_DELETION',
          UpdatedTimestamp: START_S + 1,
        });
        expect(restored).toMatchObject({ Status: status, UpdatedTimestamp: START_S + 2 });
        expect(statusOf(book, 'abc-1')).toBe(status);
      },
    );

    it('restores a store seeded as PENDING_DELETION to ENABLED', () => {
      // Prepare
      const { book } = bookOf([makeStore('abc-1', { Status: 'PENDING_DELETION' })]);

      // Act
      book.restoreEventDataStore({ EventDataStore: 'abc-1' });

      // Assess
      expect(statusOf(book, 'abc-1')).toBe('ENABLED');
    });

    it('answers Restore with the configuration, without federation or partition keys', () => {
      // Prepare
      const { book } = bookOf([
        makeStore('abc-1', {
          Status: 'PENDING_DELETION',
          FederationStatus: 'DISABLED',
          PartitionKeys: [{ Name: 'eventTime', Type: 'timestamp' }],
        }),
      ]);

      // Act
      const output = book.restoreEventDataStore({ EventDataStore: 'abc-1' });

      // Assess
      expect(output).not.toHaveProperty('FederationStatus');
      expect(output).not.toHaveProperty('PartitionKeys');
      expect(output).toMatchObject({ EventDataStoreArn: arnOf('abc-1'), Name: 'store-abc-1' });
    });

    it.each<[string, Partial<StoreInput>, string, number]>([
      [
        'protected',
        { TerminationProtectionEnabled: true },
        'EventDataStoreTerminationProtectedException',
        400,
      ],
      [
        'federated',
        { FederationStatus: 'ENABLED' },
        'EventDataStoreFederationEnabledException',
        400,
      ],
      [
        'still enabling federation',
        { FederationStatus: 'ENABLING' },
        'EventDataStoreFederationEnabledException',
        400,
      ],
      ['pending deletion', { Status: 'PENDING_DELETION' }, 'InactiveEventDataStoreException', 400],
      ['starting', { Status: 'STARTING_INGESTION' }, 'ConflictException', 409],
      [
        'an organization store from a member account',
        { OrganizationEnabled: true, EmulatorCallerIsManagementAccount: false },
        'NotOrganizationMasterAccountException',
        400,
      ],
    ])(
      'refuses to delete a store that is %s and leaves it so',
      (_label, overrides, code, status) => {
        // Prepare
        const { book } = bookOf([makeStore('abc-1', overrides)]);
        const before = book.getEventDataStore({ EventDataStore: 'abc-1' });

        // Act
        const error = errorOf(() => book.deleteEventDataStore({ EventDataStore: 'abc-1' }));

        // Assess
        expect(error).toMatchObject({ code, status });
        expect(book.getEventDataStore({ EventDataStore: 'abc-1' })).toEqual(before);
      },
    );

    it('deletes a store whose federation is DISABLED', () => {
      // Prepare
      const { book } = bookOf([makeStore('abc-1', { FederationStatus: 'DISABLED' })]);

      // Act
      book.deleteEventDataStore({ EventDataStore: 'abc-1' });

      // Assess
      expect(statusOf(book, 'abc-1')).toBe('PENDING_DELETION');
    });

    it.each<StoreStatus>(['ENABLED', 'STOPPED_INGESTION', 'STARTING_INGESTION'])(
      'refuses to restore a %s store',
      (status) => {
        // Prepare
        const { book } = bookOf([makeStore('abc-1', { Status: status })]);

        // Act
        const error = errorOf(() => book.restoreEventDataStore({ EventDataStore: 'abc-1' }));

        // Assess
        expect(error).toMatchObject({ code: 'InvalidEventDataStoreStatusException', status: 400 });
      },
    );

    it.each(REFUSED_IDENTIFIERS)(
      'rejects an identifier %s for Delete and Restore',
      (_label, identifier, code, status) => {
        // Prepare
        const { book } = bookOf([makeStore('abc-1')]);

        // Act
        const errors = [
          errorOf(() => book.deleteEventDataStore({ EventDataStore: identifier })),
          errorOf(() => book.restoreEventDataStore({ EventDataStore: identifier })),
        ];

        // Assess
        expect(errors).toEqual([
          expect.objectContaining({ code, status }),
          expect.objectContaining({ code, status }),
        ]);
      },
    );

    it.each([
      [undefined, ['abc-1', 'abc-2']],
      [true, ['abc-1', 'abc-2']],
      [false, ['abc-2']],
    ])('with listPendingDeletion %s lists %j', (listPendingDeletion, ids) => {
      // Prepare
      const options = listPendingDeletion === undefined ? {} : { listPendingDeletion };
      const { book } = bookOf([makeStore('abc-1'), makeStore('abc-2')], options);
      book.deleteEventDataStore({ EventDataStore: 'abc-1' });

      // Act
      const output = book.listEventDataStores({});

      // Assess
      expect(output.EventDataStores.map(({ EventDataStoreArn }) => EventDataStoreArn)).toEqual(
        ids.map(arnOf),
      );
    });

    it('pages only through the listed stores when pending ones are left out', () => {
      // Prepare
      const stores = storeIds(3);
      const { book } = bookOf(stores, { listPendingDeletion: false });
      book.deleteEventDataStore({ EventDataStore: 'abc-2' });

      // Act
      const first = book.listEventDataStores({ MaxResults: 1 });
      const second = book.listEventDataStores({ MaxResults: 1, NextToken: first.NextToken });

      // Assess
      expect(second.EventDataStores.map(({ EventDataStoreArn }) => EventDataStoreArn)).toEqual([
        arnOf('abc-3'),
      ]);
      expect(second.NextToken).toBeUndefined();
    });
  });

  describe('AddTags and RemoveTags', () => {
    it('adds tags, replacing the value of a key already there, and removes tags by key', () => {
      // Prepare
      const { book } = bookOf([makeStore('abc-1')]);
      const ResourceId = arnOf('abc-1');

      // Act
      const added = book.addTags({
        ResourceId,
        TagsList: [
          { Key: 'team', Value: 'red' },
          { Key: 'ingestion-guard:exempt-until', Value: '2099-01-01T00:00:00Z' },
        ],
      });
      const afterAdd = book.listTags({ ResourceIdList: [ResourceId] });
      const removed = book.removeTags({ ResourceId, TagsList: [{ Key: 'team' }] });
      const afterRemove = book.listTags({ ResourceIdList: [ResourceId] });

      // Assess
      expect([added, removed]).toEqual([{}, {}]);
      expect(afterAdd.ResourceTagList[0]?.TagsList).toEqual([
        { Key: 'team', Value: 'red' },
        { Key: 'ingestion-guard:exempt-until', Value: '2099-01-01T00:00:00Z' },
      ]);
      expect(afterRemove.ResourceTagList[0]?.TagsList).toEqual([
        { Key: 'ingestion-guard:exempt-until', Value: '2099-01-01T00:00:00Z' },
      ]);
    });

    it('holds a store to 50 tags', () => {
      // Prepare
      const { book } = bookOf([makeStore('abc-1')]);
      const tags = (count: number) =>
        Array.from({ length: count }, (_, index) => ({ Key: `k${index}` }));

      // Act
      book.addTags({ ResourceId: arnOf('abc-1'), TagsList: tags(49) });
      const error = errorOf(() =>
        book.addTags({ ResourceId: arnOf('abc-1'), TagsList: [{ Key: 'one-more' }] }),
      );

      // Assess
      expect(error).toMatchObject({ code: 'TagsLimitExceededException', status: 400 });
      expect(book.stores()[0]?.Tags).toHaveLength(50);
    });

    it.each<[string, unknown]>([
      ['no TagsList', undefined],
      ['an empty TagsList', []],
      ['a tag without a key', [{ Value: 'x' }]],
      ['a key over 128 characters', [{ Key: 'k'.repeat(129) }]],
      ['a value over 256 characters', [{ Key: 'k', Value: 'v'.repeat(257) }]],
    ])('refuses %s', (_label, tagsList) => {
      // Prepare
      const { book } = bookOf([makeStore('abc-1')]);

      // Act
      const errors = [
        errorOf(() => book.addTags({ ResourceId: arnOf('abc-1'), TagsList: tagsList })),
        errorOf(() => book.removeTags({ ResourceId: arnOf('abc-1'), TagsList: tagsList })),
      ];

      // Assess
      expect(errors.map(({ code }) => code)).toEqual([
        'InvalidTagParameterException',
        'InvalidTagParameterException',
      ]);
    });

    it.each([
      ...INVALID_RESOURCE_ID_CASES,
      ['no ResourceId', undefined, 'CloudTrailARNInvalidException', 400] as const,
    ])('rejects %s as ResourceId', (_label, resourceId, code, status) => {
      // Prepare
      const { book } = bookOf([makeStore('abc-1')]);
      const TagsList = [{ Key: 'k' }];

      // Act
      const errors = [
        errorOf(() => book.addTags({ ResourceId: resourceId, TagsList })),
        errorOf(() => book.removeTags({ ResourceId: resourceId, TagsList })),
      ];

      // Assess
      expect(errors).toEqual([
        expect.objectContaining({ code, status }),
        expect.objectContaining({ code, status }),
      ]);
    });

    it('refuses to tag a store pending deletion', () => {
      // Prepare
      const { book } = bookOf([makeStore('abc-1', { Status: 'PENDING_DELETION' })]);

      // Act
      const error = errorOf(() =>
        book.addTags({ ResourceId: arnOf('abc-1'), TagsList: [{ Key: 'k' }] }),
      );

      // Assess
      expect(error).toMatchObject({ code: 'InactiveEventDataStoreException' });
    });
  });
});
