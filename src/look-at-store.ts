/**
 * Everything the guard reads about one managed store before deciding: GetEventDataStore, its
 * tags, what the state table remembers; then the integrity assessment, and the state table told
 * what changed. A state table that fails is warned about and never fails the store.
 */
import { toCallError } from './call-error.js';
import { callWithRetries } from './call-with-retries.js';
import { type Assessment, assess } from './integrity.js';
import { reportStateFailure } from './report.js';
import type { Run } from './run.js';
import { tagsOf } from './store-tags.js';
import type { Candidate, ResumeRequest, StoreMemory, StoreSnapshot } from './types.js';

export interface Looked {
  readonly snapshot: StoreSnapshot;
  readonly assessment: Assessment;
}

/** GetEventDataStore and the tags (those resolving read, or ListTags); throws a CallError. */
export async function describeStore(candidate: Candidate, run: Run): Promise<StoreSnapshot> {
  const arn = candidate.eventDataStore;
  const snapshot = await callWithRetries(run, () => run.cloudtrail.describeStore(arn), arn);
  const tags =
    candidate.tags ??
    tagsOf(await callWithRetries(run, () => run.cloudtrail.listTags([arn]), arn), arn);
  return { ...snapshot, tags: tags ?? {} };
}

/** What the state table remembers, the assessment, and the state table told what changed. */
export async function assessStore(
  arn: string,
  snapshot: StoreSnapshot,
  request: ResumeRequest,
  run: Run,
): Promise<Looked> {
  const recalled = await recall(arn, run);
  if (request.acceptBaseline === true && !recalled.tracked) {
    run.logger.warn('baseline not accepted', {
      eventDataStore: arn,
      reason: 'no state table to record it in (STATE_TABLE unset or unavailable)',
    });
  }
  const now = run.now();
  const assessment = assess(snapshot, recalled.memory, request, run.config, now, recalled.tracked);
  if (recalled.tracked) await remember(arn, assessment, run);
  return { snapshot, assessment };
}

/** The store's record; `tracked` false without a state table or when it cannot be read. */
async function recall(arn: string, run: Run): Promise<{ tracked: boolean; memory?: StoreMemory }> {
  const state = run.state;
  if (state === undefined) return { tracked: false };
  try {
    const record = await callWithRetries(run, () => state.getStore(arn), arn);
    return record === undefined ? { tracked: true } : { tracked: true, memory: record };
  } catch (error) {
    reportStateFailure(
      run,
      toCallError(error),
      'drift is not checked for this store this time',
      arn,
    );
    return { tracked: false };
  }
}

async function remember(arn: string, assessment: Assessment, run: Run): Promise<void> {
  const state = run.state;
  const { baseline, exemptionDistrusted } = assessment.writes;
  if (state === undefined) return;
  try {
    if (baseline !== undefined) {
      await callWithRetries(run, () => state.putBaseline(arn, baseline, run.now()), arn);
    }
    if (exemptionDistrusted !== undefined) {
      const distrusted = exemptionDistrusted;
      await callWithRetries(run, () => state.setExemptionDistrusted(arn, distrusted), arn);
    }
  } catch (error) {
    reportStateFailure(run, toCallError(error), 'the change is checked again next time', arn);
  }
}
