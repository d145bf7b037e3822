/**
 * RestoreEventDataStore with retries, the wait until the store has left PENDING_DELETION, and
 * the start of a store that came back stopped. `sendWithRetries` sends and counts; this file says
 * what a status race, a refusal and the restored status mean.
 */
import type { CallError } from './call-error.js';
import { PENDING_DELETION, pollStatus, readStatus, STOPPED, STOPPING } from './poll-status.js';
import type { StopCause } from './retry-policy.js';
import type { Run } from './run.js';
import { NOTHING_SENT, sendWithRetries, type WriteCount } from './send-with-retries.js';
import { failed, startWithRetries } from './start-with-retries.js';
import { REASONS, type Reason } from './types.js';

/** How a restore ended: the result's action and reason, and the error behind a failure. */
export interface RemedyOutcome {
  readonly action: 'restored' | 'failed';
  readonly reason: Reason;
  /**
   * Requests that asked for a change: RestoreEventDataStore requests plus, for a store that came
   * back stopped, StartEventDataStoreIngestion requests. Reads are not counted.
   */
  readonly attempts: number;
  readonly statusAfter?: string;
  readonly error?: CallError;
}

const isRestored = (status: string | undefined): status is string =>
  status !== undefined && status !== PENDING_DELETION;

/**
 * Restores a store pending deletion and, if it comes back STOPPED_INGESTION (or stopping),
 * starts it. Someone else's restore, seen after a status race or a lost answer, counts as
 * restored. Never throws for an API error.
 */
export async function restoreWithRetries(arn: string, run: Run): Promise<RemedyOutcome> {
  const write = { arn, what: 'restore', send: () => run.cloudtrail.restoreStore(arn) };
  let count = NOTHING_SENT;
  for (;;) {
    const ending = await sendWithRetries(write, count, run);
    count = ending.count;
    if (ending.end === 'answered') return afterRestore(arn, ending.answer.status, count, run);
    if (ending.end === 'expired') {
      return failed(REASONS.deadlineExceeded, count.attempts, ending.failure);
    }
    if (ending.end === 'stopped') return giveUp(arn, ending, run);
    // A status race: restored meanwhile by someone else, or still pending deletion.
    const status = await readStatus(arn, run);
    if (isRestored(status)) return afterRestore(arn, status, count, run);
    if (status === undefined || count.attempts >= run.config.maxAttempts) {
      return failed(REASONS.restoreFailed, count.attempts, ending.failure, status);
    }
  }
}

interface Ending {
  readonly failure: CallError;
  readonly cause: StopCause;
  readonly count: WriteCount;
}

/** A failed Restore may hide one that was applied (its answer lost): read the status once more. */
async function giveUp(arn: string, { failure, cause, count }: Ending, run: Run) {
  if (count.maybeApplied && !run.deadline.signal.aborted) {
    const status = await readStatus(arn, run);
    if (isRestored(status)) return afterRestore(arn, status, count, run);
  }
  const reason = cause === 'deadline' ? REASONS.deadlineExceeded : REASONS.restoreFailed;
  return failed(reason, count.attempts, failure);
}

/**
 * After an accepted restore: waits (VERIFY_TIMEOUT_MS at most) until the store has left
 * PENDING_DELETION, unless the answer already says it has, then starts it if it came back stopped.
 */
async function afterRestore(
  arn: string,
  answered: string | undefined,
  count: WriteCount,
  run: Run,
): Promise<RemedyOutcome> {
  const status = isRestored(answered) ? answered : await pollStatus(arn, run, isRestored);
  if (!isRestored(status)) return failed(REASONS.notVerified, count.attempts, undefined, status);
  if (status !== STOPPED && status !== STOPPING) {
    return {
      action: 'restored',
      reason: REASONS.deleted,
      attempts: count.attempts,
      statusAfter: status,
    };
  }
  const started = await startWithRetries(arn, status === STOPPING, run);
  const attempts = count.attempts + started.attempts;
  if (started.action === 'failed') {
    return failed(started.reason, attempts, started.error, started.statusAfter);
  }
  return {
    action: 'restored',
    reason: REASONS.deleted,
    attempts,
    ...(started.statusAfter !== undefined && { statusAfter: started.statusAfter }),
  };
}
