import {
  EventDataStoreMaxLimitExceededException,
  GetEventDataStoreCommand,
  InvalidEventDataStoreStatusException,
  RestoreEventDataStoreCommand,
  StartEventDataStoreIngestionCommand,
  ThrottlingException,
} from '@aws-sdk/client-cloudtrail';
import { afterEach, describe, expect, it } from 'vitest';
import { restoreWithRetries } from '../../src/restore-with-retries.js';
import type { Run } from '../../src/run.js';
import { arnOf, fakeAccount, fakeRun, store } from '../support/fake-account.js';

const ARN = arnOf('d1');
const deleted = () => [store('d1', 'PENDING_DELETION')];
const throttled = () =>
  new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });
const statusRace = () =>
  new InvalidEventDataStoreStatusException({
    message: 'The event data store status is ENABLED',
    $metadata: { httpStatusCode: 400 },
  });
const connectionReset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

let opened: Run | undefined;
/** A Run over the fake account (closed after each test). */
function runWith(env: Record<string, string> = {}, remainingMs?: number) {
  const built = fakeRun(env, remainingMs);
  opened = built.run;
  return built;
}
afterEach(() => opened?.close());

describe('Function: restoreWithRetries', () => {
  it('restores a store that comes back stopped, then starts it, counting both requests', async () => {
    // Prepare
    const { mock } = fakeAccount(deleted(), { restoreTo: 'STOPPED_INGESTION' });
    const { run } = runWith();

    // Act
    const outcome = await restoreWithRetries(ARN, run);

    // Assess
    expect(outcome).toEqual({
      action: 'restored',
      reason: 'deleted',
      attempts: 2,
      statusAfter: 'ENABLED',
    });
    expect(mock).toHaveReceivedCommandWith(RestoreEventDataStoreCommand, { EventDataStore: ARN });
    expect(mock).toHaveReceivedCommandTimes(RestoreEventDataStoreCommand, 1);
    expect(mock).toHaveReceivedCommandTimes(StartEventDataStoreIngestionCommand, 1);
  });

  it('restores a store that comes back ENABLED without starting it', async () => {
    // Prepare
    const { mock } = fakeAccount(deleted(), { restoreTo: 'ENABLED' });
    const { run } = runWith();

    // Act
    const outcome = await restoreWithRetries(ARN, run);

    // Assess
    expect(outcome).toEqual({
      action: 'restored',
      reason: 'deleted',
      attempts: 1,
      statusAfter: 'ENABLED',
    });
    expect(mock).toHaveReceivedCommandTimes(StartEventDataStoreIngestionCommand, 0);
  });

  it('waits until the store has left PENDING_DELETION when the answer does not say so', async () => {
    // Prepare: the answer still says PENDING_DELETION; the second read finds the store restored
    const { mock, find } = fakeAccount(deleted());
    mock.on(RestoreEventDataStoreCommand).resolves({ Status: 'PENDING_DELETION' });
    let reads = 0;
    mock.on(GetEventDataStoreCommand).callsFake(() => {
      reads += 1;
      if (reads === 2) find('d1').Status = 'ENABLED';
      return { EventDataStoreArn: ARN, Status: find('d1').Status };
    });
    const { run, sleeps } = runWith();

    // Act
    const outcome = await restoreWithRetries(ARN, run);

    // Assess
    expect(outcome).toMatchObject({ action: 'restored', attempts: 1, statusAfter: 'ENABLED' });
    expect(reads).toBe(2);
    expect(sleeps).toEqual([10]);
  });

  it('fails not-verified when the store stays PENDING_DELETION for VERIFY_TIMEOUT_MS', async () => {
    // Prepare
    const { mock } = fakeAccount(deleted());
    mock.on(RestoreEventDataStoreCommand).resolves({ Status: 'PENDING_DELETION' });
    const { run } = runWith();

    // Act
    const outcome = await restoreWithRetries(ARN, run);

    // Assess
    expect(outcome).toEqual({
      action: 'failed',
      reason: 'not-verified',
      attempts: 1,
      statusAfter: 'PENDING_DELETION',
    });
  });

  it('retries a throttled restore after the backoff and then restores', async () => {
    // Prepare
    const { mock, restore } = fakeAccount(deleted());
    mock.on(RestoreEventDataStoreCommand).rejectsOnce(throttled()).callsFake(restore);
    const { run, sleeps, lines } = runWith();

    // Act
    const outcome = await restoreWithRetries(ARN, run);

    // Assess
    expect(outcome).toMatchObject({ action: 'restored', reason: 'deleted', attempts: 2 });
    expect(sleeps[0]).toBe(100);
    expect(lines.filter((line) => line.level === 'warn')).toEqual([
      expect.objectContaining({
        message: 'restore attempt failed',
        fields: expect.objectContaining({
          eventDataStore: ARN,
          operation: 'RestoreEventDataStore',
          errorName: 'ThrottlingException',
          attempt: 1,
          delayMs: 100,
        }),
      }),
    ]);
  });

  it('fails restore-failed at once on a terminal error, keeping the error', async () => {
    // Prepare: the region is full (an attacker may have filled it)
    const { mock, find } = fakeAccount(deleted());
    mock.on(RestoreEventDataStoreCommand).rejects(
      new EventDataStoreMaxLimitExceededException({
        message: 'Your account has the maximum number of event data stores',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const { run } = runWith();

    // Act
    const outcome = await restoreWithRetries(ARN, run);

    // Assess
    expect(outcome).toMatchObject({ action: 'failed', reason: 'restore-failed', attempts: 1 });
    expect(outcome.error?.name).toBe('EventDataStoreMaxLimitExceededException');
    expect(mock).toHaveReceivedCommandTimes(RestoreEventDataStoreCommand, 1);
    expect(find('d1').Status).toBe('PENDING_DELETION');
  });

  it('counts a status race answered by someone else’s restore as restored', async () => {
    // Prepare: someone restored the store just before our request
    const { mock, find } = fakeAccount(deleted());
    mock.on(RestoreEventDataStoreCommand).callsFake(() => {
      find('d1').Status = 'ENABLED';
      throw statusRace();
    });
    const { run } = runWith();

    // Act
    const outcome = await restoreWithRetries(ARN, run);

    // Assess
    expect(outcome).toEqual({
      action: 'restored',
      reason: 'deleted',
      attempts: 1,
      statusAfter: 'ENABLED',
    });
  });

  it('starts a store someone else restored stopped after a status race', async () => {
    // Prepare
    const { mock, find } = fakeAccount(deleted());
    mock.on(RestoreEventDataStoreCommand).callsFake(() => {
      find('d1').Status = 'STOPPED_INGESTION';
      throw statusRace();
    });
    const { run } = runWith();

    // Act
    const outcome = await restoreWithRetries(ARN, run);

    // Assess
    expect(outcome).toMatchObject({ action: 'restored', attempts: 2, statusAfter: 'ENABLED' });
  });

  it('fails restore-failed after status races while the store stays pending deletion', async () => {
    // Prepare
    const { mock } = fakeAccount(deleted());
    mock.on(RestoreEventDataStoreCommand).rejects(statusRace());
    const { run } = runWith({ MAX_ATTEMPTS: '3' });

    // Act
    const outcome = await restoreWithRetries(ARN, run);

    // Assess
    expect(outcome).toMatchObject({
      action: 'failed',
      reason: 'restore-failed',
      attempts: 3,
      statusAfter: 'PENDING_DELETION',
    });
    expect(outcome.error?.name).toBe('InvalidEventDataStoreStatusException');
  });

  it('reads the store once more after a lost answer: applied means restored, not failed', async () => {
    // Prepare: the Restore is applied but its answer lost, and the budget is one request
    const { mock, restore } = fakeAccount(deleted());
    mock.on(RestoreEventDataStoreCommand).callsFake((input) => {
      restore(input);
      throw connectionReset();
    });
    const { run } = runWith({ MAX_ATTEMPTS: '1' });

    // Act
    const outcome = await restoreWithRetries(ARN, run);

    // Assess
    expect(outcome).toEqual({
      action: 'restored',
      reason: 'deleted',
      attempts: 1,
      statusAfter: 'ENABLED',
    });
  });

  it('fails restore-failed after lost answers when the store is still pending deletion', async () => {
    // Prepare
    const { mock } = fakeAccount(deleted());
    mock.on(RestoreEventDataStoreCommand).rejects(connectionReset());
    const { run } = runWith({ MAX_ATTEMPTS: '2' });

    // Act
    const outcome = await restoreWithRetries(ARN, run);

    // Assess
    expect(outcome).toMatchObject({ action: 'failed', reason: 'restore-failed', attempts: 2 });
    expect(outcome.error?.name).toBe('ECONNRESET');
  });

  it('fails deadline-exceeded when the next wait would end past the deadline', async () => {
    // Prepare: 300 ms left after the margin; the second backoff (200 ms) no longer fits
    const { mock } = fakeAccount(deleted());
    mock.on(RestoreEventDataStoreCommand).rejects(throttled());
    const { run, sleeps } = runWith({}, 1_300);

    // Act
    const outcome = await restoreWithRetries(ARN, run);

    // Assess
    expect(outcome).toMatchObject({ action: 'failed', reason: 'deadline-exceeded', attempts: 2 });
    expect(outcome.error?.name).toBe('ThrottlingException');
    expect(sleeps).toEqual([100]);
  });

  it('sends nothing and fails deadline-exceeded when no time is left', async () => {
    // Prepare
    const { mock } = fakeAccount(deleted());
    const { run } = runWith({}, 1_000);

    // Act
    const outcome = await restoreWithRetries(ARN, run);

    // Assess
    expect(outcome).toEqual({ action: 'failed', reason: 'deadline-exceeded', attempts: 0 });
    expect(mock).toHaveReceivedCommandTimes(RestoreEventDataStoreCommand, 0);
  });

  it('fails with the start’s reason when the restored store cannot be started', async () => {
    // Prepare
    const { mock } = fakeAccount(deleted(), { restoreTo: 'STOPPED_INGESTION' });
    mock.on(StartEventDataStoreIngestionCommand).rejects(
      Object.assign(new Error('denied'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const { run } = runWith();

    // Act
    const outcome = await restoreWithRetries(ARN, run);

    // Assess
    expect(outcome).toMatchObject({ action: 'failed', reason: 'start-failed', attempts: 2 });
    expect(outcome.error?.name).toBe('AccessDeniedException');
  });
});
