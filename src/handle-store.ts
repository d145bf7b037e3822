/** One store, end to end: describe → decide → act → one result and its log line. */

import { type CallError, toCallError } from './call-error.js';
import { callWithRetries } from './call-with-retries.js';
import { decide } from './policy.js';
import { failedResult, reportDecision, reportFailure } from './report.js';
import type { Run } from './run.js';
import { startWithRetries } from './start-with-retries.js';
import { tagsOf } from './store-tags.js';
import {
  type Candidate,
  REASONS,
  type ResumeRequest,
  type StoreResult,
  type StoreSnapshot,
} from './types.js';

/** Never throws for an API error; every outcome is a `StoreResult`. */
export async function handleStore(
  candidate: Candidate,
  request: ResumeRequest,
  run: Run,
): Promise<StoreResult> {
  const arn = candidate.eventDataStore;
  let snapshot: StoreSnapshot | undefined;
  if (isOurs(candidate)) {
    try {
      snapshot = await describe(candidate, run);
    } catch (error) {
      const failure = toCallError(error);
      return reportFailure(run, failedResult(arn, REASONS.describeFailed, failure), failure);
    }
  }
  const decision = decide(
    { ...candidate, ...(snapshot && { snapshot }) },
    request,
    run.config,
    run.now(),
  );
  for (const warning of decision.warnings) {
    run.logger.warn('exempt tag ignored', { eventDataStore: arn, warning });
  }
  const before = {
    eventDataStore: arn,
    ...(snapshot?.name !== undefined && { name: snapshot.name }),
    ...(snapshot?.status !== undefined && { statusBefore: snapshot.status }),
  };
  if (decision.action !== 'resume') {
    const action = decision.action === 'skip' ? 'skipped' : 'would-resume';
    return reportDecision(run, { ...before, action, reason: decision.reason, attempts: 0 });
  }
  run.logger.info('store decision', { ...before, action: 'resume', reason: decision.reason });
  const { error, ...outcome } = await startWithRetries(arn, decision.waitForStopped, run);
  const result: StoreResult = { ...before, ...outcome };
  if (result.action === 'failed') return reportFailure(run, withError(result, error), error);
  run.logger.info('store resumed', { ...result });
  return result;
}

/** A bug, not an API error: the store fails loudly instead of taking the others down. */
export function crashed(run: Run, candidate: Candidate, error: unknown): StoreResult {
  const failure = toCallError(error);
  const result = failedResult(candidate.eventDataStore, REASONS.startFailed, failure);
  return reportFailure(run, result, failure);
}

/** Only a managed store of our own is described; the others are decided on what is known. */
function isOurs(candidate: Candidate): boolean {
  return candidate.managed && !candidate.foreign && candidate.stopCallFailed !== true;
}

async function describe(candidate: Candidate, run: Run): Promise<StoreSnapshot> {
  const arn = candidate.eventDataStore;
  const snapshot = await callWithRetries(run, () => run.cloudtrail.describeStore(arn), arn);
  const tags =
    candidate.tags ??
    tagsOf(await callWithRetries(run, () => run.cloudtrail.listTags([arn]), arn), arn);
  return { ...snapshot, tags: tags ?? {} };
}

function withError(result: StoreResult, error: CallError | undefined): StoreResult {
  return error === undefined ? result : { ...result, errorName: error.name };
}
