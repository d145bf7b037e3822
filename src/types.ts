/** The data that flows through the function, and the shapes its parts share (types only). */
import type { Incident } from './incident.js';
import type { SinkReport } from './notify/sink.js';

export type TriggerKind = 'schedule' | 'incident' | 'manual';

export interface Actor {
  /** `userIdentity.arn` of the CloudTrail record. */
  readonly arn: string;
  /** For an assumed role: the session issuer's role ARN. */
  readonly roleArn?: string;
  /** `userIdentity.type`: `AssumedRole`, `IAMUser`, `Root`, `IdentityCenterUser`, … */
  readonly type?: string;
  /** `userIdentity.accountId`: the caller's account. */
  readonly accountId?: string;
}

/** The CloudTrail record behind an event, as far as a human needs it (who, what, when, where). */
export interface CloudTrailContext {
  readonly eventName?: string;
  readonly eventID?: string;
  readonly eventTime?: string;
  readonly sourceIPAddress?: string;
  readonly userAgent?: string;
}

/** Who may widen what the guard tolerates: the event came straight from AWS, or by direct invoke. */
export type Evidence = 'trusted' | 'alert';

/** A change of tags recorded by an AddTags or RemoveTags event. */
export interface TagChange {
  readonly change: 'add' | 'remove';
  /** Every tag key the call named. */
  readonly keys: readonly string[];
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
  /**
   * `trusted` only for a CloudTrail record delivered by EventBridge itself (`source:
   * aws.cloudtrail`) and for a direct invoke; everything else (SNS above all) is an `alert`:
   * a reason to look, never proof that widens what the guard tolerates. Absent means `alert`.
   */
  readonly evidence?: Evidence;
  /** The CloudTrail call the event records (`detail.eventName`), when it records one. */
  readonly eventName?: string;
  /** The record's context, for the incident. */
  readonly cloudTrail?: CloudTrailContext;
  /** A direct invoke `{"acceptBaseline": [...]}`: the stores' current configuration becomes their baseline. */
  readonly acceptBaseline?: boolean;
  /** An AddTags / RemoveTags event: which keys changed. */
  readonly tagChange?: TagChange;
}

export const ACTIONS = [
  'resumed',
  'would-resume',
  'restored',
  'would-restore',
  'protected',
  'skipped',
  'failed',
] as const;
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
  authorizedChange: 'authorized-change',
  ownAction: 'own-action',
  deleted: 'deleted',
  protectionDisabled: 'protection-disabled',
  dryRun: 'dry-run',
  stopped: 'stopped',
  // after the decision
  startedConcurrently: 'started-concurrently',
  unknownStatus: 'unknown-status',
  describeFailed: 'describe-failed',
  resolveFailed: 'resolve-failed',
  startFailed: 'start-failed',
  restoreFailed: 'restore-failed',
  protectFailed: 'protect-failed',
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
  /** Requests of the remediating calls (Start, Restore, Update) sent on the wire. */
  readonly attempts: number;
  readonly statusAfter?: string;
  /** The error behind a failure, when there was one. */
  readonly errorName?: string;
  /** Termination protection was turned back on (with `ENFORCE_TERMINATION_PROTECTION`). */
  readonly protected?: boolean;
  /** What differs from the baseline, and other integrity findings; omitted when none. */
  readonly findings?: readonly Finding[];
}

export const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Finding kinds: dashboards, alarms and Security Hub finding Ids key on them. */
export const FINDING_KINDS = [
  'baseline-recorded',
  'selectors-changed',
  'multi-region-disabled',
  'organization-disabled',
  'retention-lowered',
  'termination-protection-disabled',
  'kms-key-changed',
  'federation-changed',
  'deleted',
  'exemption-too-long',
  'exempt-tag-changed',
  'repeated-stops',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface Finding {
  readonly kind: FindingKind;
  /** The configuration field (or tag) concerned: `AdvancedEventSelectors`, `RetentionPeriod`, … */
  readonly field: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly severity: Severity;
  /** In words: for `selectors-changed`, what got narrower. */
  readonly detail?: string;
}

/** The operators of a field selector, as the API names them. */
export const FIELD_OPERATORS = [
  'Equals',
  'StartsWith',
  'EndsWith',
  'NotEquals',
  'NotStartsWith',
  'NotEndsWith',
] as const;

/** One field selector, as the API spells it. */
export interface FieldSelector {
  readonly Field: string;
  readonly Equals?: readonly string[];
  readonly StartsWith?: readonly string[];
  readonly EndsWith?: readonly string[];
  readonly NotEquals?: readonly string[];
  readonly NotStartsWith?: readonly string[];
  readonly NotEndsWith?: readonly string[];
}

export interface EventSelector {
  readonly Name?: string;
  readonly FieldSelectors: readonly FieldSelector[];
}

/** A store's integrity-relevant configuration: what its baseline records. */
export interface StoreConfig {
  readonly AdvancedEventSelectors: readonly EventSelector[];
  readonly MultiRegionEnabled: boolean;
  readonly OrganizationEnabled: boolean;
  readonly RetentionPeriod?: number;
  readonly TerminationProtectionEnabled: boolean;
  readonly KmsKeyId?: string;
  readonly FederationStatus?: string;
  readonly FederationRoleArn?: string;
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
  /** What a human is told about this invocation, when anything (the handler adds it). */
  readonly incident?: Incident;
  /** What each configured sink was sent and answered (the handler adds it). */
  readonly notifications?: readonly SinkReport[];
  readonly summary: {
    readonly resumed: number;
    readonly wouldResume: number;
    readonly restored: number;
    readonly wouldRestore: number;
    readonly protected: number;
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
  /** The integrity-relevant configuration GetEventDataStore gave. */
  readonly config?: StoreConfig;
  /** `UpdatedTimestamp` as ISO-8601. */
  readonly updatedAt?: string;
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
  /** What the state table remembers of the store, after this event's changes to it. */
  readonly memory?: StoreMemory;
}

/** What the state table remembers of one store. */
export interface StoreMemory {
  readonly baseline?: StoreConfig;
  /** When the baseline was recorded, ISO-8601. */
  readonly baselineAt?: string;
  /** The exempt tag was changed by an actor not authorized: no exemption until one sets it again. */
  readonly exemptionDistrusted?: boolean;
}

/** The part of Powertools' Logger the use case needs (fixed message, data in fields). */
export type LogFields = Record<string, unknown>;
export interface LoggerLike {
  info(message: string, fields: LogFields): void;
  warn(message: string, fields: LogFields): void;
  error(message: string, fields: LogFields): void;
}
