/**
 * A write (Start, Restore, Update) sent until it is answered or `nextStep` says otherwise. The
 * loop only sends, waits and counts; what a status race or a refusal means is the caller's to say.
 */
import { type CallError, toCallError } from './call-error.js';
import { attemptFields, backoffOf, retryState } from './call-with-retries.js';
import { mayHaveBeenApplied, nextStep, type StopCause } from './retry-policy.js';
import type { Run } from './run.js';

/** What a write's requests have used so far; carried over when the caller sends again. */
export interface WriteCount {
  /** Requests sent. */
  readonly attempts: number;
  /** Retries after a delay (the backoff's exponent). */
  readonly retries: number;
  /** Some failed request may have been applied: its answer lost, whatever came after. */
  readonly maybeApplied: boolean;
}

export const NOTHING_SENT: WriteCount = { attempts: 0, retries: 0, maybeApplied: false };

export type WriteEnd<T> =
  | { readonly end: 'answered'; readonly answer: T; readonly count: WriteCount }
  /** A status race: the caller reads the store again and decides. */
  | { readonly end: 'race'; readonly failure: CallError; readonly count: WriteCount }
  /** `nextStep` said stop: a terminal error, the budget spent, or no time for the next wait. */
  | {
      readonly end: 'stopped';
      readonly cause: StopCause;
      readonly failure: CallError;
      readonly count: WriteCount;
    }
  /** No time was left to send, or the deadline fired during a wait. */
  | { readonly end: 'expired'; readonly failure?: CallError; readonly count: WriteCount };

export interface Write<T> {
  readonly arn: string;
  /** Names the write in the `<what> attempt failed` warn line: `start`, `restore`, … */
  readonly what: string;
  readonly send: () => Promise<T>;
}

/** Sends `write` (counting on from `from`) until it is answered or must end; never throws. */
export async function sendWithRetries<T>(
  write: Write<T>,
  from: WriteCount,
  run: Run,
): Promise<WriteEnd<T>> {
  let { attempts, retries, maybeApplied } = from;
  let failure: CallError | undefined;
  for (;;) {
    const count = () => ({ attempts, retries, maybeApplied });
    if (run.deadline.remainingMs() <= 0) {
      return { end: 'expired', ...(failure !== undefined && { failure }), count: count() };
    }
    attempts += 1;
    try {
      return { end: 'answered', answer: await write.send(), count: count() };
    } catch (error) {
      failure = toCallError(error);
    }
    maybeApplied ||= mayHaveBeenApplied(failure);
    const step = nextStep(failure, retryState(run, attempts, retries), backoffOf(run), run.random);
    if (step.step === 'stop') return { end: 'stopped', cause: step.cause, failure, count: count() };
    const delayMs = step.step === 'retry' ? step.delayMs : 0;
    run.logger.warn(`${write.what} attempt failed`, {
      eventDataStore: write.arn,
      ...attemptFields(failure, attempts, delayMs),
    });
    if (step.step === 'reread') return { end: 'race', failure, count: count() };
    if (!(await run.pause(delayMs))) return { end: 'expired', failure, count: count() };
    retries += 1;
  }
}
