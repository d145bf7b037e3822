/** The data that flows through the function, and the shapes its parts share (types only). */

export type TriggerKind = 'schedule' | 'incident' | 'manual';

export interface Actor {
  /** `userIdentity.arn` of the CloudTrail record. */
  readonly arn: string;
  /** For an assumed role: the session issuer's role ARN. */
  readonly roleArn?: string;
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
  /** Stores named by a stop call that failed: reported, never acted on. */
  readonly failedStops?: readonly string[];
}

export const ACTIONS = ['resumed', 'would-resume', 'skipped', 'failed'] as const;
export type Action = (typeof ACTIONS)[number];

/** Reason codes: of the decision, then of what happens after it. Dashboards key on them. */
export const REASONS = {
  // the decision, in rule order
  stopCallFailed: 'stop-call-failed',
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
  // after the decision
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
  /** StartEventDataStoreIngestion requests sent on the wire. */
  readonly attempts: number;
  readonly statusAfter?: string;
  /** The error behind a failure, when there was one. */
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

/** Where the function runs: the account and partition from its context, the region from env. */
export interface Here {
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;
}

/** What the function knows of one store when it decides (GetEventDataStore and ListTags). */
export interface StoreSnapshot {
  readonly arn: string;
  readonly name?: string;
  readonly status?: string;
  /** Every `eventCategory` value in the store's advanced event selectors. */
  readonly categories: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly organizationEnabled: boolean;
}

export type Tags = Readonly<Record<string, string>>;

/** One store in scope, as resolved once: every fact the decision needs besides its snapshot. */
export interface Candidate {
  /** The store's ARN (an ID named by the event is completed with our account and region). */
  readonly eventDataStore: string;
  readonly managed: boolean;
  /** Of another partition, account or region than the function's. */
  readonly foreign: boolean;
  /** Named only by a stop call that failed. */
  readonly stopCallFailed?: boolean;
  /** Its tags, when resolving already read them. */
  readonly tags?: Tags;
  /** Read by `describe` for a managed store of our own. */
  readonly snapshot?: StoreSnapshot;
}

/** The part of Powertools' Logger the use case needs (fixed message, data in fields). */
export type LogFields = Record<string, unknown>;
export interface LoggerLike {
  info(message: string, fields: LogFields): void;
  warn(message: string, fields: LogFields): void;
  error(message: string, fields: LogFields): void;
}
