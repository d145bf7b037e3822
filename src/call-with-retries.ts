/**
 * A read (GetEventDataStore, ListTags, ListEventDataStores) retried as `nextStep` says, within
 * `READ_MAX_ATTEMPTS` requests and the deadline. Reads are idempotent: retrying one is always safe.
 */
import { type CallError, toCallError } from './call-error.js';
import { classifyError, nextStep } from './retry-policy.js';
import type { Run } from './run.js';

/** `call`'s result, or the last error once `nextStep` says stop (a race counts as terminal). */
export async function callWithRetries<T>(
  run: Run,
  call: () => Promise<T>,
  eventDataStore?: string,
): Promise<T> {
  for (let attempts = 1, retries = 0; ; attempts += 1) {
    let failure: CallError;
    try {
      return await call();
    } catch (error) {
      failure = toCallError(error);
    }
    const state = retryState(run, attempts, retries, run.config.readMaxAttempts);
    const step = nextStep(failure, state, backoffOf(run), run.random);
    if (step.step !== 'retry') throw failure;
    run.logger.warn('read attempt failed', {
      ...(eventDataStore !== undefined && { eventDataStore }),
      ...attemptFields(failure, attempts, step.delayMs),
    });
    if (!(await run.pause(step.delayMs))) throw failure;
    retries += 1;
  }
}

export function retryState(
  run: Run,
  attempts: number,
  retries: number,
  maxAttempts = run.config.maxAttempts,
) {
  return {
    attempts,
    maxAttempts,
    retries,
    remainingMs: run.deadline.remainingMs(),
    aborted: run.deadline.signal.aborted,
  };
}

export function backoffOf(run: Run) {
  return { baseDelayMs: run.config.retryBaseDelayMs, maxDelayMs: run.config.retryMaxDelayMs };
}

/** The fields of a `warn` line for a failed attempt. */
export function attemptFields(failure: CallError, attempt: number, delayMs: number) {
  const info = classifyError(failure);
  return {
    operation: failure.operation,
    attempt,
    errorName: failure.name,
    errorClass: info.class,
    meaning: info.meaning,
    delayMs,
  };
}
