/**
 * StartEventDataStoreIngestion with retries, then the check that the store really ingests.
 * `sendWithRetries` sends and counts; this file says what a status race or a refusal means.
 */
import type { CallError } from './call-error.js';
import { isIngesting } from './policy.js';
import { isStoppedOrIngesting, pollStatus, readStatus, STOPPED, STOPPING } from './poll-status.js';
import type { StopCause } from './retry-policy.js';
import type { Run } from './run.js';
import { NOTHING_SENT, sendWithRetries, type WriteCount } from './send-with-retries.js';
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

/** A failed outcome, of a resume or of any remedy that ends like one. */
export const failed = (
  reason: Reason,
  attempts: number,
  error: CallError | undefined,
  statusAfter?: string,
) => ({
  action: 'failed' as const,
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
  const write = { arn, what: 'start', send: () => run.cloudtrail.startIngestion(arn) };
  let status: string | undefined = waitForStopped ? STOPPING : STOPPED;
  let count = NOTHING_SENT;
  let failure: CallError | undefined;
  for (;;) {
    if (status === STOPPING) status = await pollStatus(arn, run, isStoppedOrIngesting);
    if (status !== STOPPED) return afterRace(status, count.attempts, failure);
    const ending = await sendWithRetries(write, count, run);
    count = ending.count;
    if (ending.end === 'answered') return verify(arn, count.attempts, run);
    if (ending.end === 'expired') {
      return failed(REASONS.deadlineExceeded, count.attempts, ending.failure ?? failure);
    }
    if (ending.end === 'stopped') return giveUp(arn, ending, run);
    failure = ending.failure;
    status = await readStatus(arn, run);
    // Still (or again) stopped: start once more, while the budget lasts.
    const stillStopped = status === STOPPED || status === STOPPING;
    if (stillStopped && count.attempts >= run.config.maxAttempts) {
      return failed(REASONS.invalidStatus, count.attempts, failure, status);
    }
  }
}

interface Ending {
  readonly failure: CallError;
  readonly cause: StopCause;
  readonly count: WriteCount;
}

/**
 * A failed Start may hide one that was applied (its answer lost): read the status once more,
 * time permitting, so that an ingesting store is never reported failed.
 */
async function giveUp(arn: string, { failure, cause, count }: Ending, run: Run): Promise<Outcome> {
  if (count.maybeApplied && !run.deadline.signal.aborted) {
    const status = await readStatus(arn, run);
    if (status !== undefined && isIngesting(status)) {
      return afterRace(status, count.attempts, failure);
    }
  }
  const reason = cause === 'deadline' ? REASONS.deadlineExceeded : REASONS.startFailed;
  return failed(reason, count.attempts, failure);
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
