import { UpdateEventDataStoreCommand } from '@aws-sdk/client-cloudtrail';
import { afterEach, describe, expect, it } from 'vitest';
import { protectWithRetries } from '../../src/protect-with-retries.js';
import type { Run } from '../../src/run.js';
import { arnOf, fakeAccount, fakeRun, store } from '../support/fake-account.js';

const ARN = arnOf('p1');
const unprotected = () => [store('p1', 'ENABLED', { TerminationProtectionEnabled: false })];
const serviceUnavailable = () =>
  Object.assign(new Error('unavailable'), {
    name: 'ServiceUnavailable',
    $metadata: { httpStatusCode: 503 },
  });
const connectionReset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

let opened: Run | undefined;
/** A Run over the fake account (closed after each test). */
function runWith(env: Record<string, string> = {}) {
  const built = fakeRun(env);
  opened = built.run;
  return built;
}
afterEach(() => opened?.close());

describe('Function: protectWithRetries', () => {
  it('turns termination protection on with one request that changes nothing else', async () => {
    // Prepare
    const { mock, find } = fakeAccount(unprotected());
    const { run } = runWith();

    // Act
    const outcome = await protectWithRetries(ARN, run);

    // Assess
    expect(outcome).toEqual({ protected: true, attempts: 1 });
    expect(find('p1').TerminationProtectionEnabled).toBe(true);
    const [call] = mock.commandCalls(UpdateEventDataStoreCommand);
    expect(call?.args[0].input).toEqual({
      EventDataStore: ARN,
      TerminationProtectionEnabled: true,
    });
  });

  it('retries after a 503 with the backoff and then protects', async () => {
    // Prepare
    const { mock, update } = fakeAccount(unprotected());
    mock.on(UpdateEventDataStoreCommand).rejectsOnce(serviceUnavailable()).callsFake(update);
    const { run, sleeps, lines } = runWith();

    // Act
    const outcome = await protectWithRetries(ARN, run);

    // Assess
    expect(outcome).toEqual({ protected: true, attempts: 2 });
    expect(sleeps).toEqual([100]);
    expect(lines.map(({ message, fields }) => [message, fields.operation])).toEqual([
      ['protect attempt failed', 'UpdateEventDataStore'],
    ]);
  });

  it('gives up at once on AccessDeniedException, keeping the error', async () => {
    // Prepare
    const { mock, find } = fakeAccount(unprotected());
    mock.on(UpdateEventDataStoreCommand).rejects(
      Object.assign(new Error('not authorized to perform cloudtrail:UpdateEventDataStore'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const { run } = runWith();

    // Act
    const outcome = await protectWithRetries(ARN, run);

    // Assess
    expect(outcome).toMatchObject({ protected: false, attempts: 1 });
    expect(outcome.error?.name).toBe('AccessDeniedException');
    expect(mock).toHaveReceivedCommandTimes(UpdateEventDataStoreCommand, 1);
    expect(find('p1').TerminationProtectionEnabled).toBe(false);
  });

  it('refuses a store pending deletion: InactiveEventDataStoreException', async () => {
    // Prepare
    fakeAccount([store('p1', 'PENDING_DELETION')]);
    const { run } = runWith();

    // Act
    const outcome = await protectWithRetries(ARN, run);

    // Assess
    expect(outcome).toMatchObject({ protected: false, attempts: 1 });
    expect(outcome.error?.name).toBe('InactiveEventDataStoreException');
  });

  it('reads the store after a lost last answer: protected means protected, not failed', async () => {
    // Prepare: the update is applied but its answer lost, and the budget is one request
    const { mock, update } = fakeAccount(unprotected());
    mock.on(UpdateEventDataStoreCommand).callsFake((input) => {
      update(input);
      throw connectionReset();
    });
    const { run } = runWith({ MAX_ATTEMPTS: '1' });

    // Act
    const outcome = await protectWithRetries(ARN, run);

    // Assess
    expect(outcome).toEqual({ protected: true, attempts: 1 });
  });

  it('fails after lost answers when the store is still unprotected', async () => {
    // Prepare
    const { mock } = fakeAccount(unprotected());
    mock.on(UpdateEventDataStoreCommand).rejects(connectionReset());
    const { run } = runWith({ MAX_ATTEMPTS: '3' });

    // Act
    const outcome = await protectWithRetries(ARN, run);

    // Assess
    expect(outcome).toMatchObject({ protected: false, attempts: 3 });
    expect(outcome.error?.name).toBe('ECONNRESET');
    expect(mock).toHaveReceivedCommandTimes(UpdateEventDataStoreCommand, 3);
  });
});
