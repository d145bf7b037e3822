import {
  GetEventDataStoreCommand,
  ListTagsCommand,
  RestoreEventDataStoreCommand,
  ThrottlingException,
} from '@aws-sdk/client-cloudtrail';
import { describe, expect, it } from 'vitest';
import { createCloudTrail } from '../../src/cloudtrail.js';
import { arnOf, fakeAccount, REGION, store } from '../support/fake-account.js';

/** The real adapter, over whatever client mock the test set up. */
const port = () => createCloudTrail({ region: REGION }).open(new AbortController().signal);

describe('Function: createCloudTrail', () => {
  describe('describeStore', () => {
    it('returns the configuration with the API’s names, and UpdatedTimestamp as ISO', async () => {
      // Prepare
      const selectors = [
        {
          Name: 'management',
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Management'] },
            { Field: 'eventSource', NotEquals: ['kms.amazonaws.com'], StartsWith: ['s3'] },
            { Field: 'eventName', EndsWith: ['Object'], NotStartsWith: ['Get'] },
            { Field: 'resources.ARN', NotEndsWith: ['/private'] },
          ],
        },
      ];
      const { mock } = fakeAccount([store('c1', 'ENABLED')]);
      mock.on(GetEventDataStoreCommand).resolves({
        EventDataStoreArn: arnOf('c1'),
        Status: 'ENABLED',
        AdvancedEventSelectors: selectors,
        MultiRegionEnabled: true,
        OrganizationEnabled: true,
        RetentionPeriod: 2557,
        TerminationProtectionEnabled: true,
        KmsKeyId: 'arn:aws:kms:us-east-1:012345678912:key/k1',
        FederationStatus: 'ENABLED',
        FederationRoleArn: 'arn:aws:iam::012345678912:role/federation',
        UpdatedTimestamp: new Date('2025-11-25T00:00:00Z'),
      });

      // Act
      const snapshot = await port().describeStore(arnOf('c1'));

      // Assess
      expect(snapshot.config).toEqual({
        AdvancedEventSelectors: selectors,
        MultiRegionEnabled: true,
        OrganizationEnabled: true,
        RetentionPeriod: 2557,
        TerminationProtectionEnabled: true,
        KmsKeyId: 'arn:aws:kms:us-east-1:012345678912:key/k1',
        FederationStatus: 'ENABLED',
        FederationRoleArn: 'arn:aws:iam::012345678912:role/federation',
      });
      expect(snapshot.updatedAt).toBe('2025-11-25T00:00:00.000Z');
    });

    it('reads absent booleans as false and leaves absent fields out', async () => {
      // Prepare
      const { mock } = fakeAccount([store('c1', 'ENABLED')]);
      mock.on(GetEventDataStoreCommand).resolves({
        EventDataStoreArn: arnOf('c1'),
        AdvancedEventSelectors: [
          { FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }] },
        ],
      });

      // Act
      const snapshot = await port().describeStore(arnOf('c1'));

      // Assess
      expect(snapshot.config).toEqual({
        AdvancedEventSelectors: [
          { FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }] },
        ],
        MultiRegionEnabled: false,
        OrganizationEnabled: false,
        TerminationProtectionEnabled: false,
      });
      expect(snapshot).not.toHaveProperty('updatedAt');
    });
  });

  describe('listTags', () => {
    const stores = () => [
      store('t1', 'ENABLED'),
      store('t2', 'PENDING_DELETION', { Tags: [{ Key: 'team', Value: 'gone' }] }),
      store('t3', 'STOPPED_INGESTION', { Tags: [{ Key: 'team', Value: 'red' }] }),
    ];

    it('asks ARN by ARN when a store of the batch is inactive, and leaves only that one out', async () => {
      // Prepare
      const { mock } = fakeAccount(stores(), { inactiveTags: true });
      const arns = ['t1', 't2', 't3'].map((id) => arnOf(id));

      // Act
      const tags = await port().listTags(arns);

      // Assess
      expect([...tags]).toEqual([
        [arnOf('t1'), { 'ingestion-guard:managed': 'true' }],
        [arnOf('t3'), { team: 'red' }],
      ]);
      expect(mock.commandCalls(ListTagsCommand).map((call) => call.args[0].input)).toEqual([
        { ResourceIdList: arns },
        ...arns.map((arn) => ({ ResourceIdList: [arn] })),
      ]);
    });

    it('answers no tags, with one request, for a lone inactive store', async () => {
      // Prepare
      const { mock } = fakeAccount(stores(), { inactiveTags: true });

      // Act
      const tags = await port().listTags([arnOf('t2')]);

      // Assess
      expect(tags.size).toBe(0);
      expect(mock).toHaveReceivedCommandTimes(ListTagsCommand, 1);
    });

    it('lets any other error of an ARN-by-ARN request through', async () => {
      // Prepare: the batch is refused as inactive, then the first single request is throttled
      const { mock } = fakeAccount(stores());
      mock
        .on(ListTagsCommand)
        .rejectsOnce(
          Object.assign(new Error('inactive'), {
            name: 'InactiveEventDataStoreException',
            $metadata: { httpStatusCode: 400 },
          }),
        )
        .rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));

      // Act
      const error = await port()
        .listTags([arnOf('t1'), arnOf('t3')])
        .catch((caught: unknown) => caught);

      // Assess
      expect(error).toMatchObject({ name: 'ThrottlingException', operation: 'ListTags' });
    });
  });

  describe('restoreStore and enableTerminationProtection', () => {
    it('answers the status Restore gives', async () => {
      // Prepare
      const { mock } = fakeAccount([store('r1', 'PENDING_DELETION')], {
        restoreTo: 'STOPPED_INGESTION',
      });

      // Act
      const answer = await port().restoreStore(arnOf('r1'));

      // Assess
      expect(answer).toEqual({ status: 'STOPPED_INGESTION' });
      expect(mock).toHaveReceivedCommandWith(RestoreEventDataStoreCommand, {
        EventDataStore: arnOf('r1'),
      });
    });

    it('answers no status when Restore gives none', async () => {
      // Prepare
      const { mock } = fakeAccount([store('r1', 'PENDING_DELETION')]);
      mock.on(RestoreEventDataStoreCommand).resolves({});

      // Act
      const answer = await port().restoreStore(arnOf('r1'));

      // Assess
      expect(answer).toEqual({});
    });

    it('names the operation of a refused update in its error', async () => {
      // Prepare
      fakeAccount([store('r1', 'PENDING_DELETION')]);

      // Act
      const error = await port()
        .enableTerminationProtection(arnOf('r1'))
        .catch((caught: unknown) => caught);

      // Assess
      expect(error).toMatchObject({
        name: 'InactiveEventDataStoreException',
        operation: 'UpdateEventDataStore',
      });
    });
  });
});
