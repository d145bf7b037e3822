/**
 * Re-stop escalation: every stop the guard undid is counted per store in the state table; at
 * RESTOP_THRESHOLD stops within RESTOP_WINDOW_MINUTES the store gets a CRITICAL finding
 * `repeated-stops`. The guard keeps resuming: it never gives up nor exempts on its own.
 */
import { toCallError } from './call-error.js';
import { callWithRetries } from './call-with-retries.js';
import { reportStateFailure } from './report.js';
import type { Run } from './run.js';
import { type Finding, REASONS, type ResumeRequest, type StoreResult } from './types.js';

/** The finding when this resume makes the store's stops reach the threshold; else undefined. */
export async function countRestop(
  result: StoreResult,
  request: ResumeRequest,
  run: Run,
): Promise<Finding | undefined> {
  const state = run.state;
  if (state === undefined || result.action !== 'resumed' || result.reason !== REASONS.stopped) {
    return undefined;
  }
  const arn = result.eventDataStore;
  const { restopThreshold, restopWindowMinutes } = run.config;
  const now = run.now();
  // The same stop delivered twice (or by two paths) counts once: its CloudTrail eventID, or the
  // delivery's id; a manual run counts as a stop of its own.
  const id = request.cloudTrail?.eventID ?? request.deliveryId ?? `${now.toISOString()}/${arn}`;
  try {
    const stop = { id, at: now };
    const windowMs = restopWindowMinutes * 60_000;
    const stops = await callWithRetries(run, () => state.recordStop(arn, stop, windowMs), arn);
    return stops >= restopThreshold ? repeatedStops(stops, restopWindowMinutes) : undefined;
  } catch (error) {
    reportStateFailure(run, toCallError(error), 'this stop is not counted', arn);
    return undefined;
  }
}

function repeatedStops(stops: number, windowMinutes: number): Finding {
  return {
    kind: 'repeated-stops',
    field: 'Status',
    after: stops,
    severity: 'CRITICAL',
    detail: `stopped ${stops} times within ${windowMinutes} minutes: somebody keeps stopping it; the guard keeps resuming it — find the actor and revoke their access`,
  };
}
