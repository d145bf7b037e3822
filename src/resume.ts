/**
 * The use case: resolve the stores in scope → describe → decide → start → verify (DESIGN §1, §5).
 * Every store ends as one `StoreResult`; nothing here throws for a store's sake.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import { CallError, type CloudTrailPort } from './cloudtrail.js';
import type { Config } from './config.js';
import { DeadlineExceededError } from './errors.js';
import { storeId } from './identifiers.js';
import {
  type Candidate,
  decide,
  INGESTING_STATUSES,
  isForeignStore,
  type StoreSnapshot,
  type Whereabouts,
} from './policy.js';
import {
  REASONS,
  type Reason,
  type ResumeRequest,
  type ResumeResult,
  type StoreResult,
} from './result.js';
import {
  classifyError,
  computeBackoffMs,
  isNoSuchStore,
  NOT_VERIFIED_ERROR,
  sdkAttemptsFor,
} from './retry-policy.js';

/** The part of Powertools' Logger the use case needs (fixed message, data in fields). */
export type LogFields = Record<string, unknown>;
export interface LoggerLike {
  info(message: string, fields: LogFields): void;
  warn(message: string, fields: LogFields): void;
  error(message: string, fields: LogFields): void;
}

export interface Here extends Whereabouts {
  readonly partition: string;
}

export interface ResumeDeps {
  readonly cloudtrail: CloudTrailPort;
  readonly config: Config;
  readonly here: Here;
  readonly logger: LoggerLike;
  /** Milliseconds left before the Lambda deadline (`context.getRemainingTimeInMillis`). */
  readonly remainingTimeMs: () => number;
  readonly now?: () => Date;
  readonly random?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** The invocation's deadline less the safety margin; requests carry its abort signal. */
interface Deadline {
  readonly signal: AbortSignal;
  remainingMs(): number;
  dispose(): void;
}

function createDeadline(remainingTimeMs: () => number, marginMs: number): Deadline {
  const controller = new AbortController();
  const remainingMs = () => remainingTimeMs() - marginMs;
  const timer = setTimeout(
    () => controller.abort(new DeadlineExceededError()),
    Math.max(0, remainingMs()),
  );
  timer.unref?.();
  return { signal: controller.signal, remainingMs, dispose: () => clearTimeout(timer) };
}

export async function resumeIngestion(
  request: ResumeRequest,
  deps: ResumeDeps,
): Promise<ResumeResult> {
  const deadline = createDeadline(deps.remainingTimeMs, deps.config.deadlineMarginMs);
  try {
    const run = new StoreRun(request, deps, deadline);
    const ignored: StoreResult[] = (request.ignored ?? []).map((store) => {
      const result = {
        eventDataStore: run.toArn(store.eventDataStore),
        action: 'skipped' as const,
        reason: store.reason,
        attempts: 0,
      };
      deps.logger.info('store decision', { ...result });
      return result;
    });
    const { candidates, failures } = await run.resolve();
    const handled = await mapWithConcurrency(candidates, deps.config.storeConcurrency, (c) =>
      run.handle(c).catch((error: unknown) => run.crashed(c.eventDataStore, error)),
    );
    return buildResult(request, deps.config, [...ignored, ...failures, ...handled]);
  } finally {
    deadline.dispose();
  }
}

class StoreRun {
  private readonly tags = new Map<string, Record<string, string>>();
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;

  constructor(
    private readonly request: ResumeRequest,
    private readonly deps: ResumeDeps,
    private readonly deadline: Deadline,
  ) {
    this.now = deps.now ?? (() => new Date());
    this.random = deps.random ?? Math.random;
    this.sleep = deps.sleep ?? ((ms, signal) => sleepFor(ms, undefined, { signal }));
  }

  /** An ID suffix becomes an ARN of our own account and region; an ARN stays as it is. */
  toArn(identifier: string): string {
    if (identifier.startsWith('arn:')) return identifier;
    const { partition, region, accountId } = this.deps.here;
    return `arn:${partition}:cloudtrail:${region}:${accountId}:eventdatastore/${storeId(identifier)}`;
  }

  /** The managed stores (listed and/or tagged) and the candidates the request scopes. */
  async resolve(): Promise<{ candidates: Candidate[]; failures: StoreResult[] }> {
    const { config } = this.deps;
    const managed = new Set(config.managedStores.map((store) => this.toArn(store)));
    // A request that names no store (a failed stop, an alarm back to OK) makes no call at all.
    if (this.request.scope.length === 0) return { candidates: [], failures: [] };
    if (this.request.scope === 'managed') {
      const failures = await this.addTaggedStores(managed);
      return {
        candidates: [...managed].map((arn) => ({ eventDataStore: arn, managed: true })),
        failures,
      };
    }
    const named = [...new Set(this.request.scope.map((store) => this.toArn(store)))];
    const failures = await this.addNamedTaggedStores(named, managed);
    const failed = new Set(failures.map((failure) => failure.eventDataStore));
    const candidates = named
      .filter((arn) => !failed.has(arn))
      .map((arn) => ({ eventDataStore: arn, managed: managed.has(arn) }));
    return { candidates, failures };
  }

  /** Every store of the account carrying the opt-in tag (ListEventDataStores + ListTags). */
  private async addTaggedStores(managed: Set<string>): Promise<StoreResult[]> {
    const { config, cloudtrail } = this.deps;
    const optIn = config.optInTag;
    if (optIn === undefined) return [];
    try {
      const options = { signal: this.deadline.signal };
      const arns = await cloudtrail.listStoreArns(options);
      for (const [arn, tags] of await cloudtrail.listTags(arns, options)) {
        this.tags.set(arn, tags);
        if (tags[optIn.key] === optIn.value) managed.add(arn);
      }
      return [];
    } catch (error) {
      // Stores managed by tag are unknown this time; listed stores still get handled.
      return [this.logFailure(this.fail('*', REASONS.resolveFailed, error, 0), error)];
    }
  }

  /**
   * Which of the named stores carry the opt-in tag: ListTags on each of them, not a listing of
   * the account. A store of another account or region is never asked about; a store that does
   * not exist here is not managed; a store whose tags cannot be read fails `resolve-failed`.
   */
  private async addNamedTaggedStores(
    named: readonly string[],
    managed: Set<string>,
  ): Promise<StoreResult[]> {
    const { config, cloudtrail, here } = this.deps;
    const optIn = config.optInTag;
    if (optIn === undefined) return [];
    const unknown = named.filter((arn) => !managed.has(arn) && !isForeignStore(arn, here));
    const failures = await mapWithConcurrency(unknown, config.storeConcurrency, async (arn) => {
      try {
        const found = await cloudtrail.listTags([arn], { signal: this.deadline.signal });
        // One ARN asked, one answer: its ResourceId may be spelled differently from ours.
        const tags = found.get(arn) ?? [...found.values()][0] ?? {};
        this.tags.set(arn, tags);
        if (tags[optIn.key] === optIn.value) managed.add(arn);
        return undefined;
      } catch (error) {
        if (isNoSuchStore(asCallError(error).name)) return undefined;
        return this.logFailure(this.fail(arn, REASONS.resolveFailed, error, 0), error);
      }
    });
    return failures.filter((failure) => failure !== undefined);
  }

  /** One store, end to end. Never throws. */
  async handle(candidate: Candidate): Promise<StoreResult> {
    const arn = candidate.eventDataStore;
    const { logger } = this.deps;
    let described: Candidate = candidate;
    if (candidate.managed && !isForeignStore(arn, this.deps.here)) {
      try {
        described = { ...candidate, snapshot: await this.describe(arn) };
      } catch (error) {
        return this.logFailure(this.fail(arn, REASONS.describeFailed, error, 0), error);
      }
    }
    const snapshot = described.snapshot;
    const decision = decide(described, this.request, this.deps.config, this.deps.here, this.now());
    const before = {
      eventDataStore: arn,
      ...(snapshot?.name !== undefined && { name: snapshot.name }),
      ...(snapshot?.status !== undefined && { statusBefore: snapshot.status }),
    };
    for (const warning of decision.warnings) {
      logger.warn('exempt tag ignored', { eventDataStore: arn, warning });
    }
    if (decision.action !== 'resume') {
      const action = decision.action === 'skip' ? 'skipped' : 'would-resume';
      const result: StoreResult = { ...before, action, reason: decision.reason, attempts: 0 };
      logger.info('store decision', { ...result });
      return result;
    }
    logger.info('store decision', { ...before, action: 'resume', reason: decision.reason });
    const outcome = await this.resume(arn, decision.waitForStopped);
    const result: StoreResult = { ...before, ...outcome.result };
    if (result.action === 'failed') return this.logFailure(result, outcome.error);
    logger.info('store resumed', { ...result });
    return result;
  }

  private async describe(arn: string): Promise<StoreSnapshot> {
    const options = { signal: this.deadline.signal };
    const snapshot = await this.deps.cloudtrail.describeStore(arn, options);
    const tags =
      this.tags.get(arn) ?? (await this.deps.cloudtrail.listTags([arn], options)).get(arn);
    return { ...snapshot, tags: tags ?? {} };
  }

  /** Start with retries, then verify. */
  private async resume(
    arn: string,
    waitForStopped: boolean,
  ): Promise<{ result: Omit<StoreResult, 'eventDataStore'>; error?: unknown }> {
    const { config, logger } = this.deps;
    let used = 0;
    let retries = 0;
    let mustWait = waitForStopped;
    for (;;) {
      if (mustWait) {
        const status = await this.pollUntil(arn, isStoppedOrIngesting);
        if (status !== 'STOPPED_INGESTION') return this.afterRace(arn, status, used);
        mustWait = false;
      }
      if (this.deadline.remainingMs() <= 0) {
        return this.failed(arn, REASONS.deadlineExceeded, used, new DeadlineExceededError());
      }
      try {
        const { attempts } = await this.deps.cloudtrail.startIngestion(arn, {
          signal: this.deadline.signal,
          maxAttempts: sdkAttemptsFor(config.maxAttempts - used),
        });
        used += attempts;
        break;
      } catch (error) {
        const failure = asCallError(error);
        used += failure.attempts;
        const info = classifyError(failure);
        if (this.deadline.signal.aborted) {
          return this.failed(arn, REASONS.deadlineExceeded, used, failure);
        }
        if (info.class === 'terminal') return this.failed(arn, REASONS.startFailed, used, failure);
        if (info.class === 'race') {
          logger.warn('start attempt failed', this.attemptFields(arn, used, failure, 0));
          const status = await this.readStatus(arn);
          if (status !== 'STOPPED_INGESTION' && status !== 'STOPPING_INGESTION') {
            return this.afterRace(arn, status, used);
          }
          // Still (or again) stopped: start once more, while the budget lasts.
          if (used >= config.maxAttempts) {
            return this.failed(arn, REASONS.invalidStatus, used, failure, status);
          }
          mustWait = status === 'STOPPING_INGESTION';
          continue;
        }
        if (used >= config.maxAttempts) return this.failed(arn, REASONS.startFailed, used, failure);
        retries += 1;
        const delayMs = computeBackoffMs(
          retries,
          {
            baseDelayMs: config.retryBaseDelayMs,
            maxDelayMs: config.retryMaxDelayMs,
          },
          this.random,
        );
        logger.warn('start attempt failed', this.attemptFields(arn, used, failure, delayMs));
        if (delayMs >= this.deadline.remainingMs()) {
          return this.failed(arn, REASONS.deadlineExceeded, used, failure);
        }
        try {
          await this.sleep(delayMs, this.deadline.signal);
        } catch {
          return this.failed(arn, REASONS.deadlineExceeded, used, failure);
        }
      }
    }
    const statusAfter = await this.pollUntil(arn, isIngesting);
    if (statusAfter === undefined || !isIngesting(statusAfter)) {
      const error = new CallError(
        'GetEventDataStore',
        NOT_VERIFIED_ERROR,
        `store is ${statusAfter ?? 'unreadable'} after the start`,
        undefined,
        0,
      );
      return this.failed(arn, REASONS.notVerified, used, error, statusAfter);
    }
    return { result: { action: 'resumed', reason: REASONS.stopped, attempts: used, statusAfter } };
  }

  /** After a status race: someone else started it, or the store is in a state we cannot start. */
  private afterRace(
    arn: string,
    status: string | undefined,
    used: number,
  ): { result: Omit<StoreResult, 'eventDataStore'>; error?: unknown } {
    if (status !== undefined && isIngesting(status)) {
      return {
        result: {
          action: 'resumed',
          reason: REASONS.startedConcurrently,
          attempts: used,
          statusAfter: status,
        },
      };
    }
    const error = new CallError(
      'GetEventDataStore',
      'InvalidEventDataStoreStatusException',
      `store is ${status ?? 'unreadable'}`,
      undefined,
      0,
    );
    return this.failed(arn, REASONS.invalidStatus, used, error, status);
  }

  private failed(
    arn: string,
    reason: Reason,
    attempts: number,
    error: unknown,
    statusAfter?: string,
  ): { result: Omit<StoreResult, 'eventDataStore'>; error: unknown } {
    const { eventDataStore: _arn, ...result } = this.fail(arn, reason, error, attempts);
    return {
      result: { ...result, ...(statusAfter !== undefined && { statusAfter }) },
      error,
    };
  }

  private fail(arn: string, reason: Reason, error: unknown, attempts: number): StoreResult {
    return {
      eventDataStore: arn,
      action: 'failed',
      reason,
      attempts,
      errorName: asCallError(error).name,
    };
  }

  /** A bug, not an API error: the store fails loudly instead of taking the others down. */
  crashed(arn: string, error: unknown): StoreResult {
    return this.logFailure(this.fail(arn, REASONS.startFailed, error, 0), error);
  }

  private logFailure(result: StoreResult, error: unknown): StoreResult {
    this.deps.logger.error('store failed', { ...result, ...this.explain(error) });
    return result;
  }

  private explain(error: unknown): Record<string, unknown> {
    const failure = asCallError(error);
    const info = classifyError(failure);
    return {
      errorName: failure.name,
      errorClass: info.class,
      errorMessage: failure.message,
      meaning: info.meaning,
      operatorAction: info.operatorAction,
      ...(failure.httpStatusCode !== undefined && { httpStatusCode: failure.httpStatusCode }),
    };
  }

  private attemptFields(arn: string, attempt: number, failure: CallError, delayMs: number) {
    const info = classifyError(failure);
    return {
      eventDataStore: arn,
      attempt,
      errorName: failure.name,
      errorClass: info.class,
      meaning: info.meaning,
      delayMs,
    };
  }

  /** The store's status now, or undefined when it cannot be read. */
  private async readStatus(arn: string): Promise<string | undefined> {
    try {
      return (await this.deps.cloudtrail.describeStore(arn, { signal: this.deadline.signal }))
        .status;
    } catch (error) {
      this.deps.logger.warn('status read failed', {
        eventDataStore: arn,
        errorName: asCallError(error).name,
      });
      return undefined;
    }
  }

  /** Polls GetEventDataStore (bounded by VERIFY_TIMEOUT_MS and the deadline); the last status. */
  private async pollUntil(
    arn: string,
    done: (status: string) => boolean,
  ): Promise<string | undefined> {
    const { verifyTimeoutMs, verifyIntervalMs } = this.deps.config;
    const startedAt = this.deps.remainingTimeMs();
    let status: string | undefined;
    for (;;) {
      status = (await this.readStatus(arn)) ?? status;
      if (status !== undefined && done(status)) return status;
      const elapsedMs = startedAt - this.deps.remainingTimeMs();
      if (elapsedMs + verifyIntervalMs > verifyTimeoutMs) return status;
      if (verifyIntervalMs >= this.deadline.remainingMs()) return status;
      try {
        await this.sleep(verifyIntervalMs, this.deadline.signal);
      } catch {
        return status;
      }
    }
  }
}

function isIngesting(status: string): boolean {
  return (INGESTING_STATUSES as readonly string[]).includes(status);
}

function isStoppedOrIngesting(status: string): boolean {
  return status === 'STOPPED_INGESTION' || isIngesting(status);
}

function asCallError(error: unknown): CallError {
  if (error instanceof CallError) return error;
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return new CallError('internal', name, message, undefined, 0);
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping the order of the results. */
async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function buildResult(
  request: ResumeRequest,
  config: Config,
  stores: readonly StoreResult[],
): ResumeResult {
  const count = (action: StoreResult['action']) => stores.filter((s) => s.action === action).length;
  return {
    trigger: {
      kind: request.kind,
      source: request.source,
      ...(request.deliveryId !== undefined && { deliveryId: request.deliveryId }),
      ...(request.actor !== undefined && { actor: request.actor.arn }),
    },
    dryRun: config.dryRun || request.dryRun === true,
    stores,
    summary: {
      resumed: count('resumed'),
      wouldResume: count('would-resume'),
      skipped: count('skipped'),
      failed: count('failed'),
    },
  };
}
