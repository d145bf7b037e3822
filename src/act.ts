/**
 * What a decision does: resume or restore the store, then turn termination protection back on
 * when the decision asks for it. One result; its failure line says what went wrong.
 */
import type { CallError } from './call-error.js';
import type { Decision } from './policy.js';
import { protectWithRetries } from './protect-with-retries.js';
import { reportDecision, reportFailure } from './report.js';
import { restoreWithRetries } from './restore-with-retries.js';
import type { Run } from './run.js';
import { startWithRetries } from './start-with-retries.js';
import { REASONS, type StoreResult } from './types.js';

/** The `info` line of a store the guard acted on, by its action (fixed messages, searchable). */
const DONE_MESSAGES: Partial<Record<StoreResult['action'], string>> = {
  resumed: 'store resumed',
  restored: 'store restored',
  protected: 'store protected',
};

function reportDone(run: Run, result: StoreResult): StoreResult {
  run.logger.info(DONE_MESSAGES[result.action] ?? 'store decision', { ...result });
  return result;
}

/** What is known of the store before acting. */
export type Before = Pick<StoreResult, 'eventDataStore' | 'name' | 'statusBefore'>;

export async function act(decision: Decision, before: Before, run: Run): Promise<StoreResult> {
  if (decision.action === 'resume' || decision.action === 'restore') {
    run.logger.info('store decision', {
      ...before,
      action: decision.action,
      reason: decision.reason,
    });
    const { error, ...outcome } =
      decision.action === 'resume'
        ? await startWithRetries(before.eventDataStore, decision.waitForStopped, run)
        : await restoreWithRetries(before.eventDataStore, run);
    const result: StoreResult = { ...before, ...outcome };
    if (result.action === 'failed') return reportFailure(run, withError(result, error), error);
    if (decision.protect) return protect(result, run);
    return reportDone(run, result);
  }
  const action = decision.action === 'skip' ? 'skipped' : decision.action;
  const decided: StoreResult = { ...before, action, reason: decision.reason, attempts: 0 };
  if (!decision.protect) return reportDecision(run, decided);
  run.logger.info('store decision', { ...decided, protect: true });
  return protect({ ...decided, action: 'protected', reason: REASONS.protectionDisabled }, run);
}

/** UpdateEventDataStore protection on, after the rest of `done` succeeded. */
async function protect(done: StoreResult, run: Run): Promise<StoreResult> {
  const outcome = await protectWithRetries(done.eventDataStore, run);
  if (!outcome.protected) {
    const failed: StoreResult = {
      ...done,
      action: 'failed',
      reason: REASONS.protectFailed,
      attempts: done.attempts + outcome.attempts,
    };
    return reportFailure(run, withError(failed, outcome.error), outcome.error);
  }
  return reportDone(run, { ...done, attempts: done.attempts + outcome.attempts, protected: true });
}

function withError(result: StoreResult, error: CallError | undefined): StoreResult {
  return error === undefined ? result : { ...result, errorName: error.name };
}
