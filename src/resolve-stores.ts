/**
 * Which stores a request is about, resolved once: identifiers become ARNs, foreignness and
 * management are settled, and the tags read along the way are kept for `describe`. Stores are
 * keyed by ID (ours) or ARN (foreign), so one store is one candidate however it is spelled.
 */

import { toCallError } from './call-error.js';
import { callWithRetries } from './call-with-retries.js';
import { LIST_TAGS_BATCH } from './cloudtrail.js';
import { mapWithConcurrency } from './concurrency.js';
import { storeId } from './identifiers.js';
import { isForeignStore, isOwnAction } from './policy.js';
import { failedResult, reportFailure, reportStateFailure } from './report.js';
import { isNoSuchStore } from './retry-policy.js';
import type { Run } from './run.js';
import { tagsOf } from './store-tags.js';
import {
  type Candidate,
  type Here,
  REASONS,
  type ResumeRequest,
  type StoreResult,
  type Tags,
} from './types.js';

export interface Resolved {
  readonly candidates: readonly Candidate[];
  /** Lookups that failed (the whole tag listing as `*`, or one named store). */
  readonly failures: readonly StoreResult[];
}

export async function resolveStores(request: ResumeRequest, run: Run): Promise<Resolved> {
  if (isOwnAction(request, run.config)) return resolveOwnAction(request, run);
  const listed = [
    ...run.config.managedStores.map((store) => toArn(store, run.here)),
    ...(await readRegistry(run)),
  ];
  if (request.scope === 'managed') return resolveSweep(listed, run);
  return resolveNamed(request.scope, request.failedStops ?? [], listed, run);
}

/**
 * The guard's own call coming back through the EventBridge rule: the stores it named (or, without
 * a name, the listed ones), once each, with no lookup at all — each is skipped as `own-action`.
 */
function resolveOwnAction(request: ResumeRequest, run: Run): Resolved {
  const named = request.scope === 'managed' ? run.config.managedStores : request.scope;
  const book = new Map<string, Candidate>();
  for (const arn of named.map((store) => toArn(store, run.here))) {
    const key = keyOf(arn, run.here);
    if (!book.has(key)) book.set(key, candidateOf(arn, run.here, false));
  }
  return { candidates: [...book.values()], failures: [] };
}

/** An ID suffix becomes an ARN of our own account and region; an ARN stays as it is. */
function toArn(identifier: string, here: Here): string {
  if (identifier.startsWith('arn:')) return identifier;
  const { partition, region, accountId } = here;
  return `arn:${partition}:cloudtrail:${region}:${accountId}:eventdatastore/${storeId(identifier)}`;
}

/**
 * The stores the state table has a record of: managed when it was made, they stay managed — a
 * deleted store may no longer be listed, and a removed opt-in tag must not release a store.
 */
async function readRegistry(run: Run): Promise<string[]> {
  const state = run.state;
  if (state === undefined) return [];
  try {
    return await callWithRetries(run, () => state.listStores());
  } catch (error) {
    const consequence = 'stores known only to the state table are not handled this time';
    reportStateFailure(run, toCallError(error), consequence);
    return [];
  }
}

function keyOf(arn: string, here: Here): string {
  return isForeignStore(arn, here) ? arn : storeId(arn);
}

function candidateOf(arn: string, here: Here, managed: boolean, tags?: Tags): Candidate {
  return {
    eventDataStore: arn,
    managed,
    foreign: isForeignStore(arn, here),
    ...(tags !== undefined && { tags }),
  };
}

/** Every managed store: the listed ones, and those of the account carrying the opt-in tag. */
async function resolveSweep(listed: readonly string[], run: Run): Promise<Resolved> {
  const book = new Map(
    listed.map((arn) => [keyOf(arn, run.here), candidateOf(arn, run.here, true)]),
  );
  const optIn = run.config.optInTag;
  if (optIn === undefined) return { candidates: [...book.values()], failures: [] };
  try {
    for (const [arn, tags] of await readAccountTags(run)) {
      const key = keyOf(arn, run.here);
      const known = book.get(key);
      if (known !== undefined) book.set(key, { ...known, tags });
      else if (tags[optIn.key] === optIn.value)
        book.set(key, candidateOf(arn, run.here, true, tags));
    }
    return { candidates: [...book.values()], failures: [] };
  } catch (error) {
    // Stores managed by tag are unknown this time; listed stores still get handled.
    const failure = toCallError(error);
    const result = failedResult('*', REASONS.resolveFailed, failure);
    return { candidates: [...book.values()], failures: [reportFailure(run, result, failure)] };
  }
}

/** ListEventDataStores, then ListTags 20 ARNs at a time: each store's ARN with its tags. */
async function readAccountTags(run: Run): Promise<[string, Tags][]> {
  const arns = await callWithRetries(run, () => run.cloudtrail.listStoreArns());
  const found: [string, Tags][] = [];
  for (let i = 0; i < arns.length; i += LIST_TAGS_BATCH) {
    const batch = arns.slice(i, i + LIST_TAGS_BATCH);
    const answer = await callWithRetries(run, () => run.cloudtrail.listTags(batch));
    for (const arn of batch) found.push([arn, tagsOf(answer, arn) ?? {}]);
  }
  return found;
}

/**
 * The stores an event named, once each. With an opt-in tag, ListTags is asked about each named
 * store of our own not already managed — never about a foreign one, nor the whole account.
 */
async function resolveNamed(
  scope: readonly string[],
  failedStops: readonly string[],
  listed: readonly string[],
  run: Run,
): Promise<Resolved> {
  const managed = new Set(listed.map((arn) => keyOf(arn, run.here)));
  const book = new Map<string, Candidate>();
  for (const arn of scope.map((store) => toArn(store, run.here))) {
    const key = keyOf(arn, run.here);
    if (!book.has(key)) book.set(key, candidateOf(arn, run.here, managed.has(key)));
  }
  for (const arn of failedStops.map((store) => toArn(store, run.here))) {
    const key = keyOf(arn, run.here);
    if (!book.has(key))
      book.set(key, { ...candidateOf(arn, run.here, managed.has(key)), stopCallFailed: true });
  }
  const looked = await mapWithConcurrency([...book.values()], run.config.storeConcurrency, (c) =>
    lookUpOptIn(c, run),
  );
  return {
    candidates: looked.filter((entry): entry is Candidate => !('action' in entry)),
    failures: looked.filter((entry): entry is StoreResult => 'action' in entry),
  };
}

/** A named store the opt-in tag may manage: its tags decide; no such store here is unmanaged. */
async function lookUpOptIn(candidate: Candidate, run: Run): Promise<Candidate | StoreResult> {
  const optIn = run.config.optInTag;
  const asked = !candidate.managed && !candidate.foreign && candidate.stopCallFailed !== true;
  if (optIn === undefined || !asked) return candidate;
  const arn = candidate.eventDataStore;
  try {
    const answer = await callWithRetries(run, () => run.cloudtrail.listTags([arn]), arn);
    const tags = tagsOf(answer, arn) ?? {};
    return { ...candidate, managed: tags[optIn.key] === optIn.value, tags };
  } catch (error) {
    const failure = toCallError(error);
    if (isNoSuchStore(failure.name)) return candidate;
    return reportFailure(run, failedResult(arn, REASONS.resolveFailed, failure), failure);
  }
}
