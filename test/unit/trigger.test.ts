import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidTriggerError } from '../../src/errors.js';
import { parseTrigger } from '../../src/trigger.js';
import type { ResumeRequest } from '../../src/types.js';

const EVENTS_DIR = join(import.meta.dirname, '..', '..', 'events');
/** The stores file feeds the emulator; every other file in events/ is a trigger. */

const ID = 'a3f1c0de-5b2a-4c1e-9f3d-0e7a1b2c3d4e';
const ARN = `arn:aws:cloudtrail:us-east-1:012345678912:eventdatastore/${ID}`;
const ARN_B = 'arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/b7e2d1f0-6c3b-4d2f';
const MALLORY = {
  arn: 'arn:aws:sts::012345678912:assumed-role/DevOpsAdmin/mallory',
  roleArn: 'arn:aws:iam::012345678912:role/DevOpsAdmin',
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
      const request = parseTrigger(apiCall({ eventName: 'DeleteEventDataStore' }));

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
      expect(request.actor).toStrictEqual({ arn: 'arn:aws:iam::123456789012:user/bob' });
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
