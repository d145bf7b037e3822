/** The log lines that close a store's handling: one per decision, one per failure. */
import type { CallError } from './call-error.js';
import { isAboveInformational } from './drift.js';
import { explainFailure } from './explain.js';
import type { Run } from './run.js';
import type { Finding, Reason, StoreResult } from './types.js';

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

/**
 * One line per finding: `warn` above INFORMATIONAL (alarms and on-call people read these), `info`
 * for the rest (a baseline recorded).
 */
export function reportFindings(run: Run, eventDataStore: string, findings: readonly Finding[]) {
  for (const finding of findings) {
    const fields = { eventDataStore, ...finding };
    if (isAboveInformational(finding)) run.logger.warn('integrity finding', fields);
    else run.logger.info('integrity finding', fields);
  }
}

/** The state table failed: said once per failure, never a store's failure. */
export function reportStateFailure(
  run: Run,
  error: CallError,
  consequence: string,
  eventDataStore?: string,
): void {
  run.logger.warn('state table unavailable', {
    ...(eventDataStore !== undefined && { eventDataStore }),
    operation: error.operation,
    errorName: error.name,
    errorMessage: error.message,
    consequence,
  });
}
