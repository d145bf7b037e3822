import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidTriggerError } from '../../src/errors.js';
import { parseTrigger, STORE_EVENT_NAMES, TRAIL_EVENT_NAMES } from '../../src/trigger.js';
import type { ResumeRequest } from '../../src/types.js';

const EVENTS_DIR = join(import.meta.dirname, '..', '..', 'events');
/** The stores file feeds the emulator; every other file in events/ is a trigger. */

const ID = 'a3f1c0de-5b2a-4c1e-9f3d-0e7a1b2c3d4e';
const ARN = `arn:aws:cloudtrail:us-east-1:012345678912:eventdatastore/${ID}`;
const ARN_B = 'arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/b7e2d1f0-6c3b-4d2f';
/** A store the local stack holds as deleted: the delete and restore samples name it. */
const DELETED_ARN =
  'arn:aws:cloudtrail:us-east-1:012345678912:eventdatastore/c4d2e3f4-7a8b-4c9d-8e0f-2a3b4c5d6e7f';
const TRAIL_ARN = 'arn:aws:cloudtrail:us-east-1:012345678912:trail/org-trail';
const MALLORY = {
  arn: 'arn:aws:sts::012345678912:assumed-role/DevOpsAdmin/mallory',
  roleArn: 'arn:aws:iam::012345678912:role/DevOpsAdmin',
  type: 'AssumedRole',
  accountId: '012345678912',
};
/** The caller of the update sample, whose selectors exclude its own calls. */
const ATTACKER = {
  arn: 'arn:aws:sts::012345678912:assumed-role/Attacker/mallory',
  roleArn: 'arn:aws:iam::012345678912:role/Attacker',
  type: 'AssumedRole',
  accountId: '012345678912',
};

/** The API's identifier rule, written out here rather than borrowed from the code under test. */
const IDENTIFIER_RULE = /^[a-zA-Z0-9._/\-:]{3,256}$/;

type Json = Record<string, unknown>;

function readEvent(file: string): Json {
  return JSON.parse(readFileSync(join(EVENTS_DIR, file), 'utf8')) as Json;
}

/** The fields of a request the tables below speak about; absent ones are `undefined`. */
function project(request: ResumeRequest) {
  return {
    kind: request.kind,
    scope: request.scope,
    deliveryId: request.deliveryId,
    actor: request.actor,
    source: request.source,
    dryRun: request.dryRun,
    failedStops: request.failedStops,
  };
}
type Expected = ReturnType<typeof project>;

/** How far a request can be trusted, and what the call it records changed. */
function trustOf(request: ResumeRequest) {
  return {
    evidence: request.evidence,
    eventName: request.eventName,
    acceptBaseline: request.acceptBaseline,
    tagChange: request.tagChange,
  };
}
type Trust = ReturnType<typeof trustOf>;
/** Some of the fields; `undefined` means the request must not carry the field. */
type ExpectedPart = { [K in keyof Expected]?: Expected[K] | undefined };

/** Catches what `act` throws, so a test can look at it. */
function caught(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, none was thrown');
}

/** An EventBridge `AWS API Call via CloudTrail` event, as the default bus delivers it. */
function apiCall(detail: Json = {}, envelope: Json = {}): Json {
  return {
    version: '0',
    id: 'eb-event-1',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.cloudtrail',
    account: '123456789012',
    region: 'us-east-1',
    detail: {
      eventSource: 'cloudtrail.amazonaws.com',
      eventName: 'StopEventDataStoreIngestion',
      eventID: 'ct-event-1',
      userIdentity: {
        type: 'AssumedRole',
        arn: MALLORY.arn,
        accountId: MALLORY.accountId,
        sessionContext: { sessionIssuer: { type: 'Role', arn: MALLORY.roleArn } },
      },
      requestParameters: { eventDataStore: ARN },
      ...detail,
    },
    ...envelope,
  };
}

/** One SNS record, shaped as Lambda delivers it. */
function snsRecord(message: unknown, messageId?: string, extra: Json = {}): Json {
  return {
    EventSource: 'aws:sns',
    EventVersion: '1.0',
    Sns: {
      Type: 'Notification',
      ...(messageId !== undefined && { MessageId: messageId }),
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:lake-ingestion-guard-alerts',
      Subject: 'alert',
      Message: typeof message === 'string' ? message : JSON.stringify(message),
      ...extra,
    },
  };
}

const sns = (...records: Json[]): Json => ({ Records: records });

function alarmNotification(state: string): Json {
  return {
    AlarmName: 'cloudtrail-lake-ingestion-stopped',
    NewStateValue: state,
    OldStateValue: 'OK',
    AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:cloudtrail-lake-ingestion-stopped',
  };
}

/** A CloudTrail record (source aws.cloudtrail), by EventBridge or inside SNS, as a sample expects it. */
function cloudTrailCall(
  scope: Expected['scope'],
  deliveryId: string,
  actor: Expected['actor'] = MALLORY,
): Expected {
  const source = 'aws.cloudtrail';
  return {
    kind: 'incident',
    scope,
    deliveryId,
    actor,
    source,
    dryRun: undefined,
    failedStops: undefined,
  };
}

/** Expectations for every sample event, from the trigger table of docs/design.md. */
const SAMPLES: Record<string, Expected> = {
  'cloudwatch-alarm-action.json': {
    kind: 'incident',
    scope: 'managed',
    // one state change of one alarm: a redelivery carries the same ARN and timestamp
    deliveryId:
      'arn:aws:cloudwatch:us-east-1:012345678912:alarm:cloudtrail-lake-ingestion-stopped#2026-11-25T02:46:12.000+0000',
    actor: undefined,
    source: 'aws.cloudwatch',
    dryRun: undefined,
    failedStops: undefined,
  },
  'direct-request-all-dry-run.json': {
    kind: 'manual',
    scope: 'managed',
    deliveryId: undefined,
    actor: undefined,
    source: 'direct',
    dryRun: true,
    failedStops: undefined,
  },
  'direct-request-many.json': {
    kind: 'schedule',
    scope: [ARN, 'b7e2d1f0-6c3b-4d2f-8a4e-1f8b2c3d4e5f'],
    deliveryId: '3f2e1d0c-9b8a-4776-8554-433221100fed',
    actor: undefined,
    source: 'aws.scheduler',
    dryRun: undefined,
    failedStops: undefined,
  },
  'direct-request.json': {
    kind: 'manual',
    scope: [ARN],
    deliveryId: undefined,
    actor: undefined,
    source: 'direct',
    dryRun: undefined,
    failedStops: undefined,
  },
  'eventbridge-stop-failed.json': {
    kind: 'incident',
    scope: [],
    deliveryId: '1b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e',
    actor: MALLORY,
    source: 'aws.cloudtrail',
    dryRun: undefined,
    failedStops: [ARN],
  },
  'eventbridge-stop-id-suffix.json': {
    kind: 'incident',
    scope: [ID],
    deliveryId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    actor: MALLORY,
    source: 'aws.cloudtrail',
    dryRun: undefined,
    failedStops: undefined,
  },
  'eventbridge-stop-logging.json': {
    kind: 'incident',
    scope: 'managed',
    deliveryId: '2c3d4e5f-6a7b-4c8d-8e9f-1a2b3c4d5e6f',
    actor: MALLORY,
    source: 'aws.cloudtrail',
    dryRun: undefined,
    failedStops: undefined,
  },
  'eventbridge-stop.json': {
    kind: 'incident',
    scope: [ARN],
    deliveryId: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b',
    actor: MALLORY,
    source: 'aws.cloudtrail',
    dryRun: undefined,
    failedStops: undefined,
  },
  'schedule-eventbridge-rule.json': {
    kind: 'schedule',
    scope: 'managed',
    deliveryId: '89d1a02d-5ec7-412e-82f5-13505f849b41',
    actor: undefined,
    source: 'aws.events',
    dryRun: undefined,
    failedStops: undefined,
  },
  'schedule-scheduler-default.json': {
    kind: 'schedule',
    scope: 'managed',
    deliveryId: 'd3c8e2f1-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    actor: undefined,
    source: 'aws.scheduler',
    dryRun: undefined,
    failedStops: undefined,
  },
  'schedule-scheduler-input.json': {
    kind: 'schedule',
    scope: 'managed',
    deliveryId: 'c9a4e6d1-2f3b-4a5c-9d8e-7f6a5b4c3d2e',
    actor: undefined,
    source: 'aws.scheduler',
    dryRun: undefined,
    failedStops: undefined,
  },
  'sns-alarm-alarm.json': {
    kind: 'incident',
    scope: 'managed',
    deliveryId: '3e4f5a6b-7c8d-5e9f-8a0b-1c2d3e4f5a6b',
    actor: undefined,
    source: 'aws.cloudwatch',
    dryRun: undefined,
    failedStops: undefined,
  },
  'sns-alarm-ok.json': {
    kind: 'incident',
    scope: [],
    deliveryId: '4f5a6b7c-8d9e-5f0a-9b1c-2d3e4f5a6b7c',
    actor: undefined,
    source: 'aws.cloudwatch',
    dryRun: undefined,
    failedStops: undefined,
  },
  'sns-multi-record.json': {
    kind: 'incident',
    // the plain-text alert's store and the request object's
    scope: [ARN, 'b7e2d1f0-6c3b-4d2f-8a4e-1f8b2c3d4e5f'],
    // every record is identified: the delivery is its MessageIds, sorted
    deliveryId: '7c8d9e0f-1a2b-5c3d-8e4f-5a6b7c8d9e0f,8d9e0f1a-2b3c-5d4e-9f5a-6b7c8d9e0f1a',
    actor: undefined,
    source: 'aws.sns',
    dryRun: undefined,
    failedStops: undefined,
  },
  'sns-plain-text.json': {
    kind: 'incident',
    scope: [ARN],
    deliveryId: '5a6b7c8d-9e0f-5a1b-8c2d-3e4f5a6b7c8d',
    actor: undefined,
    source: 'aws.sns',
    dryRun: undefined,
    failedStops: undefined,
  },
  'sns-request-object.json': {
    kind: 'incident',
    scope: [ARN],
    deliveryId: '6b7c8d9e-0f1a-5b2c-9d3e-4f5a6b7c8d9e',
    actor: undefined,
    source: 'aws.sns',
    dryRun: undefined,
    failedStops: undefined,
  },
  'sns-stop-alert.json': {
    kind: 'incident',
    scope: [ARN],
    // the CloudTrail eventID, as for eventbridge-stop.json: one stop, one incident
    deliveryId: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b',
    actor: MALLORY,
    source: 'aws.cloudtrail',
    dryRun: undefined,
    failedStops: undefined,
  },
  'direct-accept-baseline.json': {
    kind: 'manual',
    scope: [ARN],
    deliveryId: undefined,
    actor: undefined,
    source: 'direct',
    dryRun: undefined,
    failedStops: undefined,
  },
  'eventbridge-add-tags-exempt.json': cloudTrailCall([ARN], 'a4d5e6f7-8b9c-4d0e-8f1a-4b5c6d7e8f9a'),
  'eventbridge-delete-event-data-store.json': cloudTrailCall(
    [DELETED_ARN],
    'd1a2b3c4-5e6f-4a7b-9c8d-1e2f3a4b5c6d',
  ),
  'eventbridge-delete-trail.json': cloudTrailCall(
    'managed',
    'e8b9c0d1-2f3a-4b4c-8d5e-8f9a0b1c2d3e',
  ),
  'eventbridge-disable-federation.json': cloudTrailCall(
    [ARN],
    'd7a8b9c0-1e2f-4a3b-9c4d-7e8f9a0b1c2d',
  ),
  'eventbridge-enable-federation.json': cloudTrailCall(
    [ARN],
    'c6f7a8b9-0d1e-4f2a-8b3c-6d7e8f9a0b1c',
  ),
  'eventbridge-put-event-selectors.json': cloudTrailCall(
    'managed',
    'a0d1e2f3-4b5c-4d6e-8f7a-0b1c2d3e4f5a',
  ),
  'eventbridge-remove-tags.json': cloudTrailCall([ARN], 'b5e6f7a8-9c0d-4e1f-9a2b-5c6d7e8f9a0b'),
  'eventbridge-restore-event-data-store.json': cloudTrailCall(
    [DELETED_ARN],
    'f3c4d5e6-7a8b-4c9d-9e0f-3a4b5c6d7e8f',
  ),
  'eventbridge-update-event-data-store.json': cloudTrailCall(
    [ARN],
    'e2b3c4d5-6f7a-4b8c-8d9e-2f3a4b5c6d7e',
    ATTACKER,
  ),
  'eventbridge-update-trail.json': cloudTrailCall(
    'managed',
    'f9c0d1e2-3a4b-4c5d-9e6f-9a0b1c2d3e4f',
  ),
  // the CloudTrail eventID of the update it copies: the same call, whichever path
  'sns-forged-update.json': cloudTrailCall([ARN], 'e2b3c4d5-6f7a-4b8c-8d9e-2f3a4b5c6d7e', ATTACKER),
};

const ALERT: Trust = {
  evidence: 'alert',
  eventName: undefined,
  acceptBaseline: undefined,
  tagChange: undefined,
};
const TRUSTED: Trust = { ...ALERT, evidence: 'trusted' };
const trustedCall = (eventName: string): Trust => ({ ...TRUSTED, eventName });
const alertCall = (eventName: string): Trust => ({ ...ALERT, eventName });

/** For every sample: how far it can be trusted (only AWS or a direct invoker earns `trusted`). */
const SAMPLE_TRUST: Record<string, Trust> = {
  'cloudwatch-alarm-action.json': ALERT,
  'direct-accept-baseline.json': { ...TRUSTED, acceptBaseline: true },
  'direct-request-all-dry-run.json': TRUSTED,
  // Scheduler custom input (executionId): a schedule, not a person at the console
  'direct-request-many.json': ALERT,
  'direct-request.json': TRUSTED,
  'eventbridge-add-tags-exempt.json': {
    ...trustedCall('AddTags'),
    tagChange: { change: 'add', keys: ['ingestion-guard:exempt-until'] },
  },
  'eventbridge-delete-event-data-store.json': trustedCall('DeleteEventDataStore'),
  'eventbridge-delete-trail.json': trustedCall('DeleteTrail'),
  'eventbridge-disable-federation.json': trustedCall('DisableFederation'),
  'eventbridge-enable-federation.json': trustedCall('EnableFederation'),
  'eventbridge-put-event-selectors.json': trustedCall('PutEventSelectors'),
  'eventbridge-remove-tags.json': {
    ...trustedCall('RemoveTags'),
    tagChange: { change: 'remove', keys: ['ingestion-guard:managed'] },
  },
  'eventbridge-restore-event-data-store.json': trustedCall('RestoreEventDataStore'),
  'eventbridge-stop-failed.json': trustedCall('StopEventDataStoreIngestion'),
  'eventbridge-stop-id-suffix.json': trustedCall('StopEventDataStoreIngestion'),
  'eventbridge-stop-logging.json': trustedCall('StopLogging'),
  'eventbridge-stop.json': trustedCall('StopEventDataStoreIngestion'),
  'eventbridge-update-event-data-store.json': trustedCall('UpdateEventDataStore'),
  'eventbridge-update-trail.json': trustedCall('UpdateTrail'),
  'schedule-eventbridge-rule.json': ALERT,
  'schedule-scheduler-default.json': ALERT,
  'schedule-scheduler-input.json': ALERT,
  'sns-alarm-alarm.json': ALERT,
  'sns-alarm-ok.json': ALERT,
  // an exact copy of the EventBridge event: anyone who may publish to the topic can write it
  'sns-forged-update.json': alertCall('UpdateEventDataStore'),
  'sns-multi-record.json': ALERT,
  'sns-plain-text.json': ALERT,
  'sns-request-object.json': ALERT,
  'sns-stop-alert.json': alertCall('StopEventDataStoreIngestion'),
};

const SAMPLE_FILES = readdirSync(EVENTS_DIR)
  .filter((file) => file.endsWith('.json'))
  .sort();

describe('Function: parseTrigger', () => {
  describe('sample events', () => {
    it('finds the sample events, one per trigger', () => {
      // Assess
      expect(SAMPLE_FILES.length).toBeGreaterThanOrEqual(Object.keys(SAMPLES).length);
    });

    it.each(SAMPLE_FILES)('parses %s as its expectation says', (file) => {
      // Prepare
      const expected = SAMPLES[file];
      expect(expected, `events/${file} has no expectation in this test: add one`).toBeDefined();

      // Act
      const request = parseTrigger(readEvent(file));

      // Assess
      expect(project(request)).toStrictEqual(expected);
    });

    it('has a sample file for every expectation', () => {
      // Assess
      expect(Object.keys(SAMPLES).sort()).toEqual(SAMPLE_FILES);
      expect(Object.keys(SAMPLE_TRUST).sort()).toEqual(SAMPLE_FILES);
    });

    it.each(SAMPLE_FILES)('says how far %s can be trusted', (file) => {
      // Prepare
      const expected = SAMPLE_TRUST[file];
      expect(
        expected,
        `events/${file} has no trust expectation in this test: add one`,
      ).toBeDefined();

      // Act
      const request = parseTrigger(readEvent(file));

      // Assess
      expect(trustOf(request)).toStrictEqual(expected);
    });

    it('reads the forged SNS copy of an update as the same call, but only as an alert', () => {
      // Act
      const direct = parseTrigger(readEvent('eventbridge-update-event-data-store.json'));
      const forged = parseTrigger(readEvent('sns-forged-update.json'));

      // Assess
      expect(direct.evidence).toBe('trusted');
      expect(forged.evidence).toBe('alert');
      expect(forged.scope).toEqual(direct.scope);
      expect(forged.deliveryId).toBe(direct.deliveryId);
      expect(forged.actor).toStrictEqual(direct.actor);
      expect(forged.cloudTrail).toStrictEqual(direct.cloudTrail);
    });

    it('recognises the same stop through the EventBridge rule and through SNS', () => {
      // Act
      const direct = parseTrigger(readEvent('eventbridge-stop.json'));
      const viaSns = parseTrigger(readEvent('sns-stop-alert.json'));

      // Assess
      expect(viaSns.deliveryId).toBeDefined();
      expect(viaSns.deliveryId).toBe(direct.deliveryId);
      expect(viaSns.scope).toEqual(direct.scope);
    });
  });

  describe('schedules', () => {
    it('reads the EventBridge Scheduler default payload, whose detail is the string "{}"', () => {
      // Prepare
      const event = {
        version: '0',
        id: 'sched-1',
        'detail-type': 'Scheduled Event',
        source: 'aws.scheduler',
        detail: '{}',
      };

      // Act
      const request = parseTrigger(event);

      // Assess
      expect(request).toMatchObject({ kind: 'schedule', scope: 'managed', deliveryId: 'sched-1' });
    });

    it('reads a scheduled rule without an id as a schedule without deliveryId', () => {
      // Act
      const request = parseTrigger({ 'detail-type': 'Scheduled Event', source: 'aws.events' });

      // Assess
      expect(project(request)).toStrictEqual({
        kind: 'schedule',
        scope: 'managed',
        deliveryId: undefined,
        actor: undefined,
        source: 'aws.events',
        dryRun: undefined,
        failedStops: undefined,
      });
    });

    it.each([
      {
        case: 'a Scheduled Event of another source',
        type: 'Scheduled Event',
        source: 'custom.app',
      },
      { case: 'another event of EventBridge', type: 'Object Created', source: 'aws.events' },
      { case: 'another event of the Scheduler', type: 'Schedule Deleted', source: 'aws.scheduler' },
    ])('reads $case as an incident, not a schedule', ({ type, source }) => {
      // Act
      const request = parseTrigger({ id: 'e-1', 'detail-type': type, source, detail: {} });

      // Assess
      expect(project(request)).toStrictEqual({
        kind: 'incident',
        scope: 'managed',
        deliveryId: 'e-1',
        actor: undefined,
        source,
        dryRun: undefined,
        failedStops: undefined,
      });
    });
  });

  describe('request objects', () => {
    it.each<{ case: string; event: Json; expected: ExpectedPart }>([
      {
        case: '{}',
        event: {},
        expected: { kind: 'manual', scope: 'managed', deliveryId: undefined },
      },
      {
        case: 'eventDataStore',
        event: { eventDataStore: ARN },
        expected: { kind: 'manual', scope: [ARN], deliveryId: undefined },
      },
      {
        case: 'an ID suffix with spaces around it',
        event: { eventDataStore: `  ${ID} ` },
        expected: { kind: 'manual', scope: [ID] },
      },
      {
        case: 'eventDataStores, with a duplicate',
        event: { eventDataStores: [ARN, ID, ARN] },
        expected: { kind: 'manual', scope: [ARN, ID] },
      },
      {
        case: 'dryRun',
        event: { dryRun: true },
        expected: { kind: 'manual', scope: 'managed', dryRun: true },
      },
      {
        case: 'dryRun false',
        event: { dryRun: false },
        expected: { kind: 'manual', scope: 'managed', dryRun: undefined },
      },
      {
        case: 'reason',
        event: { reason: 'after maintenance', eventDataStore: ID },
        expected: { kind: 'manual', scope: [ID], deliveryId: undefined },
      },
      {
        case: 'executionId',
        event: { executionId: 'exec-42' },
        expected: {
          kind: 'schedule',
          scope: 'managed',
          deliveryId: 'exec-42',
          source: 'aws.scheduler',
        },
      },
      {
        case: 'executionId with stores and dryRun',
        event: { executionId: 'exec-43', eventDataStores: [ID], dryRun: true },
        expected: { kind: 'schedule', scope: [ID], deliveryId: 'exec-43', dryRun: true },
      },
    ])('reads a request object with $case', ({ event, expected }) => {
      // Act
      const request = parseTrigger(event);

      // Assess
      expect(project(request)).toMatchObject(expected);
      expect(request.actor).toBeUndefined();
    });

    it('keeps the reason as a note', () => {
      // Act
      const request = parseTrigger({ reason: 'resume after maintenance window' });

      // Assess
      expect(request.note).toBe('resume after maintenance window');
    });

    it.each<{ case: string; event: Json; field: string }>([
      { case: 'an unknown key', event: { eventDataStore: ID, force: true }, field: 'event.force' },
      { case: 'a misspelt key', event: { eventDatastore: ID }, field: 'event.eventDatastore' },
      {
        case: 'an ID of 2 characters',
        event: { eventDataStore: 'ab' },
        field: 'event.eventDataStore',
      },
      {
        case: 'an ID of 257 characters',
        event: { eventDataStore: 'a'.repeat(257) },
        field: 'event.eventDataStore',
      },
      {
        case: 'forbidden characters',
        event: { eventDataStore: 'my store;rm' },
        field: 'event.eventDataStore',
      },
      { case: 'a number as ID', event: { eventDataStore: 42 }, field: 'event.eventDataStore' },
      {
        case: 'a path inside an ARN',
        event: { eventDataStore: ARN.replace(`/${ID}`, `/x/../${ID}`) },
        field: 'event.eventDataStore',
      },
      {
        case: 'an ARN of another resource type',
        event: { eventDataStore: 'arn:aws:cloudtrail:us-east-1:123456789012:channel/c1' },
        field: 'event.eventDataStore',
      },
      {
        case: 'a path as ID',
        event: { eventDataStore: `x/../${ID}` },
        field: 'event.eventDataStore',
      },
      {
        case: 'a malformed ARN in a stop event',
        event: apiCall({ requestParameters: { eventDataStore: `${ARN}/../x` } }),
        field: 'event.detail.requestParameters.eventDataStore',
      },
      { case: 'null as ID', event: { eventDataStore: null }, field: 'event.eventDataStore' },
      {
        case: 'a bad second entry in the list',
        event: { eventDataStores: [ID, 'x y'] },
        field: 'event.eventDataStores[1]',
      },
      {
        case: 'a non-string list entry',
        event: { eventDataStores: [ID, { id: ID }] },
        field: 'event.eventDataStores[1]',
      },
      { case: 'an empty list', event: { eventDataStores: [] }, field: 'event.eventDataStores' },
      {
        case: 'a list that is a string',
        event: { eventDataStores: ID },
        field: 'event.eventDataStores',
      },
      {
        case: 'more than 100 stores',
        event: { eventDataStores: Array.from({ length: 101 }, (_, i) => `store-${i}`) },
        field: 'event.eventDataStores',
      },
      {
        case: 'both eventDataStore and eventDataStores',
        event: { eventDataStore: ID, eventDataStores: [ID] },
        field: 'event.eventDataStores',
      },
      { case: 'dryRun as a string', event: { dryRun: 'true' }, field: 'event.dryRun' },
      { case: 'a non-string reason', event: { reason: 7 }, field: 'event.reason' },
      { case: 'an empty executionId', event: { executionId: ' ' }, field: 'event.executionId' },
      {
        case: 'an executionId of 257 characters',
        event: { executionId: 'e'.repeat(257) },
        field: 'event.executionId',
      },
      { case: 'a non-string executionId', event: { executionId: 1 }, field: 'event.executionId' },
    ])('rejects a request object with $case, naming $field', ({ event, field }) => {
      // Act
      const error = caught(() => parseTrigger(event));

      // Assess
      expect(error).toBeInstanceOf(InvalidTriggerError);
      expect((error as InvalidTriggerError).field).toBe(field);
      expect((error as InvalidTriggerError).message).toContain(field);
    });

    it('accepts exactly 100 stores and an executionId of exactly 256 characters', () => {
      // Prepare
      const stores = Array.from({ length: 100 }, (_, i) => `store-${i}`);
      const executionId = 'e'.repeat(256);

      // Act
      const request = parseTrigger({ eventDataStores: stores, executionId });

      // Assess
      expect(request.scope).toEqual(stores);
      expect(request.deliveryId).toBe(executionId);
    });

    it('keeps the first 500 characters of a longer reason', () => {
      // Prepare
      const reason = `${'r'.repeat(500)}and more`;

      // Act
      const request = parseTrigger({ reason });

      // Assess
      expect(request.note).toBe('r'.repeat(500));
    });

    it.each<{ case: string; event: unknown; message: string }>([
      {
        case: 'not an object',
        event: 'x',
        message: 'invalid trigger at event: must be a JSON object',
      },
      {
        case: 'an unknown key',
        event: { force: true },
        message:
          'invalid trigger at event.force: unknown field; a request object may hold only eventDataStore, eventDataStores, dryRun, reason, executionId',
      },
      {
        case: 'both eventDataStore and eventDataStores',
        event: { eventDataStore: 'abc', eventDataStores: ['abc'] },
        message: 'give eventDataStore or eventDataStores, not both',
      },
      {
        case: 'an identifier that is no string',
        event: { eventDataStore: 42 },
        message: 'invalid trigger at event.eventDataStore: must be a string',
      },
      {
        case: 'a bad identifier',
        event: { eventDataStore: ' a b ' },
        message:
          'invalid trigger at event.eventDataStore: "a b" is not an event data store ARN or ID (3-256 characters of [a-zA-Z0-9._/-:]: arn:<partition>:cloudtrail:<region>:<account>:eventdatastore/<id>, or the ID alone)',
      },
      {
        case: 'an empty list',
        event: { eventDataStores: [] },
        message: 'must be a list of 1 to 100 identifiers',
      },
      {
        case: 'dryRun as a string',
        event: { dryRun: 'yes' },
        message: 'invalid trigger at event.dryRun: must be true or false',
      },
      {
        case: 'an optional field that is no string',
        event: { reason: 7 },
        message: 'invalid trigger at event.reason: must be a string',
      },
      {
        case: 'an empty executionId',
        event: { executionId: '' },
        message: 'invalid trigger at event.executionId: must be 1 to 256 characters',
      },
      {
        case: 'an alarm action without state',
        event: { source: 'aws.cloudwatch', alarmData: {} },
        message: 'invalid trigger at event.alarmData.state.value: is missing',
      },
      {
        case: 'empty Records',
        event: { Records: [] },
        message: 'invalid trigger at event.Records: must be a non-empty list of SNS records',
      },
      {
        case: 'a record that is not SNS',
        event: { Records: [{ body: '{}' }] },
        message:
          'invalid trigger at event.Records[0].Sns: is missing: only SNS records are supported',
      },
    ])('explains what is wrong with $case', ({ event, message }) => {
      // Act
      const error = caught(() => parseTrigger(event));

      // Assess
      expect(error).toBeInstanceOf(InvalidTriggerError);
      expect((error as InvalidTriggerError).message).toContain(message);
    });

    it('quotes at most 300 characters of a bad identifier', () => {
      // Prepare
      const value = 'a b'.repeat(200);

      // Act
      const error = caught(() => parseTrigger({ eventDataStore: value }));

      // Assess
      expect((error as InvalidTriggerError).message).toContain(`"${value.slice(0, 300)}" is not`);
    });

    it('accepts identifiers of exactly 3 and 256 characters', () => {
      // Prepare
      const shortest = 'abc';
      const longest = 'a'.repeat(256);

      // Act
      const request = parseTrigger({ eventDataStores: [shortest, longest] });

      // Assess
      expect(request.scope).toEqual([shortest, longest]);
    });
  });

  describe('EventBridge', () => {
    it('reads a stop that names only the ID suffix', () => {
      // Act
      const request = parseTrigger(apiCall({ requestParameters: { eventDataStore: ID } }));

      // Assess
      expect(request).toMatchObject({ kind: 'incident', scope: [ID], deliveryId: 'ct-event-1' });
    });

    it('reads a failed stop (errorCode) as nothing to do, with reason stop-call-failed', () => {
      // Act
      const request = parseTrigger(apiCall({ errorCode: 'AccessDenied', errorMessage: 'denied' }));

      // Assess
      expect(request.scope).toEqual([]);
      expect(request.failedStops).toEqual([ARN]);
      expect(request.deliveryId).toBe('ct-event-1');
    });

    it('reads a failed stop that names no store as nothing to do', () => {
      // Act
      const request = parseTrigger(
        apiCall({ errorCode: 'ValidationException', requestParameters: null }),
      );

      // Assess
      expect(request.scope).toEqual([]);
    });

    it('reads a stop without requestParameters as a stop of every managed store', () => {
      // Act
      const request = parseTrigger(apiCall({ requestParameters: null }));

      // Assess
      expect(request.scope).toBe('managed');
    });

    it.each([
      { case: 'too short', value: 'ab' },
      { case: '257 characters', value: 'a'.repeat(257) },
      { case: 'bad characters', value: 'store<script>' },
      { case: 'not a string', value: ['abc'] },
    ])('rejects a stop naming an identifier that is $case', ({ value }) => {
      // Act
      const error = caught(() =>
        parseTrigger(apiCall({ requestParameters: { eventDataStore: value } })),
      );

      // Assess
      expect(error).toBeInstanceOf(InvalidTriggerError);
      expect((error as InvalidTriggerError).field).toBe(
        'event.detail.requestParameters.eventDataStore',
      );
    });

    it('reads a stop whose errorCode is null as a stop that succeeded', () => {
      // Act
      const request = parseTrigger(apiCall({ errorCode: null }));

      // Assess
      expect(project(request)).toMatchObject({ scope: [ARN], failedStops: undefined });
    });

    it('reads a stop whose record names the store as null as a stop of every managed store', () => {
      // Act
      const request = parseTrigger(apiCall({ requestParameters: { eventDataStore: null } }));

      // Assess
      expect(request.scope).toBe('managed');
    });

    it('reads another API call naming an eventDataStore as an incident on every managed store', () => {
      // Act
      const request = parseTrigger(apiCall({ eventName: 'PutInsightSelectors' }));

      // Assess
      expect(project(request)).toStrictEqual({
        kind: 'incident',
        scope: 'managed',
        deliveryId: 'ct-event-1',
        actor: MALLORY,
        source: 'aws.cloudtrail',
        dryRun: undefined,
        failedStops: undefined,
      });
    });

    it('reads an event that is no API call as an incident, even with a CloudTrail-like detail', () => {
      // Act
      const request = parseTrigger(
        apiCall({}, { 'detail-type': 'AWS Service Event via CloudTrail' }),
      );

      // Assess
      expect(project(request)).toStrictEqual({
        kind: 'incident',
        scope: 'managed',
        deliveryId: 'eb-event-1',
        actor: undefined,
        source: 'aws.cloudtrail',
        dryRun: undefined,
        failedStops: undefined,
      });
    });

    it('rejects a CloudTrail record whose eventID is not a string', () => {
      // Act
      const error = caught(() => parseTrigger(apiCall({ eventID: 7 })));

      // Assess
      expect(error).toBeInstanceOf(InvalidTriggerError);
      expect((error as InvalidTriggerError).field).toBe('event.detail.eventID');
    });

    it('reads another CloudTrail API call (StopLogging) as an incident on every managed store', () => {
      // Act
      const request = parseTrigger(
        apiCall({ eventName: 'StopLogging', requestParameters: { name: 'org-trail' } }),
      );

      // Assess
      expect(request).toMatchObject({
        kind: 'incident',
        scope: 'managed',
        deliveryId: 'ct-event-1',
        actor: MALLORY,
      });
    });

    it('reads an event of another source as an incident keyed on the event id', () => {
      // Prepare
      const event = {
        version: '0',
        id: 'gd-finding-9',
        'detail-type': 'GuardDuty Finding',
        source: 'aws.guardduty',
        detail: { type: 'Stealth:IAMUser/CloudTrailLoggingDisabled' },
      };

      // Act
      const request = parseTrigger(event);

      // Assess
      expect(project(request)).toStrictEqual({
        kind: 'incident',
        scope: 'managed',
        deliveryId: 'gd-finding-9',
        actor: undefined,
        source: 'aws.guardduty',
        dryRun: undefined,
        failedStops: undefined,
      });
    });

    it('falls back to the event id when a CloudTrail record has no eventID', () => {
      // Act
      const request = parseTrigger(apiCall({ eventID: undefined }));

      // Assess
      expect(request.deliveryId).toBe('eb-event-1');
    });

    it('reads an IAM user as an actor without a role', () => {
      // Act
      const request = parseTrigger(
        apiCall({ userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/bob' } }),
      );

      // Assess
      expect(request.actor).toStrictEqual({
        arn: 'arn:aws:iam::123456789012:user/bob',
        type: 'IAMUser',
      });
    });

    it('reads a record without a usable userIdentity as having no actor', () => {
      // Act
      const request = parseTrigger(apiCall({ userIdentity: { type: 'AWSService' } }));

      // Assess
      expect(request.actor).toBeUndefined();
    });

    it('is lenient about a missing version', () => {
      // Prepare
      const { version: _version, ...event } = readEvent('eventbridge-stop.json');

      // Act
      const request = parseTrigger(event);

      // Assess
      expect(project(request)).toStrictEqual(SAMPLES['eventbridge-stop.json']);
    });

    it('rejects an event id that is not a string', () => {
      // Act
      const error = caught(() => parseTrigger(apiCall({}, { id: 12 })));

      // Assess
      expect(error).toBeInstanceOf(InvalidTriggerError);
      expect((error as InvalidTriggerError).field).toBe('event.id');
    });
  });

  describe('CloudTrail calls the guard listens to', () => {
    /** Every store event and the request parameter that names its store, as AWS records it. */
    const STORE_EVENTS = [
      { eventName: 'StopEventDataStoreIngestion', field: 'eventDataStore' },
      { eventName: 'DeleteEventDataStore', field: 'eventDataStore' },
      { eventName: 'UpdateEventDataStore', field: 'eventDataStore' },
      { eventName: 'RestoreEventDataStore', field: 'eventDataStore' },
      { eventName: 'EnableFederation', field: 'eventDataStore' },
      { eventName: 'DisableFederation', field: 'eventDataStore' },
      { eventName: 'AddTags', field: 'resourceId' },
      { eventName: 'RemoveTags', field: 'resourceId' },
    ];
    const TRAIL_EVENTS = [
      { eventName: 'StopLogging', params: { name: TRAIL_ARN } },
      { eventName: 'DeleteTrail', params: { name: TRAIL_ARN } },
      { eventName: 'UpdateTrail', params: { name: TRAIL_ARN, isMultiRegionTrail: false } },
      { eventName: 'PutEventSelectors', params: { trailName: TRAIL_ARN, eventSelectors: [] } },
    ];
    const PATHS = [
      { path: 'EventBridge', deliver: (event: Json) => event, evidence: 'trusted' },
      { path: 'SNS', deliver: (event: Json) => sns(snsRecord(event, 'm1')), evidence: 'alert' },
    ];
    const storeCases = STORE_EVENTS.flatMap((event) =>
      PATHS.map((path) => ({ ...event, ...path })),
    );
    const trailCases = TRAIL_EVENTS.flatMap((event) =>
      PATHS.map((path) => ({ ...event, ...path })),
    );

    it('lists exactly the store and trail events of the tables below', () => {
      // Assess
      expect([...STORE_EVENT_NAMES].sort()).toEqual(STORE_EVENTS.map((e) => e.eventName).sort());
      expect([...TRAIL_EVENT_NAMES].sort()).toEqual(TRAIL_EVENTS.map((e) => e.eventName).sort());
    });

    it.each(storeCases)(
      'reads $eventName by $path as a call on the store it names, $evidence',
      ({ eventName, field, deliver, evidence }) => {
        // Prepare
        const event = deliver(apiCall({ eventName, requestParameters: { [field]: ARN } }));

        // Act
        const request = parseTrigger(event);

        // Assess
        expect(request).toMatchObject({
          kind: 'incident',
          scope: [ARN],
          deliveryId: 'ct-event-1',
          actor: MALLORY,
          eventName,
          evidence,
        });
        expect(request.failedStops).toBeUndefined();
      },
    );

    it.each(storeCases)(
      'reads a failed $eventName by $path as nothing to do',
      ({ eventName, field, deliver, evidence }) => {
        // Prepare
        const event = deliver(
          apiCall({ eventName, errorCode: 'AccessDenied', requestParameters: { [field]: ARN } }),
        );

        // Act
        const request = parseTrigger(event);

        // Assess
        expect(request).toMatchObject({ scope: [], eventName, evidence });
        expect(request.tagChange).toBeUndefined();
      },
    );

    it.each(STORE_EVENTS)(
      'reports only a failed stop, not a failed $eventName, as a failed stop',
      ({ eventName, field }) => {
        // Act
        const request = parseTrigger(
          apiCall({ eventName, errorCode: 'AccessDenied', requestParameters: { [field]: ID } }),
        );

        // Assess
        expect(request.failedStops).toEqual(
          eventName === 'StopEventDataStoreIngestion' ? [ID] : undefined,
        );
      },
    );

    it.each(
      STORE_EVENTS.flatMap((event) => [
        { ...event, case: 'no requestParameters', params: null },
        { ...event, case: 'no store in requestParameters', params: {} },
        { ...event, case: 'the store as null', params: { [event.field]: null } },
      ]),
    )('reads $eventName with $case as a call on every managed store', ({ eventName, params }) => {
      // Act
      const request = parseTrigger(apiCall({ eventName, requestParameters: params }));

      // Assess
      expect(request.scope).toBe('managed');
    });

    it.each(STORE_EVENTS)(
      'reads a failed $eventName that names no store as nothing to do',
      ({ eventName }) => {
        // Act
        const request = parseTrigger(
          apiCall({ eventName, errorCode: 'ValidationException', requestParameters: null }),
        );

        // Assess
        expect(request.scope).toEqual([]);
      },
    );

    it.each(
      STORE_EVENTS.flatMap((event) => [
        { ...event, case: 'a path inside an ARN', value: `${ARN}/../x` },
        { ...event, case: 'a number', value: 7 },
        { ...event, case: 'forbidden characters', value: 'store<script>' },
      ]),
    )('rejects $eventName naming $case, naming the field $field', ({ eventName, field, value }) => {
      // Act
      const error = caught(() =>
        parseTrigger(apiCall({ eventName, requestParameters: { [field]: value } })),
      );

      // Assess
      expect(error).toBeInstanceOf(InvalidTriggerError);
      expect((error as InvalidTriggerError).field).toBe(`event.detail.requestParameters.${field}`);
    });

    it.each(STORE_EVENTS)('trims the store $eventName names', ({ eventName, field }) => {
      // Act
      const request = parseTrigger(
        apiCall({ eventName, requestParameters: { [field]: ` ${ID}` } }),
      );

      // Assess
      expect(request.scope).toEqual([ID]);
    });

    it.each(trailCases)(
      'reads $eventName by $path as a call that may blind every managed store, $evidence',
      ({ eventName, params, deliver, evidence }) => {
        // Act
        const request = parseTrigger(deliver(apiCall({ eventName, requestParameters: params })));

        // Assess
        expect(request).toMatchObject({
          kind: 'incident',
          scope: 'managed',
          deliveryId: 'ct-event-1',
          actor: MALLORY,
          eventName,
          evidence,
        });
      },
    );

    it.each(trailCases)(
      'reads a failed $eventName by $path as nothing to do',
      ({ eventName, params, deliver }) => {
        // Act
        const request = parseTrigger(
          deliver(apiCall({ eventName, errorCode: 'AccessDenied', requestParameters: params })),
        );

        // Assess
        expect(request.scope).toEqual([]);
      },
    );

    it.each([
      { case: 'a failed call of another name', detail: { errorCode: 'AccessDenied' } },
      { case: 'a call of another name', detail: {} },
    ])('reads $case as a call on every managed store', ({ detail }) => {
      // Act
      const request = parseTrigger(apiCall({ eventName: 'CreateEventDataStore', ...detail }));

      // Assess
      expect(request.scope).toBe('managed');
      expect(request.eventName).toBe('CreateEventDataStore');
    });
  });

  describe('tag changes', () => {
    it.each([
      { eventName: 'AddTags', change: 'add', tagsList: [{ key: 'a', value: '1' }, { key: 'b' }] },
      { eventName: 'RemoveTags', change: 'remove', tagsList: [{ key: 'a' }, { key: 'b' }] },
    ])('reads the keys $eventName named', ({ eventName, change, tagsList }) => {
      // Act
      const request = parseTrigger(
        apiCall({ eventName, requestParameters: { resourceId: ARN, tagsList } }),
      );

      // Assess
      expect(request.tagChange).toStrictEqual({ change, keys: ['a', 'b'] });
    });

    it('keeps each key once, and only keys of 1 to 128 characters', () => {
      // Prepare
      const tagsList = [
        { key: 'a' },
        { key: 'a', value: 'again' },
        { key: '' },
        { key: 'k'.repeat(129) },
        { key: 7 },
        'not a tag',
        null,
        { key: 'k'.repeat(128) },
      ];

      // Act
      const request = parseTrigger(
        apiCall({ eventName: 'AddTags', requestParameters: { resourceId: ARN, tagsList } }),
      );

      // Assess
      expect(request.tagChange).toStrictEqual({ change: 'add', keys: ['a', 'k'.repeat(128)] });
    });

    it.each([
      { case: 'no tagsList', params: { resourceId: ARN } },
      { case: 'a tagsList that is no list', params: { resourceId: ARN, tagsList: { key: 'a' } } },
    ])('reads AddTags with $case as a change of no known key', ({ params }) => {
      // Act
      const request = parseTrigger(apiCall({ eventName: 'AddTags', requestParameters: params }));

      // Assess
      expect(request.scope).toEqual([ARN]);
      expect(request.tagChange).toStrictEqual({ change: 'add', keys: [] });
    });

    it('reads a tag change that names no resource as a change on every managed store', () => {
      // Act
      const request = parseTrigger(
        apiCall({ eventName: 'RemoveTags', requestParameters: { tagsList: [{ key: 'a' }] } }),
      );

      // Assess
      expect(request.scope).toBe('managed');
      expect(request.tagChange).toStrictEqual({ change: 'remove', keys: ['a'] });
    });

    it.each([
      { case: 'a trail', resourceId: TRAIL_ARN },
      { case: 'a channel', resourceId: 'arn:aws:cloudtrail:us-east-1:012345678912:channel/ch-1' },
      {
        case: 'a dashboard',
        resourceId: 'arn:aws:cloudtrail:us-east-1:012345678912:dashboard/exec',
      },
      { case: 'a trail of another partition', resourceId: TRAIL_ARN.replace(':aws:', ':aws-cn:') },
    ])('reads tags put on $case as nothing to do', ({ resourceId }) => {
      // Act
      const request = parseTrigger(
        apiCall({ eventName: 'AddTags', requestParameters: { resourceId, tagsList: [] } }),
      );

      // Assess
      expect(request.scope).toEqual([]);
      expect(request.tagChange).toBeUndefined();
      expect(request.evidence).toBe('trusted');
    });

    it.each([
      { case: 'an ARN of another service', resourceId: 'arn:aws:s3:::bucket/trail/x' },
      { case: 'an ARN of an unknown type', resourceId: `${ARN.replace('eventdatastore', 'lake')}` },
    ])('rejects tags put on $case, naming resourceId', ({ resourceId }) => {
      // Act
      const error = caught(() =>
        parseTrigger(apiCall({ eventName: 'AddTags', requestParameters: { resourceId } })),
      );

      // Assess
      expect(error).toBeInstanceOf(InvalidTriggerError);
      expect((error as InvalidTriggerError).field).toBe(
        'event.detail.requestParameters.resourceId',
      );
    });
  });

  describe('CloudTrail context', () => {
    const context = {
      eventName: 'UpdateEventDataStore',
      eventID: 'ct-event-1',
      eventTime: '2026-11-25T02:44:02Z',
      sourceIPAddress: '203.0.113.77',
      userAgent: 'aws-cli/2.22.4',
    };

    it.each([
      { path: 'EventBridge', deliver: (event: Json) => event },
      { path: 'SNS', deliver: (event: Json) => sns(snsRecord(event, 'm1')) },
    ])('keeps who, what, when and where of a record delivered by $path', ({ deliver }) => {
      // Act
      const request = parseTrigger(deliver(apiCall(context)));

      // Assess
      expect(request.cloudTrail).toStrictEqual(context);
      expect(request.eventName).toBe('UpdateEventDataStore');
    });

    it('leaves out the fields a record does not carry as strings', () => {
      // Act
      const request = parseTrigger(
        apiCall({ eventName: 7, eventID: undefined, eventTime: null, sourceIPAddress: ['x'] }),
      );

      // Assess
      expect(request.cloudTrail).toStrictEqual({});
      expect(request.eventName).toBeUndefined();
      expect(request.scope).toBe('managed');
    });

    it('keeps at most 512 characters of each field', () => {
      // Prepare
      const long = 'u'.repeat(513);

      // Act
      const request = parseTrigger(apiCall({ userAgent: long, eventTime: 't'.repeat(512) }));

      // Assess
      expect(request.cloudTrail?.userAgent).toBe('u'.repeat(512));
      expect(request.cloudTrail?.eventTime).toBe('t'.repeat(512));
    });

    it.each([
      { case: 'a schedule', event: { 'detail-type': 'Scheduled Event', source: 'aws.events' } },
      { case: 'a request object', event: { eventDataStore: ID } },
      { case: 'another EventBridge event', event: { 'detail-type': 'X', source: 'aws.guardduty' } },
    ])('gives $case no CloudTrail context', ({ event }) => {
      // Act
      const request = parseTrigger(event);

      // Assess
      expect(request.cloudTrail).toBeUndefined();
      expect(request.eventName).toBeUndefined();
    });
  });

  describe('actors', () => {
    const IDENTITY_STORE = 'arn:aws:identitystore::012345678912:identitystore/d-9067a1b2c3';
    const USER_ID = '544894e8-80c1-707f-60e3-3ba6510dfac1';

    it('reads type, account and session issuer of an assumed role', () => {
      // Act
      const request = parseTrigger(apiCall());

      // Assess
      expect(request.actor).toStrictEqual(MALLORY);
    });

    it('names an Identity Center user by its identity store and user ID', () => {
      // Prepare
      const userIdentity = {
        type: 'IdentityCenterUser',
        accountId: '012345678912',
        onBehalfOf: { userId: USER_ID, identityStoreArn: IDENTITY_STORE },
        credentialId: 'EXAMPLEVRxGEc7Kbjcsm0Hlv4Y1Q5AjhoPdi7zvzV6oKVLPJ',
      };

      // Act
      const request = parseTrigger(apiCall({ userIdentity }));

      // Assess
      expect(request.actor).toStrictEqual({
        arn: `${IDENTITY_STORE}/user/${USER_ID}`,
        type: 'IdentityCenterUser',
        accountId: '012345678912',
      });
    });

    it.each([
      { case: 'no onBehalfOf', onBehalfOf: undefined },
      { case: 'no userId', onBehalfOf: { identityStoreArn: IDENTITY_STORE } },
      { case: 'no identity store', onBehalfOf: { userId: USER_ID } },
      {
        case: 'a user ID with a path',
        onBehalfOf: { userId: `x/../${USER_ID}`, identityStoreArn: IDENTITY_STORE },
      },
      {
        case: 'an identity store ARN of another service',
        onBehalfOf: { userId: USER_ID, identityStoreArn: 'arn:aws:iam::012345678912:role/x' },
      },
      {
        case: 'an identity store ARN with a user already in it',
        onBehalfOf: { userId: USER_ID, identityStoreArn: `${IDENTITY_STORE}/user/admin` },
      },
    ])('gives an Identity Center user with $case no actor', ({ onBehalfOf }) => {
      // Act
      const request = parseTrigger(
        apiCall({ userIdentity: { type: 'IdentityCenterUser', onBehalfOf } }),
      );

      // Assess
      expect(request.actor).toBeUndefined();
    });

    it('names an identity of another type with onBehalfOf but no arn no actor', () => {
      // Act
      const request = parseTrigger(
        apiCall({
          userIdentity: {
            type: 'AWSService',
            onBehalfOf: { userId: USER_ID, identityStoreArn: IDENTITY_STORE },
          },
        }),
      );

      // Assess
      expect(request.actor).toBeUndefined();
    });

    it('prefers the arn an identity carries', () => {
      // Prepare
      const userIdentity = {
        type: 'AssumedRole',
        arn: MALLORY.arn,
        onBehalfOf: { userId: USER_ID, identityStoreArn: IDENTITY_STORE },
      };

      // Act
      const request = parseTrigger(apiCall({ userIdentity }));

      // Assess
      expect(request.actor).toStrictEqual({ arn: MALLORY.arn, type: 'AssumedRole' });
    });

    it.each([
      { case: 'an empty arn', userIdentity: { type: 'IAMUser', arn: '' } },
      { case: 'an arn that is no string', userIdentity: { type: 'IAMUser', arn: 7 } },
      { case: 'a userIdentity that is no object', userIdentity: 'root' },
    ])('gives an identity with $case no actor', ({ userIdentity }) => {
      // Act
      const request = parseTrigger(apiCall({ userIdentity }));

      // Assess
      expect(request.actor).toBeUndefined();
    });

    it('leaves out the parts an identity does not carry as non-empty strings', () => {
      // Prepare
      const userIdentity = {
        arn: 'arn:aws:iam::012345678912:root',
        type: '',
        accountId: 12,
        sessionContext: { sessionIssuer: { arn: '' } },
      };

      // Act
      const request = parseTrigger(apiCall({ userIdentity }));

      // Assess
      expect(request.actor).toStrictEqual({ arn: 'arn:aws:iam::012345678912:root' });
    });
  });

  describe('evidence', () => {
    it.each<{ case: string; event: Json; evidence: string }>([
      { case: 'a direct request object', event: { eventDataStore: ID }, evidence: 'trusted' },
      { case: 'a direct {}', event: {}, evidence: 'trusted' },
      { case: 'Scheduler custom input', event: { executionId: 'x-1' }, evidence: 'alert' },
      {
        case: 'a scheduled rule',
        event: { 'detail-type': 'Scheduled Event', source: 'aws.events' },
        evidence: 'alert',
      },
      {
        case: 'an alarm action',
        event: { source: 'aws.cloudwatch', alarmData: { state: { value: 'ALARM' } } },
        evidence: 'alert',
      },
      {
        case: 'another source',
        event: { 'detail-type': 'GuardDuty Finding', source: 'aws.guardduty', detail: {} },
        evidence: 'alert',
      },
      { case: 'a CloudTrail API call on EventBridge', event: apiCall(), evidence: 'trusted' },
      {
        case: 'an API call of a source that is not aws.cloudtrail',
        event: apiCall({}, { source: 'custom.cloudtrail' }),
        evidence: 'alert',
      },
      {
        case: 'a CloudTrail event that is no API call',
        event: apiCall({}, { 'detail-type': 'AWS Service Event via CloudTrail' }),
        evidence: 'alert',
      },
      {
        case: 'a CloudTrail API call without a detail object',
        event: apiCall({}, { detail: 'StopEventDataStoreIngestion' }),
        evidence: 'alert',
      },
      { case: 'a CloudTrail API call in SNS', event: sns(snsRecord(apiCall())), evidence: 'alert' },
      {
        case: 'a request object in SNS',
        event: sns(snsRecord({ eventDataStore: ID })),
        evidence: 'alert',
      },
      { case: 'plain text in SNS', event: sns(snsRecord(`stopped ${ARN}`)), evidence: 'alert' },
      {
        case: 'an alarm notification in SNS',
        event: sns(snsRecord(alarmNotification('ALARM'))),
        evidence: 'alert',
      },
      {
        case: 'several CloudTrail API calls in one SNS delivery',
        event: sns(snsRecord(apiCall({ eventID: 'e1' })), snsRecord(apiCall({ eventID: 'e2' }))),
        evidence: 'alert',
      },
    ])('trusts $case as $evidence', ({ event, evidence }) => {
      // Act
      const request = parseTrigger(event);

      // Assess
      expect(request.evidence).toBe(evidence);
    });
  });

  describe('accepting a baseline', () => {
    it('reads a direct acceptBaseline as a trusted request to accept the named stores', () => {
      // Act
      const request = parseTrigger({ acceptBaseline: [ARN, ID, ARN], reason: 'reviewed' });

      // Assess
      expect(request).toStrictEqual({
        kind: 'manual',
        source: 'direct',
        scope: [ARN, ID],
        acceptBaseline: true,
        evidence: 'trusted',
        note: 'reviewed',
      });
    });

    it('accepts 100 stores', () => {
      // Prepare
      const stores = Array.from({ length: 100 }, (_, i) => `store-${i}`);

      // Act
      const request = parseTrigger({ acceptBaseline: stores });

      // Assess
      expect(request.scope).toEqual(stores);
      expect(request.note).toBeUndefined();
    });

    it.each<{ case: string; event: Json; field: string }>([
      { case: 'an empty list', event: { acceptBaseline: [] }, field: 'event.acceptBaseline' },
      { case: 'a single string', event: { acceptBaseline: ARN }, field: 'event.acceptBaseline' },
      { case: 'true', event: { acceptBaseline: true }, field: 'event.acceptBaseline' },
      {
        case: '101 stores',
        event: { acceptBaseline: Array.from({ length: 101 }, (_, i) => `store-${i}`) },
        field: 'event.acceptBaseline',
      },
      {
        case: 'a bad identifier',
        event: { acceptBaseline: [ID, 'a b'] },
        field: 'event.acceptBaseline[1]',
      },
      {
        case: 'dryRun',
        event: { acceptBaseline: [ID], dryRun: true },
        field: 'event.dryRun',
      },
      {
        case: 'eventDataStore',
        event: { acceptBaseline: [ID], eventDataStore: ID },
        field: 'event.eventDataStore',
      },
      {
        case: 'executionId',
        event: { acceptBaseline: [ID], executionId: 'x-1' },
        field: 'event.executionId',
      },
      {
        case: 'a reason that is no string',
        event: { acceptBaseline: [ID], reason: 1 },
        field: 'event.reason',
      },
    ])('rejects acceptBaseline with $case, naming $field', ({ event, field }) => {
      // Act
      const error = caught(() => parseTrigger(event));

      // Assess
      expect(error).toBeInstanceOf(InvalidTriggerError);
      expect((error as InvalidTriggerError).field).toBe(field);
    });

    it('says what a baseline request may hold', () => {
      // Act
      const error = caught(() => parseTrigger({ acceptBaseline: [ID], dryRun: true }));

      // Assess
      expect((error as InvalidTriggerError).message).toContain(
        'a baseline request may hold only acceptBaseline, reason',
      );
    });

    it.each([
      { case: 'the direct request', message: { acceptBaseline: [ARN] } },
      { case: 'a reason', message: { acceptBaseline: [ARN], reason: 'approved' } },
      { case: 'other keys', message: { acceptBaseline: [ARN], alert: 'x' } },
      { case: 'no stores', message: { acceptBaseline: [] } },
    ])('rejects acceptBaseline with $case inside SNS', ({ message }) => {
      // Act
      const error = caught(() =>
        parseTrigger(sns(snsRecord('stopped', 'm0'), snsRecord(message, 'm1'))),
      );

      // Assess
      expect(error).toBeInstanceOf(InvalidTriggerError);
      expect((error as InvalidTriggerError).field).toBe(
        'event.Records[1].Sns.Message.acceptBaseline',
      );
      expect((error as InvalidTriggerError).message).toContain(
        'a baseline is accepted only by a direct invoke or an authorized UpdateEventDataStore delivered by EventBridge',
      );
    });

    it.each([
      { case: 'a request object', event: { eventDataStore: ID } },
      { case: 'an update on EventBridge', event: apiCall({ eventName: 'UpdateEventDataStore' }) },
      {
        case: 'a message naming acceptBaseline in plain text',
        event: sns(snsRecord('please acceptBaseline for the store', 'm1')),
      },
    ])('never asks $case to accept a baseline', ({ event }) => {
      // Act
      const request = parseTrigger(event);

      // Assess
      expect(request.acceptBaseline).toBeUndefined();
    });
  });

  describe('SNS', () => {
    it('reads an EventBridge stop inside SNS with the CloudTrail eventID as deliveryId', () => {
      // Act
      const request = parseTrigger(sns(snsRecord(apiCall(), 'sns-msg-1')));

      // Assess
      expect(request).toMatchObject({
        kind: 'incident',
        scope: [ARN],
        deliveryId: 'ct-event-1',
        actor: MALLORY,
      });
      expect(request.deliveryId).toBe(parseTrigger(apiCall()).deliveryId);
    });

    it('reads another EventBridge event inside SNS with the SNS MessageId as deliveryId', () => {
      // Prepare
      const inner = { id: 'gd-1', 'detail-type': 'GuardDuty Finding', source: 'aws.guardduty' };

      // Act
      const request = parseTrigger(sns(snsRecord(inner, 'sns-msg-2')));

      // Assess
      expect(request).toMatchObject({
        kind: 'incident',
        scope: 'managed',
        deliveryId: 'sns-msg-2',
      });
    });

    it('reads a scheduled event inside SNS as an incident', () => {
      // Prepare
      const inner = { id: 'x', 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };

      // Act
      const request = parseTrigger(sns(snsRecord(inner, 'sns-msg-3')));

      // Assess
      expect(request).toMatchObject({
        kind: 'incident',
        scope: 'managed',
        deliveryId: 'sns-msg-3',
      });
    });

    it('reads a failed stop inside SNS as nothing to do', () => {
      // Act
      const request = parseTrigger(sns(snsRecord(apiCall({ errorCode: 'AccessDenied' }), 'm')));

      // Assess
      expect(request.scope).toEqual([]);
      expect(request.failedStops).toEqual([ARN]);
    });

    it.each([
      { state: 'ALARM', scope: 'managed' },
      { state: 'OK', scope: [] },
      { state: 'INSUFFICIENT_DATA', scope: [] },
    ])('reads a CloudWatch alarm notification in state $state', ({ state, scope }) => {
      // Act
      const request = parseTrigger(sns(snsRecord(alarmNotification(state), 'alarm-msg')));

      // Assess
      expect(request).toMatchObject({ kind: 'incident', deliveryId: 'alarm-msg' });
      expect(request.scope).toEqual(scope);
    });

    it.each<{ case: string; message: Json; scope: ResumeRequest['scope'] }>([
      { case: '{}', message: {}, scope: 'managed' },
      { case: 'eventDataStore', message: { eventDataStore: ID }, scope: [ID] },
      { case: 'eventDataStores', message: { eventDataStores: [ARN, ARN_B] }, scope: [ARN, ARN_B] },
    ])('reads a request object ($case) inside SNS as an incident', ({ message, scope }) => {
      // Act
      const request = parseTrigger(sns(snsRecord(message, 'req-msg')));

      // Assess
      expect(request.kind).toBe('incident');
      expect(request.scope).toEqual(scope);
      expect(request.deliveryId).toBe('req-msg');
    });

    it.each([
      { case: 'a request object', message: { eventDataStore: ID } },
      { case: 'a request object with an executionId', message: { executionId: 'exec-1' } },
    ])('reads $case inside SNS as an incident from aws.sns', ({ message }) => {
      // Act
      const request = parseTrigger(sns(snsRecord(message, 'req-msg')));

      // Assess
      expect(request).toMatchObject({ kind: 'incident', source: 'aws.sns' });
    });

    it('rejects a request object inside SNS with a bad identifier, naming the field', () => {
      // Act
      const error = caught(() => parseTrigger(sns(snsRecord({ eventDataStore: 'a b' }, 'm'))));

      // Assess
      expect(error).toBeInstanceOf(InvalidTriggerError);
      expect((error as InvalidTriggerError).field).toBe(
        'event.Records[0].Sns.Message.eventDataStore',
      );
    });

    it.each([
      {
        case: 'one ARN',
        text: `Ingestion stopped on ${ARN} by an unexpected principal`,
        scope: [ARN],
      },
      {
        case: 'two ARNs, one repeated, the last ending a sentence',
        text: `Stopped: ${ARN} and ${ARN_B}; see ${ARN}.`,
        scope: [ARN, ARN_B],
      },
      {
        case: 'no ARN',
        text: 'CloudTrail Lake ingestion stopped. Please investigate.',
        scope: 'managed',
      },
      { case: 'an empty message', text: '', scope: 'managed' },
      { case: 'a JSON array', text: JSON.stringify([ARN]), scope: [ARN] },
      {
        case: 'a JSON object that is no request object',
        text: JSON.stringify({ alert: 'stopped', store: ARN }),
        scope: [ARN],
      },
      {
        case: 'a JSON object with a request field among others',
        text: JSON.stringify({ eventDataStore: ARN_B, alert: 'stopped' }),
        scope: [ARN_B],
      },
      {
        case: 'a JSON object with only AlarmName',
        text: JSON.stringify({ AlarmName: 'lake-stopped' }),
        scope: 'managed',
      },
      {
        case: 'a JSON object with only NewStateValue',
        text: JSON.stringify({ NewStateValue: 'OK' }),
        scope: 'managed',
      },
    ])('reads plain text with $case', ({ text, scope }) => {
      // Act
      const request = parseTrigger(sns(snsRecord(text, 'text-msg')));

      // Assess
      expect(request).toMatchObject({
        kind: 'incident',
        source: 'aws.sns',
        deliveryId: 'text-msg',
      });
      expect(request.scope).toEqual(scope);
    });

    it('never takes an over-long ARN-like string from plain text into the scope', () => {
      // Prepare
      const tooLong = `arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/${'a'.repeat(250)}`;

      // Act
      const request = parseTrigger(sns(snsRecord(`stopped: ${tooLong}`, 'm')));

      // Assess
      expect(request.scope).toBe('managed');
    });

    it.each([
      {
        case: '"Subject": null',
        change: (record: Json) => ({ ...record, Sns: { ...(record.Sns as Json), Subject: null } }),
      },
      {
        case: 'SigningCertURL instead of SigningCertUrl',
        change: (record: Json) => {
          const { SigningCertUrl, ...rest } = record.Sns as Json;
          return { ...record, Sns: { ...rest, SigningCertURL: SigningCertUrl } };
        },
      },
      {
        case: 'no Subject and no signature fields at all',
        change: (record: Json) => {
          const { Subject: _s, SigningCertUrl: _c, Signature: _g, ...rest } = record.Sns as Json;
          return { ...record, Sns: rest };
        },
      },
    ])('is lenient about $case', ({ change }) => {
      // Prepare
      const sample = readEvent('sns-plain-text.json');
      const [record] = sample.Records as Json[];
      const event = { Records: [change(record as Json)] };

      // Act
      const request = parseTrigger(event);

      // Assess
      expect(project(request)).toStrictEqual(SAMPLES['sns-plain-text.json']);
    });

    it('is lenient about an EventBridge event without version inside SNS', () => {
      // Prepare
      const { version: _version, ...inner } = apiCall();

      // Act
      const request = parseTrigger(sns(snsRecord(inner, 'm')));

      // Assess
      expect(request).toMatchObject({ scope: [ARN], deliveryId: 'ct-event-1' });
    });

    it.each([
      { case: 'no Message', message: undefined },
      { case: 'a null Message', message: null },
    ])('reads a record with $case as plain text without ARNs', ({ message }) => {
      // Prepare
      const event = sns(snsRecord('', 'm1', { Message: message }));

      // Act
      const request = parseTrigger(event);

      // Assess
      expect(request).toMatchObject({ kind: 'incident', scope: 'managed', deliveryId: 'm1' });
    });

    it('uses no deliveryId when the record has no MessageId and its content none', () => {
      // Act
      const request = parseTrigger(sns(snsRecord('stopped!')));

      // Assess
      expect(request.deliveryId).toBeUndefined();
    });

    it('rejects a MessageId that is not a string', () => {
      // Act
      const error = caught(() => parseTrigger(sns(snsRecord('x', undefined, { MessageId: 5 }))));

      // Assess
      expect(error).toBeInstanceOf(InvalidTriggerError);
      expect((error as InvalidTriggerError).field).toBe('event.Records[0].Sns.MessageId');
    });

    it('rejects a Message that is not a string', () => {
      // Act
      const error = caught(() => parseTrigger(sns(snsRecord('x', 'm', { Message: { a: 1 } }))));

      // Assess
      expect(error).toBeInstanceOf(InvalidTriggerError);
      expect((error as InvalidTriggerError).field).toBe('event.Records[0].Sns.Message');
    });
  });

  describe('SNS deliveries with several records', () => {
    it('takes the union of the scopes, each store once', () => {
      // Act
      const request = parseTrigger(
        sns(
          snsRecord(apiCall(), 'm1'),
          snsRecord(`store ${ARN_B} stopped`, 'm2'),
          snsRecord({ eventDataStores: [ARN, ARN_B] }, 'm3'),
        ),
      );

      // Assess
      expect(request.kind).toBe('incident');
      expect(request.scope).toEqual([ARN, ARN_B]);
    });

    it('answers for the whole delivery from aws.sns, with only the fields that apply', () => {
      // Act
      const request = parseTrigger(
        sns(snsRecord(`store ${ARN} stopped`, 'm1'), snsRecord(`store ${ARN_B} stopped`, 'm2')),
      );

      // Assess
      expect(request).toStrictEqual({
        kind: 'incident',
        source: 'aws.sns',
        scope: [ARN, ARN_B],
        evidence: 'alert',
        deliveryId: 'm1,m2',
      });
    });

    it("lets 'managed' win over named stores", () => {
      // Act
      const request = parseTrigger(
        sns(snsRecord(apiCall(), 'm1'), snsRecord(alarmNotification('ALARM'), 'm2')),
      );

      // Assess
      expect(request.scope).toBe('managed');
    });

    it('keeps nothing to do when every record says so', () => {
      // Act
      const request = parseTrigger(
        sns(snsRecord(alarmNotification('OK'), 'm1'), snsRecord(alarmNotification('OK'), 'm2')),
      );

      // Assess
      expect(request.scope).toEqual([]);
    });

    it('combines the deliveryIds in an order-independent way', () => {
      // Prepare
      const first = snsRecord(apiCall(), 'm1');
      const second = snsRecord(`store ${ARN_B} stopped`, 'm2');

      // Act
      const forward = parseTrigger(sns(first, second));
      const backward = parseTrigger(sns(second, first));

      // Assess
      expect(forward.deliveryId).toBeDefined();
      expect(forward.deliveryId).toContain('ct-event-1');
      expect(forward.deliveryId).toContain('m2');
      expect(backward.deliveryId).toBe(forward.deliveryId);
      expect(forward.deliveryId).not.toBe(parseTrigger(sns(first)).deliveryId);
    });

    it('counts a record delivered twice in one delivery once in the deliveryId', () => {
      // Prepare
      const record = snsRecord('stopped', 'm1');

      // Act
      const request = parseTrigger(sns(record, record));

      // Assess
      expect(request.deliveryId).toBe('m1');
    });

    it('has no deliveryId when one of its records has none', () => {
      // Act
      const request = parseTrigger(sns(snsRecord('stopped', 'm1'), snsRecord('stopped')));

      // Assess
      expect(request.deliveryId).toBeUndefined();
    });

    it('keeps the actor when every record agrees on it', () => {
      // Act
      const request = parseTrigger(
        sns(
          snsRecord(apiCall({ eventID: 'e1' }), 'm1'),
          snsRecord(apiCall({ eventID: 'e2', requestParameters: { eventDataStore: ARN_B } }), 'm2'),
        ),
      );

      // Assess
      expect(request.actor).toStrictEqual(MALLORY);
      expect(request.scope).toEqual([ARN, ARN_B]);
      expect(request.deliveryId).toBe('e1,e2');
    });

    it.each([
      {
        case: 'another actor',
        other: apiCall({
          eventID: 'e2',
          userIdentity: { arn: 'arn:aws:iam::123456789012:user/bob' },
        }),
      },
      { case: 'no actor', other: `store ${ARN} stopped` },
    ])('drops the actor when a record has $case', ({ other }) => {
      // Act
      const request = parseTrigger(sns(snsRecord(apiCall(), 'm1'), snsRecord(other, 'm2')));

      // Assess
      expect(request.actor).toBeUndefined();
    });

    it('collects the failed stops of every record', () => {
      // Prepare
      const failedA = apiCall({ eventID: 'e1', errorCode: 'AccessDenied' });
      const failedB = apiCall({
        eventID: 'e2',
        errorCode: 'AccessDenied',
        requestParameters: { eventDataStore: ARN_B },
      });

      // Act
      const request = parseTrigger(sns(snsRecord(failedA, 'm1'), snsRecord(failedB, 'm2')));

      // Assess
      expect(request.scope).toEqual([]);
      expect(request.failedStops).toEqual([ARN, ARN_B]);
    });

    it('is a dry run only when every record asks for one', () => {
      // Act
      const all = parseTrigger(
        sns(
          snsRecord({ dryRun: true }, 'm1'),
          snsRecord({ dryRun: true, eventDataStore: ID }, 'm2'),
        ),
      );
      const some = parseTrigger(sns(snsRecord({ dryRun: true }, 'm1'), snsRecord({}, 'm2')));

      // Assess
      expect(all.dryRun).toBe(true);
      expect(some.dryRun).toBeUndefined();
    });

    it('rejects a delivery with a non-SNS record, naming it', () => {
      // Prepare
      const sqs = { eventSource: 'aws:sqs', messageId: 'q1', body: '{}' };

      // Act
      const error = caught(() => parseTrigger(sns(snsRecord('x', 'm1'), sqs)));

      // Assess
      expect(error).toBeInstanceOf(InvalidTriggerError);
      expect((error as InvalidTriggerError).field).toBe('event.Records[1].Sns');
    });

    it.each([
      { case: 'an empty list', records: [] },
      { case: 'not a list', records: { Sns: {} } },
      { case: 'null', records: null },
    ])('rejects Records that is $case', ({ records }) => {
      // Act
      const error = caught(() => parseTrigger({ Records: records }));

      // Assess
      expect(error).toBeInstanceOf(InvalidTriggerError);
      expect((error as InvalidTriggerError).field).toBe('event.Records');
    });

    it('rejects a record that is not an object', () => {
      // Act
      const error = caught(() => parseTrigger({ Records: ['not a record'] }));

      // Assess
      expect(error).toBeInstanceOf(InvalidTriggerError);
      expect((error as InvalidTriggerError).field).toBe('event.Records[0].Sns');
    });
  });

  describe('CloudWatch alarm Lambda action', () => {
    it.each([
      { state: 'ALARM', scope: 'managed' },
      { state: 'OK', scope: [] },
      { state: 'INSUFFICIENT_DATA', scope: [] },
    ])('reads state $state', ({ state, scope }) => {
      // Prepare
      const event = readEvent('cloudwatch-alarm-action.json');
      const alarmData = event.alarmData as Json;
      const changed = {
        ...event,
        alarmData: { ...alarmData, state: { ...(alarmData.state as Json), value: state } },
      };

      // Act
      const request = parseTrigger(changed);

      // Assess
      expect(request).toMatchObject({ kind: 'incident', source: 'aws.cloudwatch' });
      expect(request.scope).toEqual(scope);
    });

    it('keys a redelivered state change on the alarm ARN and the state value when no timestamp', () => {
      // Prepare
      const event = {
        source: 'aws.cloudwatch',
        alarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:a',
        alarmData: { state: { value: 'ALARM' } },
      };

      // Act
      const request = parseTrigger(event);

      // Assess
      expect(request.deliveryId).toBe('arn:aws:cloudwatch:us-east-1:123456789012:alarm:a#ALARM');
    });

    it('has no deliveryId without an alarm ARN', () => {
      // Act
      const request = parseTrigger({
        source: 'aws.cloudwatch',
        alarmData: { state: { value: 'OK' } },
      });

      // Assess
      expect(request.deliveryId).toBeUndefined();
      expect(request.scope).toEqual([]);
    });

    it.each([
      { case: 'an alarmArn', change: { alarmArn: 7 }, field: 'event.alarmArn' },
      {
        case: 'a state timestamp',
        change: { alarmData: { state: { value: 'ALARM', timestamp: 7 } } },
        field: 'event.alarmData.state.timestamp',
      },
    ])('rejects an alarm action with $case that is not a string', ({ change, field }) => {
      // Act
      const error = caught(() =>
        parseTrigger({ ...readEvent('cloudwatch-alarm-action.json'), ...change }),
      );

      // Assess
      expect(error).toBeInstanceOf(InvalidTriggerError);
      expect((error as InvalidTriggerError).field).toBe(field);
    });

    it('reads alarmData of another source as no alarm action', () => {
      // Act
      const error = caught(() =>
        parseTrigger({ source: 'custom.app', alarmData: { state: { value: 'ALARM' } } }),
      );

      // Assess
      expect(error).toBeInstanceOf(InvalidTriggerError);
      expect((error as InvalidTriggerError).field).toBe('event.source');
    });

    it.each([
      { case: 'no state', alarmData: {} },
      { case: 'alarmData that is not an object', alarmData: 'ALARM' },
      { case: 'a state value that is not a string', alarmData: { state: { value: 1 } } },
    ])('rejects an alarm action with $case', ({ alarmData }) => {
      // Act
      const error = caught(() => parseTrigger({ source: 'aws.cloudwatch', alarmData }));

      // Assess
      expect(error).toBeInstanceOf(InvalidTriggerError);
      expect((error as InvalidTriggerError).field).toBe('event.alarmData.state.value');
    });
  });

  describe('anything else', () => {
    it.each([
      { case: 'null', event: null },
      { case: 'undefined', event: undefined },
      { case: 'a string', event: '{"eventDataStore":"abc"}' },
      { case: 'an array', event: [{ eventDataStore: 'abc' }] },
      { case: 'a number', event: 42 },
      { case: 'a boolean', event: true },
    ])('rejects $case with InvalidTriggerError at "event"', ({ event }) => {
      // Act
      const error = caught(() => parseTrigger(event));

      // Assess
      expect(error).toBeInstanceOf(InvalidTriggerError);
      expect((error as InvalidTriggerError).field).toBe('event');
      expect((error as InvalidTriggerError).name).toBe('InvalidTriggerError');
    });

    it.each([
      { case: 'without a source', event: { 'detail-type': 'Scheduled Event' } },
      {
        case: 'with a source that is no string',
        event: { 'detail-type': 'Scheduled Event', source: 1 },
      },
    ])('reads an event with detail-type $case as no EventBridge event', ({ event }) => {
      // Act
      const error = caught(() => parseTrigger(event));

      // Assess
      expect(error).toBeInstanceOf(InvalidTriggerError);
      expect((error as InvalidTriggerError).field).toBe('event.detail-type');
    });

    it('rejects an object of another kind as a request object with unknown keys', () => {
      // Act
      const error = caught(() => parseTrigger({ source: 'aws.cloudwatch', detail: {} }));

      // Assess
      expect(error).toBeInstanceOf(InvalidTriggerError);
      expect((error as InvalidTriggerError).field).toBe('event.source');
    });
  });

  describe('properties', () => {
    /** Whatever comes back must be a request the rest of the function can trust. */
    function assessOutcome(event: unknown): void {
      let request: ResumeRequest;
      try {
        request = parseTrigger(event);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidTriggerError);
        return;
      }
      expect(['schedule', 'incident', 'manual']).toContain(request.kind);
      expect(typeof request.source).toBe('string');
      if (request.scope !== 'managed') {
        for (const id of request.scope) expect(id).toMatch(IDENTIFIER_RULE);
      }
      for (const id of request.failedStops ?? []) expect(id).toMatch(IDENTIFIER_RULE);
    }

    it('throws nothing but InvalidTriggerError for arbitrary JSON', () => {
      fc.assert(fc.property(fc.jsonValue(), assessOutcome), { numRuns: 500 });
    });

    it('throws nothing but InvalidTriggerError for arbitrary values', () => {
      fc.assert(fc.property(fc.anything(), assessOutcome), { numRuns: 500 });
    });

    it('returns only valid identifiers for events built from the supported shapes', () => {
      // Prepare: identifiers near the rule's edges, and free text around ARN-like strings
      const idChars = fc.constantFrom(...'abcXYZ019._/-: !*\n'.split(''));
      const identifier = fc.oneof(
        fc.string({ unit: idChars, maxLength: 300 }),
        fc.string({ unit: idChars, minLength: 250, maxLength: 260 }),
        fc.constantFrom(ID, ARN, 'ab', 'abc'),
      );
      const arnIdChars = fc.constantFrom(...'abcXYZ019._-'.split(''));
      const arnId = fc.oneof(
        fc.string({ unit: idChars, maxLength: 40 }),
        fc.string({ unit: arnIdChars, minLength: 190, maxLength: 210 }),
      );
      const arnLike = fc
        .tuple(arnId, fc.constantFrom('', '.', '. ', ','))
        .map(
          ([id, tail]) => `arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/${id}${tail}`,
        );
      const text = fc
        .array(fc.oneof(arnLike, fc.string({ maxLength: 20 })), { maxLength: 4 })
        .map((parts) => parts.join(' '));
      const request = fc.record(
        { eventDataStore: identifier, eventDataStores: fc.array(identifier, { maxLength: 3 }) },
        { requiredKeys: [] },
      );
      const stop = fc
        .tuple(identifier, fc.boolean())
        .map(([id, failed]) =>
          apiCall({ requestParameters: { eventDataStore: id }, ...(failed && { errorCode: 'X' }) }),
        );
      const message = fc.oneof(
        text,
        request.map((r) => JSON.stringify(r)),
        stop.map((e) => JSON.stringify(e)),
      );
      const delivery = fc
        .array(message, { minLength: 1, maxLength: 3 })
        .map((messages) => sns(...messages.map((m, i) => snsRecord(m, `m${i}`))));
      const event = fc.oneof(request, stop, delivery);

      // Act & Assess
      fc.assert(fc.property(event, assessOutcome), { numRuns: 1_000 });
    });
  });
});
