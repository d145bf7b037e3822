/** The log lines that close a store's handling: one per decision, one per failure. */
import type { CallError } from './call-error.js';
import { explainFailure } from './explain.js';
import type { Run } from './run.js';
import type { Reason, StoreResult } from './types.js';

/** A failed store's result; the error's name is kept when there was one. */
export function failedResult(
  eventDataStore: string,
  reason: Reason,
  error: CallError | undefined,
  attempts = 0,
): StoreResult {
  return {
    eventDataStore,
    action: 'failed',
    reason,
    attempts,
    ...(error !== undefined && { errorName: error.name }),
  };
}

/** Logs the one `error` line of a failed store, with what it means and what to do. */
export function reportFailure(run: Run, result: StoreResult, error: CallError | undefined) {
  run.logger.error('store failed', { ...result, ...explainFailure(result.reason, error) });
  return result;
}

export function reportDecision(run: Run, result: StoreResult): StoreResult {
  run.logger.info('store decision', { ...result });
  return result;
}
