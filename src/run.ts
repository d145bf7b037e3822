/**
 * One invocation's working context: its dependencies, the CloudTrail port bound to its deadline,
 * and the clock, randomness and sleep the use case runs on. Opened once per invocation.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { CloudTrail, CloudTrailPort } from './cloudtrail.js';
import type { Config } from './config.js';
import { DeadlineExceededError } from './errors.js';
import type { StatePort, StateTable } from './state-table.js';
import type { Here, LoggerLike } from './types.js';

export interface ResumeDeps {
  readonly cloudtrail: CloudTrail;
  /** The state table (baselines, exemption trust, stop counts), when STATE_TABLE is set. */
  readonly state?: StateTable | undefined;
  readonly config: Config;
  readonly here: Here;
  readonly logger: LoggerLike;
  /** Milliseconds left before the Lambda deadline (`context.getRemainingTimeInMillis`). */
  readonly remainingTimeMs: () => number;
  readonly now?: () => Date;
  readonly random?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** The invocation's deadline less the safety margin; its signal aborts every request in flight. */
export interface Deadline {
  readonly signal: AbortSignal;
  remainingMs(): number;
}

export interface Run {
  readonly cloudtrail: CloudTrailPort;
  readonly state: StatePort | undefined;
  readonly config: Config;
  readonly here: Here;
  readonly logger: LoggerLike;
  readonly deadline: Deadline;
  /** Milliseconds left before the Lambda deadline, margin not deducted. */
  readonly remainingTimeMs: () => number;
  readonly now: () => Date;
  readonly random: () => number;
  /** Waits `ms`; false when the deadline fired first. */
  readonly pause: (ms: number) => Promise<boolean>;
  close(): void;
}

export function openRun(deps: ResumeDeps): Run {
  const controller = new AbortController();
  const remainingMs = () => deps.remainingTimeMs() - deps.config.deadlineMarginMs;
  const timer = setTimeout(
    () => controller.abort(new DeadlineExceededError()),
    Math.max(0, remainingMs()),
  );
  timer.unref?.();
  const deadline: Deadline = { signal: controller.signal, remainingMs };
  const sleep = deps.sleep ?? ((ms, signal) => sleepFor(ms, undefined, { signal }));
  return {
    cloudtrail: deps.cloudtrail.open(controller.signal),
    state: deps.state?.open(controller.signal),
    config: deps.config,
    here: deps.here,
    logger: deps.logger,
    deadline,
    remainingTimeMs: deps.remainingTimeMs,
    now: deps.now ?? (() => new Date()),
    random: deps.random ?? Math.random,
    pause: (ms) =>
      sleep(ms, controller.signal).then(
        () => !controller.signal.aborted,
        () => false,
      ),
    close: () => clearTimeout(timer),
  };
}
