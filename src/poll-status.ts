/** Reading a store's status, once or until it reaches a wanted state (bounded). */
import { callWithRetries } from './call-with-retries.js';
import { isIngesting } from './policy.js';
import type { Run } from './run.js';

export const STOPPED = 'STOPPED_INGESTION';
export const STOPPING = 'STOPPING_INGESTION';
export const PENDING_DELETION = 'PENDING_DELETION';

export function isStoppedOrIngesting(status: string): boolean {
  return status === STOPPED || isIngesting(status);
}

/** The store's status now (GetEventDataStore, retried), or undefined when it cannot be read. */
export async function readStatus(arn: string, run: Run): Promise<string | undefined> {
  try {
    return (await callWithRetries(run, () => run.cloudtrail.describeStore(arn), arn)).status;
  } catch (error) {
    run.logger.warn('status read failed', {
      eventDataStore: arn,
      errorName: (error as Error).name,
    });
    return undefined;
  }
}

/**
 * Reads the status every VERIFY_INTERVAL_MS until `done` holds, for at most VERIFY_TIMEOUT_MS
 * and never past the deadline: the last status read (undefined when none could be read).
 */
export async function pollStatus(
  arn: string,
  run: Run,
  done: (status: string) => boolean,
): Promise<string | undefined> {
  const { verifyTimeoutMs, verifyIntervalMs } = run.config;
  const startedAt = run.remainingTimeMs();
  let status: string | undefined;
  for (;;) {
    status = (await readStatus(arn, run)) ?? status;
    if (status !== undefined && done(status)) return status;
    const elapsedMs = startedAt - run.remainingTimeMs();
    if (elapsedMs + verifyIntervalMs > verifyTimeoutMs) return status;
    if (verifyIntervalMs >= run.deadline.remainingMs()) return status;
    if (!(await run.pause(verifyIntervalMs))) return status;
  }
}
