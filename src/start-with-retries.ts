/**
 * StartEventDataStoreIngestion with retries, then the check that the store really ingests.
 * The loop only sends and counts; what follows a failed request is `nextStep`'s to say.
 */
import { type CallError, toCallError } from './call-error.js';
import { attemptFields, backoffOf, retryState } from './call-with-retries.js';
import { isIngesting } from './policy.js';
import { isStoppedOrIngesting, pollStatus, readStatus, STOPPED, STOPPING } from './poll-status.js';
import { mayHaveBeenApplied, nextStep, type StopCause } from './retry-policy.js';
import type { Run } from './run.js';
import { REASONS, type Reason } from './types.js';

/** How a resume ended: the result's action and reason, and the error behind a failure. */
export interface Outcome {
  readonly action: 'resumed' | 'failed';
  readonly reason: Reason;
  /** Start requests sent. */
  readonly attempts: number;
  readonly statusAfter?: string;
  readonly error?: CallError;
}

const failed = (
  reason: Reason,
  attempts: number,
  error: CallError | undefined,
  statusAfter?: string,
): Outcome => ({
  action: 'failed',
  reason,
  attempts,
  ...(statusAfter !== undefined && { statusAfter }),
  ...(error !== undefined && { error }),
});

/** Starts a stopped (or, with `waitForStopped`, a stopping) store; never throws for an API error. */
export async function startWithRetries(
  arn: string,
  waitForStopped: boolean,
  run: Run,
): Promise<Outcome> {
  let status: string | undefined = waitForStopped ? STOPPING : STOPPED;
  let attempts = 0;
  let retries = 0;
  let failure: CallError | undefined;
  /** Some failed Start may have been applied (its answer lost). */
  let maybeApplied = false;
  for (;;) {
    if (status === STOPPING) status = await pollStatus(arn, run, isStoppedOrIngesting);
    if (status !== STOPPED) return afterRace(status, attempts, failure);
    if (run.deadline.remainingMs() <= 0) return failed(REASONS.deadlineExceeded, attempts, failure);
    attempts += 1;
    failure = await run.cloudtrail.startIngestion(arn).then(
      () => undefined,
      (error: unknown) => toCallError(error),
    );
    if (failure === undefined) return verify(arn, attempts, run);
    maybeApplied ||= mayHaveBeenApplied(failure);
    const step = nextStep(failure, retryState(run, attempts, retries), backoffOf(run), run.random);
    if (step.step === 'stop') {
      return giveUp(arn, { attempts, failure, cause: step.cause, maybeApplied }, run);
    }
    const delayMs = step.step === 'retry' ? step.delayMs : 0;
    run.logger.warn('start attempt failed', {
      eventDataStore: arn,
      ...attemptFields(failure, attempts, delayMs),
    });
    if (step.step === 'reread') {
      status = await readStatus(arn, run);
      // Still (or again) stopped: start once more, while the budget lasts.
      const stillStopped = status === STOPPED || status === STOPPING;
      if (stillStopped && attempts >= run.config.maxAttempts) {
        return failed(REASONS.invalidStatus, attempts, failure, status);
      }
    } else if (await run.pause(delayMs)) {
      retries += 1;
    } else {
      return failed(REASONS.deadlineExceeded, attempts, failure);
    }
  }
}

interface Ending {
  readonly attempts: number;
  readonly failure: CallError;
  readonly cause: StopCause;
  /** Some failed Start may have been applied: its answer lost, whatever the last error says. */
  readonly maybeApplied: boolean;
}

/**
 * A failed Start may hide one that was applied (its answer lost): read the status once more,
 * time permitting, so that an ingesting store is never reported failed.
 */
async function giveUp(arn: string, ending: Ending, run: Run): Promise<Outcome> {
  const { attempts, failure, cause } = ending;
  if (ending.maybeApplied && !run.deadline.signal.aborted) {
    const status = await readStatus(arn, run);
    if (status !== undefined && isIngesting(status)) return afterRace(status, attempts, failure);
  }
  const reason = cause === 'deadline' ? REASONS.deadlineExceeded : REASONS.startFailed;
  return failed(reason, attempts, failure);
}

/** After a status race or a wait: someone else started it, or it is in a state we cannot start. */
function afterRace(status: string | undefined, attempts: number, error: CallError | undefined) {
  if (status !== undefined && isIngesting(status)) {
    return {
      action: 'resumed',
      reason: REASONS.startedConcurrently,
      attempts,
      statusAfter: status,
    } as const;
  }
  return failed(REASONS.invalidStatus, attempts, error, status);
}

/** Polls until the store reports ingesting (bounded by VERIFY_TIMEOUT_MS and the deadline). */
async function verify(arn: string, attempts: number, run: Run): Promise<Outcome> {
  const statusAfter = await pollStatus(arn, run, isIngesting);
  if (statusAfter === undefined || !isIngesting(statusAfter)) {
    return failed(REASONS.notVerified, attempts, undefined, statusAfter);
  }
  return { action: 'resumed', reason: REASONS.stopped, attempts, statusAfter };
}
