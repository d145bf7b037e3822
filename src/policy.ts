import type { Config } from './config.js';
import { parseStoreArn } from './identifiers.js';
import { type Candidate, type Here, REASONS, type Reason, type ResumeRequest } from './types.js';

export type Decision =
  | { readonly action: 'skip'; readonly reason: Reason; readonly warnings: readonly string[] }
  | {
      readonly action: 'would-resume';
      readonly reason: 'dry-run';
      readonly warnings: readonly string[];
    }
  | {
      readonly action: 'resume';
      readonly reason: 'stopped';
      /** The store is still `STOPPING_INGESTION`: wait for `STOPPED_INGESTION` first. */
      readonly waitForStopped: boolean;
      readonly warnings: readonly string[];
    };

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
 * candidate's facts were resolved once, `now` is injected.
 */
export function decide(
  candidate: Candidate,
  request: ResumeRequest,
  config: Pick<Config, 'exemptTagKey' | 'authorizedActors' | 'dryRun'>,
  now: Date,
): Decision {
  const skip = (reason: Reason, warnings: readonly string[] = []): Decision => ({
    action: 'skip',
    reason,
    warnings,
  });
  if (candidate.stopCallFailed === true) return skip(REASONS.stopCallFailed);
  if (!candidate.managed) return skip(REASONS.notManaged);
  if (candidate.foreign) return skip(REASONS.foreignStore);
  const store = candidate.snapshot;
  const status = store?.status;
  if (store === undefined || status === undefined) return skip(REASONS.unknownStatus);
  if (isIngesting(status)) return skip(REASONS.alreadyIngesting);
  if (status === 'PENDING_DELETION') return skip(REASONS.pendingDeletion);
  if (status === 'CREATED') return skip(REASONS.notStopped);
  if (!store.categories.some((c) => (STARTABLE_CATEGORIES as readonly string[]).includes(c))) {
    return skip(REASONS.unsupportedCategory);
  }
  const exemption = readExemption(store.tags[config.exemptTagKey], config.exemptTagKey, now);
  if (exemption.exempt) return skip(REASONS.exempt);
  const warnings = exemption.warning === undefined ? [] : [exemption.warning];
  if (request.kind === 'incident' && isAuthorizedStop(request, config.authorizedActors)) {
    return skip(REASONS.authorizedStop, warnings);
  }
  if (status !== 'STOPPING_INGESTION' && status !== 'STOPPED_INGESTION') {
    return skip(REASONS.unknownStatus, warnings);
  }
  if (isDryRun(request, config)) {
    return { action: 'would-resume', reason: REASONS.dryRun, warnings };
  }
  return {
    action: 'resume',
    reason: REASONS.stopped,
    waitForStopped: status === 'STOPPING_INGESTION',
    warnings,
  };
}

/** An exempt tag holds an ISO-8601 time; one that cannot be read is no exemption. */
function readExemption(
  value: string | undefined,
  key: string,
  now: Date,
): { exempt: boolean; warning?: string } {
  if (value === undefined) return { exempt: false };
  const text = value.trim();
  const until = isIsoTimestamp(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(until)) {
    return { exempt: false, warning: `tag ${key}="${value}" is not an ISO-8601 time: ignored` };
  }
  return { exempt: until > now.getTime() };
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function isIsoTimestamp(value: string): boolean {
  return ISO_8601.test(value);
}

/** `*` in a pattern matches any run of characters; everything else is literal. */
export function matchesArnPattern(arn: string, pattern: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(arn);
}

function isAuthorizedStop(request: ResumeRequest, patterns: readonly string[]): boolean {
  const actor = request.actor;
  if (actor === undefined) return false;
  const arns = actor.roleArn === undefined ? [actor.arn] : [actor.arn, actor.roleArn];
  return patterns.some((pattern) => arns.some((arn) => matchesArnPattern(arn, pattern)));
}
