/** One store, end to end: look → decide → act → one result and its log lines. */

import { act } from './act.js';
import { toCallError } from './call-error.js';
import { assessStore, describeStore, type Looked } from './look-at-store.js';
import { decide, isOwnAction } from './policy.js';
import { failedResult, reportFailure, reportFindings } from './report.js';
import { countRestop } from './restops.js';
import type { Run } from './run.js';
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
  let looked: Looked | undefined;
  if (isOurs(candidate, request, run)) {
    let snapshot: StoreSnapshot;
    try {
      snapshot = await describeStore(candidate, run);
    } catch (error) {
      const failure = toCallError(error);
      return reportFailure(run, failedResult(arn, REASONS.describeFailed, failure), failure);
    }
    looked = await assessStore(arn, snapshot, request, run);
  }
  const facts = looked && { snapshot: looked.snapshot, memory: looked.assessment.memory };
  const decision = decide({ ...candidate, ...facts }, request, run.config, run.now());
  for (const warning of decision.warnings) {
    run.logger.warn('exempt tag ignored', { eventDataStore: arn, warning });
  }
  const findings = looked?.assessment.findings ?? [];
  reportFindings(run, arn, findings);
  const snapshot = looked?.snapshot;
  const before = {
    eventDataStore: arn,
    ...(snapshot?.name !== undefined && { name: snapshot.name }),
    ...(snapshot?.status !== undefined && { statusBefore: snapshot.status }),
  };
  const result = await act(decision, before, run);
  const escalation = await countRestop(result, request, run);
  if (escalation !== undefined) reportFindings(run, arn, [escalation]);
  const all = escalation === undefined ? findings : [...findings, escalation];
  return all.length === 0 ? result : { ...result, findings: all };
}

/** A bug, not an API error: the store fails loudly instead of taking the others down. */
export function crashed(run: Run, candidate: Candidate, error: unknown): StoreResult {
  const failure = toCallError(error);
  const result = failedResult(candidate.eventDataStore, REASONS.startFailed, failure);
  return reportFailure(run, result, failure);
}

/** Only a managed store of our own is looked at, and not for the guard's own call. */
function isOurs(candidate: Candidate, request: ResumeRequest, run: Run): boolean {
  return (
    candidate.managed &&
    !candidate.foreign &&
    candidate.stopCallFailed !== true &&
    !isOwnAction(request, run.config)
  );
}
