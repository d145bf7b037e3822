/**
 * UpdateEventDataStore with TerminationProtectionEnabled true, with retries. The update is
 * idempotent: a request whose answer was lost is simply sent again, and when the retries end
 * after a lost answer the store is read once more before it is reported unprotected.
 */
import type { CallError } from './call-error.js';
import { callWithRetries } from './call-with-retries.js';
import type { Run } from './run.js';
import { NOTHING_SENT, sendWithRetries, type WriteEnd } from './send-with-retries.js';

export interface ProtectOutcome {
  /** Termination protection is on (turned on by this call, or found on after a lost answer). */
  readonly protected: boolean;
  /** UpdateEventDataStore requests sent. */
  readonly attempts: number;
  /** The error behind a failure, when there was one. */
  readonly error?: CallError;
}

/** Turns termination protection on; never throws for an API error. */
export async function protectWithRetries(arn: string, run: Run): Promise<ProtectOutcome> {
  const send = () => run.cloudtrail.enableTerminationProtection(arn);
  const ending = await sendWithRetries({ arn, what: 'protect', send }, NOTHING_SENT, run);
  const { attempts } = ending.count;
  if (ending.end === 'answered') return { protected: true, attempts };
  if (await foundProtected(arn, ending, run)) return { protected: true, attempts };
  return {
    protected: false,
    attempts,
    ...(ending.failure !== undefined && { error: ending.failure }),
  };
}

/** After a lost answer, whether the store now says it is protected (false when unreadable). */
async function foundProtected(arn: string, ending: WriteEnd<void>, run: Run): Promise<boolean> {
  if (!ending.count.maybeApplied || run.deadline.signal.aborted) return false;
  try {
    const snapshot = await callWithRetries(run, () => run.cloudtrail.describeStore(arn), arn);
    return snapshot.config?.TerminationProtectionEnabled === true;
  } catch {
    return false;
  }
}
