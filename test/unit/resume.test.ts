import {
  AccessDeniedException,
  ConflictException,
  EventDataStoreARNInvalidException,
  EventDataStoreNotFoundException,
  GetEventDataStoreCommand,
  InsufficientDependencyServiceAccessPermissionException,
  InvalidEventDataStoreCategoryException,
  InvalidEventDataStoreStatusException,
  InvalidParameterException,
  ListEventDataStoresCommand,
  ListTagsCommand,
  NoManagementAccountSLRExistsException,
  NotOrganizationMasterAccountException,
  OperationNotPermittedException,
  StartEventDataStoreIngestionCommand,
  ThrottlingException,
  UnsupportedOperationException,
} from '@aws-sdk/client-cloudtrail';
import { describe, expect, it } from 'vitest';
import type { CloudTrailPort } from '../../src/cloudtrail.js';
import { readConfig } from '../../src/config.js';
import { type ResumeDeps, resumeIngestion } from '../../src/resume.js';
import { computeBackoffMs } from '../../src/retry-policy.js';
import type { ResumeRequest } from '../../src/types.js';
import { ACCOUNT, arnOf, fakeAccount, fakeDeps, REGION, store } from '../support/fake-account.js';

/** An exemption that holds: it ends within MAX_EXEMPTION_HOURS. */
const IN_AN_HOUR = new Date(Date.now() + 3_600_000).toISOString();

const HERE = { partition: 'aws', accountId: ACCOUNT, region: REGION };
const SCHEDULE: ResumeRequest = { kind: 'schedule', scope: 'managed', source: 'aws.scheduler' };

/** A connection reset by the peer, as Node reports it. */
const connectionReset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
/** A throttled request, as the SDK reports it. */
const throttled = () =>
  new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });

/** The use case wired to the real adapter over a mocked SDK client, with recorded sleeps and logs. */
const setup = fakeDeps;

describe('Function: resumeIngestion', () => {
  it('resumes a stopped managed store, verifies it and counts one attempt', async () => {
    // Prepare
    const { mock } = fakeAccount([store('a1', 'STOPPED_INGESTION')]);
    const { deps } = setup();

    // Act
    const result = await resumeIngestion(SCHEDULE, deps);

    // Assess
    expect(result.stores).toEqual([
      {
        eventDataStore: arnOf('a1'),
        name: 'store-a1',
        statusBefore: 'STOPPED_INGESTION',
        action: 'resumed',
        reason: 'stopped',
        attempts: 1,
        statusAfter: 'ENABLED',
      },
    ]);
    expect(result.summary).toEqual({
      resumed: 1,
      wouldResume: 0,
      restored: 0,
      wouldRestore: 0,
      protected: 0,
      skipped: 0,
      failed: 0,
    });
    expect(mock).toHaveReceivedCommandTimes(StartEventDataStoreIngestionCommand, 1);
    expect(mock).toHaveReceivedCommandWith(StartEventDataStoreIngestionCommand, {
      EventDataStore: arnOf('a1'),
    });
  });

  it('retries on ConflictException with exponential full-jitter backoff', async () => {
    // Prepare
    const { mock, start } = fakeAccount([store('a1', 'STOPPED_INGESTION')]);
    const conflict = () =>
      new ConflictException({ message: 'busy', $metadata: { httpStatusCode: 409, attempts: 1 } });
    mock
      .on(StartEventDataStoreIngestionCommand)
      .rejectsOnce(conflict())
      .rejectsOnce(conflict())
      .callsFake(start);
    const { deps, sleeps, lines, config } = setup();

    // Act
    const result = await resumeIngestion(SCHEDULE, deps);

    // Assess
    const backoff = { baseDelayMs: config.retryBaseDelayMs, maxDelayMs: config.retryMaxDelayMs };
    const expected = [
      computeBackoffMs(1, backoff, () => 0.5),
      computeBackoffMs(2, backoff, () => 0.5),
    ];
    expect(expected).toEqual([100, 200]);
    expect(sleeps.slice(0, 2)).toEqual(expected);
    expect(result.stores[0]).toMatchObject({ action: 'resumed', reason: 'stopped', attempts: 3 });
    const warns = lines.filter((l) => l.level === 'warn');
    expect(warns.map((w) => w.fields)).toEqual([
      expect.objectContaining({ attempt: 1, errorName: 'ConflictException', delayMs: 100 }),
      expect.objectContaining({ attempt: 2, errorName: 'ConflictException', delayMs: 200 }),
    ]);
  });

  it('gives up after MAX_ATTEMPTS retryable failures and reports the last error', async () => {
    // Prepare
    const { mock } = fakeAccount([store('a1', 'STOPPED_INGESTION')]);
    mock
      .on(StartEventDataStoreIngestionCommand)
      .rejects(new ConflictException({ message: 'busy', $metadata: { httpStatusCode: 409 } }));
    const { deps, lines } = setup({ MAX_ATTEMPTS: '4' });

    // Act
    const result = await resumeIngestion(SCHEDULE, deps);

    // Assess
    expect(mock).toHaveReceivedCommandTimes(StartEventDataStoreIngestionCommand, 4);
    expect(result.stores[0]).toMatchObject({
      action: 'failed',
      reason: 'start-failed',
      attempts: 4,
      errorName: 'ConflictException',
    });
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(3);
    const errors = lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.fields).toMatchObject({
      errorName: 'ConflictException',
      meaning: expect.stringContaining('in progress'),
      operatorAction: expect.any(String),
    });
  });

  it('sends exactly MAX_ATTEMPTS Start requests against persistent throttling: one request per call', async () => {
    // Prepare: the client never retries on its own, so each call is one request
    const { mock } = fakeAccount([store('a1', 'STOPPED_INGESTION')]);
    mock.on(StartEventDataStoreIngestionCommand).rejects(throttled());
    const { deps, lines } = setup({ MAX_ATTEMPTS: '5' });

    // Act
    const result = await resumeIngestion(SCHEDULE, deps);

    // Assess: five requests, four retries logged by the function, then the failure
    expect(mock).toHaveReceivedCommandTimes(StartEventDataStoreIngestionCommand, 5);
    expect(lines.filter((l) => l.message === 'start attempt failed')).toHaveLength(4);
    expect(result.stores[0]).toMatchObject({
      action: 'failed',
      reason: 'start-failed',
      attempts: 5,
      errorName: 'ThrottlingException',
    });
  });

  it('retries a read that fails transiently, within the same budget rules', async () => {
    // Prepare: GetEventDataStore throttled twice, then answered
    const { mock, find } = fakeAccount([store('a1', 'STOPPED_INGESTION')]);
    mock
      .on(GetEventDataStoreCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .callsFake((input: { EventDataStore: string }) => {
        const { Tags: _tags, ...described } = find(input.EventDataStore);
        return described;
      });
    const { deps, lines } = setup();

    // Act
    const result = await resumeIngestion(SCHEDULE, deps);

    // Assess
    expect(lines.filter((l) => l.message === 'read attempt failed').map((l) => l.fields)).toEqual([
      expect.objectContaining({
        operation: 'GetEventDataStore',
        attempt: 1,
        eventDataStore: arnOf('a1'),
      }),
      expect.objectContaining({
        operation: 'GetEventDataStore',
        attempt: 2,
        eventDataStore: arnOf('a1'),
      }),
    ]);
    expect(result.stores[0]).toMatchObject({ action: 'resumed', reason: 'stopped', attempts: 1 });
  });

  it.each([
    EventDataStoreARNInvalidException,
    EventDataStoreNotFoundException,
    InvalidEventDataStoreCategoryException,
    InvalidParameterException,
    InsufficientDependencyServiceAccessPermissionException,
    NoManagementAccountSLRExistsException,
    NotOrganizationMasterAccountException,
    OperationNotPermittedException,
    UnsupportedOperationException,
    AccessDeniedException,
  ])('fails the store after one attempt on terminal $name', async (ErrorClass) => {
    // Prepare
    const { mock } = fakeAccount([store('a1', 'STOPPED_INGESTION')]);
    mock
      .on(StartEventDataStoreIngestionCommand)
      .rejects(new ErrorClass({ message: 'no', $metadata: { httpStatusCode: 400, attempts: 1 } }));
    const { deps, sleeps } = setup();

    // Act
    const result = await resumeIngestion(SCHEDULE, deps);

    // Assess
    expect(mock).toHaveReceivedCommandTimes(StartEventDataStoreIngestionCommand, 1);
    expect(sleeps).toEqual([]);
    expect(result.stores[0]).toMatchObject({
      action: 'failed',
      reason: 'start-failed',
      attempts: 1,
      errorName: ErrorClass.name,
    });
  });

  it('treats an unknown error as terminal', async () => {
    // Prepare
    const { mock } = fakeAccount([store('a1', 'STOPPED_INGESTION')]);
    const odd = Object.assign(new Error('odd'), { name: 'BrandNewException' });
    mock.on(StartEventDataStoreIngestionCommand).rejects(odd);
    const { deps } = setup();

    // Act
    const result = await resumeIngestion(SCHEDULE, deps);

    // Assess
    expect(mock).toHaveReceivedCommandTimes(StartEventDataStoreIngestionCommand, 1);
    expect(result.stores[0]).toMatchObject({ action: 'failed', errorName: 'BrandNewException' });
  });

  it.each([
    {
      case: 'a connection reset',
      error: () => connectionReset(),
    },
    {
      case: 'a 503',
      error: () =>
        Object.assign(new Error('unavailable'), {
          name: 'ServiceUnavailable',
          $metadata: { httpStatusCode: 503 },
        }),
    },
  ])(
    'reads the status once more after $case on the last Start: applied means resumed, not failed',
    async ({ error }) => {
      // Prepare: the Start is applied, but its answer is lost, and the budget is one request
      const { mock, find } = fakeAccount([store('a1', 'STOPPED_INGESTION')]);
      mock.on(StartEventDataStoreIngestionCommand).callsFake(() => {
        find('a1').Status = 'STARTING_INGESTION';
        throw error();
      });
      const { deps } = setup({ MAX_ATTEMPTS: '1' });

      // Act
      const result = await resumeIngestion(SCHEDULE, deps);

      // Assess: no false failure for a store that is ingesting
      expect(result.stores[0]).toMatchObject({
        action: 'resumed',
        reason: 'started-concurrently',
        attempts: 1,
        statusAfter: 'STARTING_INGESTION',
      });
    },
  );

  it('reads the status once more when an earlier Start may have been applied, whatever the last error', async () => {
    // Prepare: the first Start is applied but its answer lost; the next one is throttled
    const { mock, find } = fakeAccount([store('a1', 'STOPPED_INGESTION')]);
    mock
      .on(StartEventDataStoreIngestionCommand)
      .callsFakeOnce(() => {
        find('a1').Status = 'STARTING_INGESTION';
        throw connectionReset();
      })
      .rejects(throttled());
    const { deps } = setup({ MAX_ATTEMPTS: '2' });

    // Act
    const result = await resumeIngestion(SCHEDULE, deps);

    // Assess
    expect(result.stores[0]).toMatchObject({
      action: 'resumed',
      reason: 'started-concurrently',
      attempts: 2,
      statusAfter: 'STARTING_INGESTION',
    });
  });

  it('still fails a Start whose last answer was lost when the store is not ingesting', async () => {
    // Prepare: the reset happens before the service acted
    const { mock } = fakeAccount([store('a1', 'STOPPED_INGESTION')]);
    mock.on(StartEventDataStoreIngestionCommand).rejects(connectionReset());
    const { deps } = setup({ MAX_ATTEMPTS: '2' });

    // Act
    const result = await resumeIngestion(SCHEDULE, deps);

    // Assess
    expect(result.stores[0]).toMatchObject({
      action: 'failed',
      reason: 'start-failed',
      attempts: 2,
      errorName: 'ECONNRESET',
    });
  });

  it('does not read again after a definite refusal (throttling): it fails as it was told', async () => {
    // Prepare
    const { mock } = fakeAccount([store('a1', 'STOPPED_INGESTION')]);
    mock.on(StartEventDataStoreIngestionCommand).rejects(throttled());
    const { deps } = setup({ MAX_ATTEMPTS: '1' });

    // Act
    const result = await resumeIngestion(SCHEDULE, deps);

    // Assess: one read to describe, none after the refusal
    expect(result.stores[0]).toMatchObject({ action: 'failed', reason: 'start-failed' });
    expect(mock).toHaveReceivedCommandTimes(GetEventDataStoreCommand, 1);
  });

  it('ends as started-concurrently when the store is already starting after a status race', async () => {
    // Prepare: someone else starts it between our read and our start
    const { mock, find } = fakeAccount([store('a1', 'STOPPED_INGESTION')]);
    mock.on(StartEventDataStoreIngestionCommand).callsFake(() => {
      find('a1').Status = 'STARTING_INGESTION';
      throw new InvalidEventDataStoreStatusException({ message: 'status', $metadata: {} });
    });
    const { deps } = setup();

    // Act
    const result = await resumeIngestion(SCHEDULE, deps);

    // Assess
    expect(result.stores[0]).toMatchObject({
      action: 'resumed',
      reason: 'started-concurrently',
      statusAfter: 'STARTING_INGESTION',
      attempts: 1,
    });
  });

  it('fails with invalid-status when a race leaves the store pending deletion', async () => {
    // Prepare
    const { mock, find } = fakeAccount([store('a1', 'STOPPED_INGESTION')]);
    mock.on(StartEventDataStoreIngestionCommand).callsFake(() => {
      find('a1').Status = 'PENDING_DELETION';
      throw new InvalidEventDataStoreStatusException({ message: 'status', $metadata: {} });
    });
    const { deps } = setup();

    // Act
    const result = await resumeIngestion(SCHEDULE, deps);

    // Assess
    expect(mock).toHaveReceivedCommandTimes(StartEventDataStoreIngestionCommand, 1);
    expect(result.stores[0]).toMatchObject({
      action: 'failed',
      reason: 'invalid-status',
      statusAfter: 'PENDING_DELETION',
    });
  });

  it('gives up with invalid-status when starts keep racing while the store reads stopped', async () => {
    // Prepare: every start says the status is wrong, every read says STOPPED_INGESTION
    const { mock } = fakeAccount([store('a1', 'STOPPED_INGESTION')]);
    mock
      .on(StartEventDataStoreIngestionCommand)
      .rejects(new InvalidEventDataStoreStatusException({ message: 'status', $metadata: {} }));
    const { deps } = setup({ MAX_ATTEMPTS: '3' });

    // Act
    const result = await resumeIngestion(SCHEDULE, deps);

    // Assess: bounded by the budget, and the real error is reported
    expect(mock).toHaveReceivedCommandTimes(StartEventDataStoreIngestionCommand, 3);
    expect(result.stores[0]).toMatchObject({
      action: 'failed',
      reason: 'invalid-status',
      attempts: 3,
      statusAfter: 'STOPPED_INGESTION',
      errorName: 'InvalidEventDataStoreStatusException',
    });
  });

  it('waits for a stopping store to reach STOPPED_INGESTION, then starts it', async () => {
    // Prepare: the store reads STOPPING twice, then STOPPED
    const { mock, find } = fakeAccount([store('a1', 'STOPPING_INGESTION')]);
    let reads = 0;
    mock.on(GetEventDataStoreCommand).callsFake(() => {
      reads += 1;
      if (reads === 3) find('a1').Status = 'STOPPED_INGESTION';
      const { Tags: _t, ...rest } = find('a1');
      return rest;
    });
    const { deps, sleeps } = setup();

    // Act
    const result = await resumeIngestion(SCHEDULE, deps);

    // Assess
    expect(result.stores[0]).toMatchObject({
      statusBefore: 'STOPPING_INGESTION',
      action: 'resumed',
      reason: 'stopped',
      statusAfter: 'ENABLED',
    });
    expect(sleeps).toEqual([10]);
    expect(mock).toHaveReceivedCommandTimes(StartEventDataStoreIngestionCommand, 1);
  });

  it('starts no attempt when the remaining time is inside the safety margin', async () => {
    // Prepare
    const { mock } = fakeAccount([store('a1', 'STOPPED_INGESTION')]);
    const { deps } = setup({ DEADLINE_MARGIN_MS: '5000' }, { remainingMs: () => 4_000 });

    // Act
    const result = await resumeIngestion(SCHEDULE, deps);

    // Assess
    expect(mock).toHaveReceivedCommandTimes(StartEventDataStoreIngestionCommand, 0);
    expect(result.stores[0]).toMatchObject({ action: 'failed', reason: 'deadline-exceeded' });
  });

  it('stops retrying when the next backoff would run past the deadline', async () => {
    // Prepare: 1.1 s left, margin 1 s, first backoff 100 ms fits, the second (200 ms) does not
    const { mock } = fakeAccount([store('a1', 'STOPPED_INGESTION')]);
    mock
      .on(StartEventDataStoreIngestionCommand)
      .rejects(new ConflictException({ message: 'busy', $metadata: { attempts: 1 } }));
    let remaining = 1_150;
    const { deps, sleeps } = setup({}, { remainingMs: () => remaining });
    const sleep = deps.sleep;
    const timed: ResumeDeps = {
      ...deps,
      sleep: async (ms, signal) => {
        remaining -= ms;
        await sleep?.(ms, signal);
      },
    };

    // Act
    const result = await resumeIngestion(SCHEDULE, timed);

    // Assess
    expect(sleeps).toEqual([100]);
    expect(mock).toHaveReceivedCommandTimes(StartEventDataStoreIngestionCommand, 2);
    expect(result.stores[0]).toMatchObject({
      action: 'failed',
      reason: 'deadline-exceeded',
      attempts: 2,
      errorName: 'ConflictException',
    });
  });

  it('fails with not-verified when the store never reports ingesting after a start', async () => {
    // Prepare: the start "succeeds" but the store stays stopped
    const { mock } = fakeAccount([store('a1', 'STOPPED_INGESTION')], {
      startTo: 'STOPPED_INGESTION',
    });
    const { deps, sleeps, lines } = setup({ VERIFY_TIMEOUT_MS: '50', VERIFY_INTERVAL_MS: '10' });

    // Act
    const result = await resumeIngestion(SCHEDULE, deps);

    // Assess: polls are bounded by VERIFY_TIMEOUT_MS
    expect(result.stores[0]).toMatchObject({
      action: 'failed',
      reason: 'not-verified',
      statusAfter: 'STOPPED_INGESTION',
    });
    expect(sleeps.length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.level === 'error').map((l) => l.fields)).toEqual([
      expect.objectContaining({
        reason: 'not-verified',
        meaning: expect.stringContaining('not seen ingesting'),
        operatorAction: expect.stringContaining('VERIFY_TIMEOUT_MS'),
      }),
    ]);
    // No error is made up: the failure is the guard's own finding, explained by its reason.
    expect(lines.find((l) => l.level === 'error')?.fields).not.toHaveProperty('errorName');
    expect(result.stores[0]).not.toHaveProperty('errorName');
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(50);
    expect(mock).toHaveReceivedCommandTimes(StartEventDataStoreIngestionCommand, 1);
  });

  it('never describes or starts a store it does not manage, nor one of another account or region', async () => {
    // Prepare
    const { mock } = fakeAccount([
      store('mine', 'STOPPED_INGESTION', { Tags: [] }),
      store('a1', 'STOPPED_INGESTION'),
    ]);
    const { deps } = setup({
      MANAGED_EVENT_DATA_STORES: `${arnOf('x9', '999999999999')},${arnOf('x8', ACCOUNT, 'eu-west-1')}`,
    });
    const request: ResumeRequest = {
      kind: 'incident',
      source: 'aws.sns',
      scope: [
        'mine',
        arnOf('x9', '999999999999'),
        arnOf('x8', ACCOUNT, 'eu-west-1'),
        arnOf('zz', '111111111111'),
      ],
    };

    // Act
    const result = await resumeIngestion(request, deps);

    // Assess
    expect(result.stores.map((s) => [s.eventDataStore, s.action, s.reason])).toEqual([
      [arnOf('mine'), 'skipped', 'not-managed'],
      [arnOf('x9', '999999999999'), 'skipped', 'foreign-store'],
      [arnOf('x8', ACCOUNT, 'eu-west-1'), 'skipped', 'foreign-store'],
      [arnOf('zz', '111111111111'), 'skipped', 'not-managed'],
    ]);
    expect(mock).toHaveReceivedCommandTimes(StartEventDataStoreIngestionCommand, 0);
    expect(mock).toHaveReceivedCommandTimes(GetEventDataStoreCommand, 0);
  });

  it('never asks about a store of another partition, even with our account and region', async () => {
    // Prepare
    const { mock } = fakeAccount([store('a1', 'STOPPED_INGESTION')]);
    const { deps } = setup();
    const china = arnOf('a1').replace(':aws:', ':aws-cn:');
    const request: ResumeRequest = { kind: 'incident', source: 'aws.sns', scope: [china] };

    // Act
    const result = await resumeIngestion(request, deps);

    // Assess
    expect(result.stores.map((s) => [s.eventDataStore, s.action, s.reason])).toEqual([
      [china, 'skipped', 'not-managed'],
    ]);
    expect(mock.calls()).toHaveLength(0);
  });

  it('reports a store named by a failed and a successful stop once, and resumes it', async () => {
    // Prepare: one delivery, two records about a1: a failed stop and a successful one
    const { mock } = fakeAccount([store('a1', 'STOPPED_INGESTION')]);
    const { deps } = setup();
    const request: ResumeRequest = {
      kind: 'incident',
      source: 'aws.sns',
      scope: [arnOf('a1')],
      failedStops: ['a1'],
    };

    // Act
    const result = await resumeIngestion(request, deps);

    // Assess
    expect(result.stores.map((s) => [s.eventDataStore, s.action, s.reason])).toEqual([
      [arnOf('a1'), 'resumed', 'stopped'],
    ]);
    expect(result.summary).toEqual({
      resumed: 1,
      wouldResume: 0,
      restored: 0,
      wouldRestore: 0,
      protected: 0,
      skipped: 0,
      failed: 0,
    });
    expect(mock).toHaveReceivedCommandTimes(StartEventDataStoreIngestionCommand, 1);
  });

  it('reports a failed stop within a sweep only through the sweep: one entry per store', async () => {
    // Prepare
    const { mock } = fakeAccount([store('a1', 'STOPPED_INGESTION')]);
    const { deps } = setup();
    const request: ResumeRequest = {
      kind: 'incident',
      source: 'aws.sns',
      scope: 'managed',
      failedStops: ['a1'],
    };

    // Act
    const result = await resumeIngestion(request, deps);

    // Assess
    expect(result.stores.map((s) => [s.eventDataStore, s.action, s.reason])).toEqual([
      [arnOf('a1'), 'resumed', 'stopped'],
    ]);
    expect(mock).toHaveReceivedCommandTimes(StartEventDataStoreIngestionCommand, 1);
  });

  it('reads the tags of the named stores only: no listing of the account, no foreign store asked about', async () => {
    // Prepare
    const { mock } = fakeAccount([
      store('a1', 'STOPPED_INGESTION'),
      store('u1', 'STOPPED_INGESTION', { Tags: [] }),
    ]);
    const { deps } = setup();
    const request: ResumeRequest = {
      kind: 'incident',
      source: 'aws.sns',
      scope: ['a1', arnOf('u1'), arnOf('a1', '999999999999')],
    };

    // Act
    const result = await resumeIngestion(request, deps);

    // Assess
    expect(result.stores.map((s) => [s.eventDataStore, s.action, s.reason])).toEqual([
      [arnOf('a1'), 'resumed', 'stopped'],
      [arnOf('u1'), 'skipped', 'not-managed'],
      [arnOf('a1', '999999999999'), 'skipped', 'not-managed'],
    ]);
    expect(mock).toHaveReceivedCommandTimes(ListEventDataStoresCommand, 0);
    const asked = mock.commandCalls(ListTagsCommand).map((c) => c.args[0].input.ResourceIdList);
    expect(asked.sort()).toEqual([[arnOf('a1')], [arnOf('u1')]]);
    expect(mock).toHaveReceivedCommandTimes(GetEventDataStoreCommand, 2);
  });

  it("takes a named store's tags from ListTags even when the answer spells its ARN differently", async () => {
    // Prepare: one ARN asked, the answer's ResourceId in another spelling
    const { mock } = fakeAccount([store('a1', 'STOPPED_INGESTION')]);
    mock.on(ListTagsCommand).resolves({
      ResourceTagList: [
        {
          ResourceId: arnOf('a1').replace('eventdatastore', 'EventDataStore'),
          TagsList: [{ Key: 'ingestion-guard:managed', Value: 'true' }],
        },
      ],
    });
    const { deps } = setup();
    const request: ResumeRequest = { kind: 'incident', source: 'aws.sns', scope: ['a1'] };

    // Act
    const result = await resumeIngestion(request, deps);

    // Assess
    expect(result.stores.map((s) => [s.eventDataStore, s.action, s.reason])).toEqual([
      [arnOf('a1'), 'resumed', 'stopped'],
    ]);
  });

  it('skips an exempt listed store once when the ListTags answer spells its ARN differently', async () => {
    // Prepare: a1 is listed in MANAGED_EVENT_DATA_STORES and tagged; ListTags spells its ARN
    // with another case, as the named-store path already tolerates
    const { mock } = fakeAccount([store('a1', 'STOPPED_INGESTION')]);
    mock.on(ListTagsCommand).resolves({
      ResourceTagList: [
        {
          ResourceId: arnOf('a1').replace('eventdatastore', 'EventDataStore'),
          TagsList: [
            { Key: 'ingestion-guard:managed', Value: 'true' },
            { Key: 'ingestion-guard:exempt-until', Value: IN_AN_HOUR },
          ],
        },
      ],
    });
    const { deps } = setup({ MANAGED_EVENT_DATA_STORES: arnOf('a1') });

    // Act
    const result = await resumeIngestion(SCHEDULE, deps);

    // Assess: one store, one result, and its exemption respected
    expect(result.stores.map((s) => [s.eventDataStore, s.action, s.reason])).toEqual([
      [arnOf('a1'), 'skipped', 'exempt'],
    ]);
    expect(mock).toHaveReceivedCommandTimes(StartEventDataStoreIngestionCommand, 0);
  });

  it('treats a named store that does not exist in this account as not managed', async () => {
    // Prepare
    const { mock } = fakeAccount([store('a1', 'STOPPED_INGESTION')]);
    const { deps, lines } = setup();
    const request: ResumeRequest = { kind: 'incident', source: 'aws.sns', scope: ['gone1'] };

    // Act
    const result = await resumeIngestion(request, deps);

    // Assess
    expect(result.stores).toEqual([
      { eventDataStore: arnOf('gone1'), action: 'skipped', reason: 'not-managed', attempts: 0 },
    ]);
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(mock).toHaveReceivedCommandTimes(GetEventDataStoreCommand, 0);
  });

  it('fails only the named store whose tags cannot be read and still resumes the others', async () => {
    // Prepare
    const { mock } = fakeAccount([
      store('a1', 'STOPPED_INGESTION'),
      store('b1', 'STOPPED_INGESTION'),
    ]);
    mock
      .on(ListTagsCommand, { ResourceIdList: [arnOf('b1')] })
      .rejects(
        new AccessDeniedException({ message: 'denied', $metadata: { httpStatusCode: 400 } }),
      );
    const { deps, lines } = setup();
    const request: ResumeRequest = { kind: 'incident', source: 'aws.sns', scope: ['a1', 'b1'] };

    // Act
    const result = await resumeIngestion(request, deps);

    // Assess
    expect(result.stores.map((s) => [s.eventDataStore, s.action, s.reason, s.errorName])).toEqual([
      [arnOf('b1'), 'failed', 'resolve-failed', 'AccessDeniedException'],
      [arnOf('a1'), 'resumed', 'stopped', undefined],
    ]);
    expect(mock).toHaveReceivedCommandWith(StartEventDataStoreIngestionCommand, {
      EventDataStore: arnOf('a1'),
    });
    expect(mock).toHaveReceivedCommandTimes(StartEventDataStoreIngestionCommand, 1);
    expect(lines.find((l) => l.level === 'error')?.fields).toMatchObject({
      eventDataStore: arnOf('b1'),
      errorName: 'AccessDeniedException',
      operatorAction: expect.stringContaining("function's role"),
    });
  });

  it('finds tagged stores across pages and asks for tags 20 ARNs at a time', async () => {
    // Prepare: 45 stores, every third one tagged and stopped
    const stores = Array.from({ length: 45 }, (_, i) =>
      store(`s${i}`, i % 3 === 0 ? 'STOPPED_INGESTION' : 'ENABLED', {
        Tags: i % 3 === 0 ? [{ Key: 'ingestion-guard:managed', Value: 'true' }] : [],
      }),
    );
    const { mock } = fakeAccount(stores, { pageSize: 10 });
    const { deps } = setup();

    // Act
    const result = await resumeIngestion(SCHEDULE, deps);

    // Assess
    expect(mock).toHaveReceivedCommandTimes(ListEventDataStoresCommand, 5);
    const tagCalls = mock
      .commandCalls(ListTagsCommand)
      .map((c) => c.args[0].input.ResourceIdList ?? []);
    expect(tagCalls.map((ids) => ids.length)).toEqual([20, 20, 5]);
    expect(result.summary).toEqual({
      resumed: 15,
      wouldResume: 0,
      restored: 0,
      wouldRestore: 0,
      protected: 0,
      skipped: 0,
      failed: 0,
    });
  });

  it('handles stores concurrently, never more than STORE_CONCURRENCY at once', async () => {
    // Prepare
    const stores = Array.from({ length: 8 }, (_, i) => store(`c${i}`, 'STOPPED_INGESTION'));
    const { mock, find } = fakeAccount(stores);
    let inFlight = 0;
    let peak = 0;
    mock
      .on(StartEventDataStoreIngestionCommand)
      .callsFake(async (input: { EventDataStore: string }) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        find(input.EventDataStore).Status = 'ENABLED';
        inFlight -= 1;
        return {};
      });
    const { deps } = setup({ STORE_CONCURRENCY: '3' });

    // Act
    const result = await resumeIngestion(SCHEDULE, deps);

    // Assess
    expect(result.summary.resumed).toBe(8);
    expect(peak).toBe(3);
  });

  it('still handles listed stores when listing the tagged ones fails', async () => {
    // Prepare
    const { mock } = fakeAccount([store('a1x', 'STOPPED_INGESTION')]);
    mock
      .on(ListEventDataStoresCommand)
      .rejects(
        new AccessDeniedException({ message: 'denied', $metadata: { httpStatusCode: 400 } }),
      );
    const { deps, lines } = setup({ MANAGED_EVENT_DATA_STORES: 'a1x' });

    // Act
    const result = await resumeIngestion(SCHEDULE, deps);

    // Assess
    expect(result.stores.map((s) => [s.eventDataStore, s.action, s.reason])).toEqual([
      ['*', 'failed', 'resolve-failed'],
      [arnOf('a1x'), 'resumed', 'stopped'],
    ]);
    expect(lines.find((l) => l.level === 'error')?.fields).toMatchObject({
      errorName: 'AccessDeniedException',
      operatorAction: expect.stringContaining("function's role"),
    });
  });

  it('fails a managed store that cannot be described, without starting it', async () => {
    // Prepare: listed but gone
    const { mock } = fakeAccount([]);
    const { deps } = setup({ MANAGED_EVENT_DATA_STORES: 'gone1', OPT_IN_TAG: '' });

    // Act
    const result = await resumeIngestion(SCHEDULE, deps);

    // Assess
    expect(result.stores).toEqual([
      {
        eventDataStore: arnOf('gone1'),
        action: 'failed',
        reason: 'describe-failed',
        attempts: 0,
        errorName: 'EventDataStoreNotFoundException',
      },
    ]);
    expect(mock).toHaveReceivedCommandTimes(StartEventDataStoreIngestionCommand, 0);
  });

  it('reports a failed stop as skipped without any CloudTrail call', async () => {
    // Prepare
    const { mock } = fakeAccount([store('a1', 'ENABLED')]);
    const { deps } = setup();
    const request: ResumeRequest = {
      kind: 'incident',
      source: 'aws.cloudtrail',
      scope: [],
      failedStops: ['a1'],
    };

    // Act
    const result = await resumeIngestion(request, deps);

    // Assess
    expect(result.stores).toEqual([
      { eventDataStore: arnOf('a1'), action: 'skipped', reason: 'stop-call-failed', attempts: 0 },
    ]);
    expect(mock.calls()).toHaveLength(0);
  });

  it('fails a store loudly on a bug of its own and still handles the others', async () => {
    // Prepare: b1's exempt tag comes back as a number, which no API answer does
    fakeAccount([
      store('a1', 'STOPPED_INGESTION'),
      store('b1', 'STOPPED_INGESTION', {
        Tags: [
          { Key: 'ingestion-guard:managed', Value: 'true' },
          { Key: 'ingestion-guard:exempt-until', Value: 42 as unknown as string },
        ],
      }),
    ]);
    const { deps, lines } = setup();

    // Act
    const result = await resumeIngestion(SCHEDULE, deps);

    // Assess
    expect(result.stores.map((s) => [s.eventDataStore, s.action, s.reason])).toEqual([
      [arnOf('a1'), 'resumed', 'stopped'],
      [arnOf('b1'), 'failed', 'start-failed'],
    ]);
    expect(lines.find((l) => l.level === 'error')?.fields).toMatchObject({
      eventDataStore: arnOf('b1'),
      errorName: 'TypeError',
      meaning: expect.stringContaining('a bug'),
    });
  });

  it('fails with invalid-status, logging why, when the store cannot be read after a race', async () => {
    // Prepare: the start races, and every read after it is denied
    const { mock, find } = fakeAccount([store('a1', 'STOPPED_INGESTION')]);
    let reads = 0;
    mock.on(GetEventDataStoreCommand).callsFake(() => {
      reads += 1;
      if (reads > 1) {
        throw new AccessDeniedException({ message: 'no', $metadata: { httpStatusCode: 400 } });
      }
      const { Tags: _tags, ...described } = find('a1');
      return described;
    });
    mock
      .on(StartEventDataStoreIngestionCommand)
      .rejects(new InvalidEventDataStoreStatusException({ message: 'status', $metadata: {} }));
    const { deps, lines } = setup();

    // Act
    const result = await resumeIngestion(SCHEDULE, deps);

    // Assess
    expect(result.stores[0]).toMatchObject({
      action: 'failed',
      reason: 'invalid-status',
      attempts: 1,
      errorName: 'InvalidEventDataStoreStatusException',
    });
    expect(result.stores[0]).not.toHaveProperty('statusAfter');
    expect(lines.filter((l) => l.message === 'status read failed').map((l) => l.fields)).toEqual([
      { eventDataStore: arnOf('a1'), errorName: 'AccessDeniedException' },
    ]);
  });

  it('decides and logs but never starts in a dry run', async () => {
    // Prepare
    const { mock } = fakeAccount([store('a1', 'STOPPED_INGESTION')]);
    const { deps, lines } = setup({ DRY_RUN: 'true' });

    // Act
    const result = await resumeIngestion(SCHEDULE, deps);

    // Assess
    expect(result.dryRun).toBe(true);
    expect(result.stores[0]).toMatchObject({ action: 'would-resume', reason: 'dry-run' });
    expect(mock).toHaveReceivedCommandTimes(StartEventDataStoreIngestionCommand, 0);
    expect(lines.filter((l) => l.message === 'store decision')).toHaveLength(1);
  });
});

describe('Function: resumeIngestion (deadline abort)', () => {
  it('aborts a hanging start at the deadline and fails the store cleanly', async () => {
    // Prepare: a port whose start only ends when the invocation's deadline fires
    const open = (deadline: AbortSignal): CloudTrailPort => ({
      describeStore: async (arn) => ({
        arn,
        status: 'STOPPED_INGESTION',
        categories: ['Management'],
        tags: {},
        organizationEnabled: false,
      }),
      listStoreArns: async () => [],
      listTags: async () => new Map(),
      restoreStore: async () => ({}),
      enableTerminationProtection: async () => undefined,
      startIngestion: () =>
        new Promise((_resolve, reject) => {
          deadline.addEventListener('abort', () =>
            reject(Object.assign(new Error('aborted'), { name: 'AbortError' })),
          );
        }),
    });
    const config = readConfig({
      AWS_REGION: REGION,
      MANAGED_EVENT_DATA_STORES: 'h1x',
      DEADLINE_MARGIN_MS: '200',
    });
    const deadline = Date.now() + 250;
    const warn = () => undefined;

    // Act
    const result = await resumeIngestion(SCHEDULE, {
      cloudtrail: { open },
      config,
      here: HERE,
      logger: { info: warn, warn, error: warn },
      remainingTimeMs: () => deadline - Date.now(),
    });

    // Assess
    expect(result.stores[0]).toMatchObject({
      action: 'failed',
      reason: 'deadline-exceeded',
      errorName: 'AbortError',
    });
  });
});
