/**
 * What a failed store's `error` log line says: from the API error table when an API call failed,
 * from the table of reasons below when the failure is the guard's own finding.
 */
import { type CallError, INTERNAL } from './call-error.js';
import { classifyError, type ErrorInfo } from './retry-policy.js';
import { REASONS, type Reason } from './types.js';

export type Explanation = Omit<ErrorInfo, 'class'>;

/** Failures without an API error behind them: what they mean and what to do. */
export const FAILURE_REASONS = {
  [REASONS.notVerified]: {
    meaning:
      'the start (or restore) was accepted but the store was not seen ingesting (or out of PENDING_DELETION) within VERIFY_TIMEOUT_MS',
    operatorAction:
      'check the store in the console (a stop or delete right after?); raise VERIFY_TIMEOUT_MS if it was only slow',
  },
  [REASONS.deadlineExceeded]: {
    meaning: 'the invocation ran out of time before the store could be resumed or restored',
    operatorAction: 'raise the function timeout or lower MAX_ATTEMPTS / VERIFY_TIMEOUT_MS',
  },
  [REASONS.invalidStatus]: {
    meaning: 'the store left the stopped states while the guard waited to start it',
    operatorAction: 'check the store in the console and who is changing it',
  },
} as const satisfies Partial<Record<Reason, Explanation>>;

/** An error that is no API answer: a bug in the guard. */
export const INTERNAL_ERROR: Explanation = {
  meaning: 'the guard itself failed (a bug), not the CloudTrail API',
  operatorAction: 'report it with this log line; the other stores were still handled',
};

const ABORTED = 'AbortError';

/** The fields of the `store failed` line that say what happened and what to do. */
export function explainFailure(
  reason: Reason,
  error: CallError | undefined,
): Record<string, unknown> {
  // An aborted call is the deadline's doing, whichever step it cut short.
  if (error?.name === ABORTED) return { ...FAILURE_REASONS[REASONS.deadlineExceeded] };
  if (error === undefined) {
    return { ...(FAILURE_REASONS[reason as keyof typeof FAILURE_REASONS] ?? INTERNAL_ERROR) };
  }
  const details = {
    errorMessage: error.message,
    ...(error.httpStatusCode !== undefined && { httpStatusCode: error.httpStatusCode }),
  };
  if (error.operation === INTERNAL) return { ...details, ...INTERNAL_ERROR };
  const { class: errorClass, meaning, operatorAction } = classifyError(error);
  return { ...details, errorClass, meaning, operatorAction };
}
