import type { Config } from './config.js';
import { readExemption } from './exemption.js';
import { parseStoreArn } from './identifiers.js';
import {
  type Candidate,
  type Here,
  REASONS,
  type Reason,
  type ResumeRequest,
  type StoreSnapshot,
} from './types.js';

/** What comes with every decision besides its action. */
interface Extras {
  readonly warnings: readonly string[];
  /** Turn termination protection back on: after the action, or alone when the action is a skip. */
  readonly protect: boolean;
}

export type Decision =
  | ({ readonly action: 'skip'; readonly reason: Reason } & Extras)
  | ({ readonly action: 'would-resume' | 'would-restore'; readonly reason: 'dry-run' } & Extras)
  | ({
      readonly action: 'resume';
      readonly reason: 'stopped';
      /** The store is still `STOPPING_INGESTION`: wait for `STOPPED_INGESTION` first. */
      readonly waitForStopped: boolean;
    } & Extras)
  | ({ readonly action: 'restore'; readonly reason: 'deleted' } & Extras);

/** The main action alone, before the extras are added. */
type Main = DistributiveOmit<Decision, keyof Extras>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export type PolicyConfig = Pick<
  Config,
  | 'exemptTagKey'
  | 'authorizedActors'
  | 'dryRun'
  | 'maxExemptionHours'
  | 'restoreDeleted'
  | 'enforceTerminationProtection'
  | 'guardRoleArn'
>;

/** The event categories whose stores StartEventDataStoreIngestion accepts. */
const STARTABLE_CATEGORIES = [
  'Management',
  'Data',
  'NetworkActivity',
  'ConfigurationItem',
] as const;

/** Statuses in which a store already ingests or is about to. */
export const INGESTING_STATUSES = ['ENABLED', 'STARTING_INGESTION'] as const;

export function isIngesting(status: string): boolean {
  return (INGESTING_STATUSES as readonly string[]).includes(status);
}

/** True when the store's ARN is of another partition, account or region than the function's. */
export function isForeignStore(arn: string, here: Here): boolean {
  const parsed = parseStoreArn(arn);
  return (
    parsed !== undefined &&
    (parsed.partition !== here.partition ||
      parsed.accountId !== here.accountId ||
      parsed.region !== here.region)
  );
}

/** A dry run: set for the function, or asked for by the request. */
export function isDryRun(request: ResumeRequest, config: Pick<Config, 'dryRun'>): boolean {
  return config.dryRun || request.dryRun === true;
}

/**
 * The first rule that matches gives the reason; the only producer of skip reasons. Pure; the
 * candidate's facts were resolved once (its memory as this event left it), `now` is injected.
 */
export function decide(
  candidate: Candidate,
  request: ResumeRequest,
  config: PolicyConfig,
  now: Date,
): Decision {
  const store = candidate.snapshot;
  const early = earlyReason(candidate, request, config);
  if (early !== undefined || store?.status === undefined) {
    return { action: 'skip', reason: early ?? REASONS.unknownStatus, warnings: [], protect: false };
  }
  const exemption = exemptionOf(store, candidate, config, now);
  const main =
    store.status === 'PENDING_DELETION'
      ? decideDeleted(exemption.exempt, request, config)
      : decideStopped(store, store.status, exemption.exempt, request, config);
  const protect =
    !exemption.exempt &&
    !isDryRun(request, config) &&
    needsProtection(candidate, config) &&
    (store.status !== 'PENDING_DELETION' || main.action === 'restore');
  const warnings = exemption.warning === undefined ? [] : [exemption.warning];
  return { ...main, warnings, protect };
}

/** The rules that need no look at the store: not ours to act on, or our own call. */
function earlyReason(
  candidate: Candidate,
  request: ResumeRequest,
  config: PolicyConfig,
): Reason | undefined {
  if (candidate.stopCallFailed === true) return REASONS.stopCallFailed;
  if (isOwnAction(request, config)) return REASONS.ownAction;
  if (!candidate.managed) return REASONS.notManaged;
  if (candidate.foreign) return REASONS.foreignStore;
  return undefined;
}

/** A deleted store: restored only when RESTORE_DELETED is on and nobody authorized deleted it. */
function decideDeleted(exempt: boolean, request: ResumeRequest, config: PolicyConfig): Main {
  if (!config.restoreDeleted) return { action: 'skip', reason: REASONS.pendingDeletion };
  if (exempt) return { action: 'skip', reason: REASONS.exempt };
  if (isAuthorizedCall(request, config, 'DeleteEventDataStore')) {
    return { action: 'skip', reason: REASONS.authorizedChange };
  }
  if (isDryRun(request, config)) return { action: 'would-restore', reason: REASONS.dryRun };
  return { action: 'restore', reason: REASONS.deleted };
}

/** Every status but deletion: a stopped store is resumed unless a rule says otherwise. */
function decideStopped(
  store: StoreSnapshot,
  status: string,
  exempt: boolean,
  request: ResumeRequest,
  config: PolicyConfig,
): Main {
  const skip = (reason: Reason): Main => ({ action: 'skip', reason });
  if (isIngesting(status)) return skip(REASONS.alreadyIngesting);
  if (status === 'CREATED') return skip(REASONS.notStopped);
  if (!store.categories.some((c) => (STARTABLE_CATEGORIES as readonly string[]).includes(c))) {
    return skip(REASONS.unsupportedCategory);
  }
  if (exempt) return skip(REASONS.exempt);
  if (isAuthorizedCall(request, config, 'StopEventDataStoreIngestion')) {
    return skip(REASONS.authorizedStop);
  }
  if (status !== 'STOPPING_INGESTION' && status !== 'STOPPED_INGESTION') {
    return skip(REASONS.unknownStatus);
  }
  if (isDryRun(request, config)) return { action: 'would-resume', reason: REASONS.dryRun };
  return {
    action: 'resume',
    reason: REASONS.stopped,
    waitForStopped: status === 'STOPPING_INGESTION',
  };
}

/**
 * The exempt tag, read with MAX_EXEMPTION_HOURS; an exemption set by an actor not authorized
 * (the memory says so) holds no more.
 */
function exemptionOf(
  store: StoreSnapshot,
  candidate: Candidate,
  config: PolicyConfig,
  now: Date,
): { exempt: boolean; warning?: string } {
  const key = config.exemptTagKey;
  const read = readExemption(store.tags[key], key, now, config.maxExemptionHours);
  const exempt = read.exempt && candidate.memory?.exemptionDistrusted !== true;
  return read.warning === undefined ? { exempt } : { exempt, warning: read.warning };
}

/**
 * Protection is off and ENFORCE_TERMINATION_PROTECTION wants it on — unless the store's baseline
 * has it off (an authorized actor turned it off, or it never was on when the guard first saw it).
 */
function needsProtection(candidate: Candidate, config: PolicyConfig): boolean {
  const current = candidate.snapshot?.config?.TerminationProtectionEnabled;
  const baseline = candidate.memory?.baseline?.TerminationProtectionEnabled;
  return config.enforceTerminationProtection && current === false && baseline !== false;
}

/** `*` in a pattern matches any run of characters; everything else is literal. */
export function matchesArnPattern(arn: string, pattern: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(arn);
}

/**
 * The event is trusted evidence (EventBridge's own CloudTrail event, or a direct invoke) of a
 * call by an actor AUTHORIZED_ACTORS names. An SNS copy never is: whoever may publish could forge it.
 */
export function isAuthorized(request: ResumeRequest, config: Pick<Config, 'authorizedActors'>) {
  const actor = request.actor;
  if (request.kind !== 'incident' || request.evidence !== 'trusted' || actor === undefined) {
    return false;
  }
  const arns = actor.roleArn === undefined ? [actor.arn] : [actor.arn, actor.roleArn];
  return config.authorizedActors.some((pattern) =>
    arns.some((arn) => matchesArnPattern(arn, pattern)),
  );
}

/**
 * An authorized actor's call of `eventName` on the stores its record names, as trusted evidence
 * says. A record that names no store (scope: every managed store) vouches for none.
 */
export function isAuthorizedCall(
  request: ResumeRequest,
  config: Pick<Config, 'authorizedActors'>,
  eventName: string,
): boolean {
  return (
    request.eventName === eventName && request.scope !== 'managed' && isAuthorized(request, config)
  );
}

/**
 * The guard's own call (its role as the actor), as trusted evidence says: its own restore or
 * protection coming back through the EventBridge rule is not acted on again.
 */
export function isOwnAction(request: ResumeRequest, config: Pick<Config, 'guardRoleArn'>) {
  return (
    config.guardRoleArn !== undefined &&
    request.evidence === 'trusted' &&
    request.actor?.roleArn === config.guardRoleArn
  );
}
