/** The data that flows through the function: request in, result out (types only). */

export type TriggerKind = 'schedule' | 'incident' | 'manual';

export interface Actor {
  /** `userIdentity.arn` of the CloudTrail record. */
  readonly arn: string;
  /** For an assumed role: the session issuer's role ARN. */
  readonly roleArn?: string;
}

/** A store named by the event that is reported but never acted on (e.g. a stop that failed). */
export interface IgnoredStore {
  readonly eventDataStore: string;
  readonly reason: 'stop-call-failed';
}

/** What any supported event asks for, normalised by `parseTrigger`. */
export interface ResumeRequest {
  readonly kind: TriggerKind;
  /** `'managed'`: every managed store; otherwise the identifiers the event named. */
  readonly scope: 'managed' | readonly string[];
  /** Makes a redelivery recognisable; the idempotency key. */
  readonly deliveryId?: string;
  readonly actor?: Actor;
  /** Where the event came from: `aws.events`, `aws.scheduler`, `aws.cloudtrail`, `aws.sns`, … */
  readonly source: string;
  readonly dryRun?: boolean;
  /** Free text from a request object, logged. */
  readonly note?: string;
  readonly ignored?: readonly IgnoredStore[];
}

export const ACTIONS = ['resumed', 'would-resume', 'skipped', 'failed'] as const;
export type Action = (typeof ACTIONS)[number];

/** Reason codes of DESIGN §4 (decision) and of what happens after it. Dashboards key on them. */
export const REASONS = {
  // §4, in rule order
  notManaged: 'not-managed',
  foreignStore: 'foreign-store',
  alreadyIngesting: 'already-ingesting',
  pendingDeletion: 'pending-deletion',
  notStopped: 'not-stopped',
  unsupportedCategory: 'unsupported-category',
  exempt: 'exempt',
  authorizedStop: 'authorized-stop',
  dryRun: 'dry-run',
  stopped: 'stopped',
  // the trigger (§2)
  stopCallFailed: 'stop-call-failed',
  // after the decision (§5)
  startedConcurrently: 'started-concurrently',
  unknownStatus: 'unknown-status',
  describeFailed: 'describe-failed',
  resolveFailed: 'resolve-failed',
  startFailed: 'start-failed',
  invalidStatus: 'invalid-status',
  notVerified: 'not-verified',
  deadlineExceeded: 'deadline-exceeded',
} as const;
export type Reason = (typeof REASONS)[keyof typeof REASONS];

export interface StoreResult {
  readonly eventDataStore: string;
  readonly name?: string;
  readonly statusBefore?: string;
  readonly action: Action;
  readonly reason: Reason;
  /** StartEventDataStoreIngestion requests sent on the wire (the SDK's retries included). */
  readonly attempts: number;
  readonly statusAfter?: string;
  /** The API error behind a failure. */
  readonly errorName?: string;
}

export interface ResumeResult {
  readonly trigger: {
    readonly kind: TriggerKind;
    readonly source: string;
    readonly deliveryId?: string;
    readonly actor?: string;
  };
  readonly dryRun: boolean;
  readonly stores: readonly StoreResult[];
  readonly summary: {
    readonly resumed: number;
    readonly wouldResume: number;
    readonly skipped: number;
    readonly failed: number;
  };
}
