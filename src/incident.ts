/**
 * The incident: what one invocation did that a human should hear about, built from its result.
 * Pure: the same input gives the same incident (the same id above all, so a redelivery is
 * recognisable downstream).
 */
import type {
  Action,
  Finding,
  FindingKind,
  Here,
  Reason,
  ResumeRequest,
  ResumeResult,
  Severity,
  StoreResult,
  TriggerKind,
} from './types.js';
import { REASONS, SEVERITIES } from './types.js';

/** What a store's part of an incident is about: a Finding kind, or one of the guard's own. */
export const INCIDENT_KINDS = [
  /** The store was found stopped: resumed, or the start failed. */
  'ingestion-stopped',
  /** The guard could not read or act on the store (describe, resolve, deadline, …). */
  'guard-failed',
] as const;
export type IncidentKind = FindingKind | (typeof INCIDENT_KINDS)[number];

/** One reason to tell: an action the guard took (or failed to take), or a finding. */
export interface IncidentPart {
  readonly kind: IncidentKind;
  readonly severity: Severity;
  /** The finding behind the part; absent for a part that comes from the store's action. */
  readonly finding?: Finding;
}

export interface IncidentActor {
  readonly arn: string;
  readonly type?: string;
  readonly accountId?: string;
  /** For an assumed role: the role the session was issued by. */
  readonly sessionIssuer?: string;
}

export interface IncidentTrigger {
  readonly kind: TriggerKind;
  readonly source: string;
  /**
   * `trusted`: the record came from EventBridge itself (or a direct invoke); `alert`: through SNS
   * or another path, so its actor and context are only what the message claims.
   */
  readonly evidence: 'trusted' | 'alert';
  readonly eventName?: string;
  readonly eventID?: string;
  readonly eventTime?: string;
  readonly actor?: IncidentActor;
  readonly sourceIPAddress?: string;
  readonly userAgent?: string;
}

export interface Incident {
  /** The same invocation input gives the same id: the deliveryId, else the eventID, else the request id. */
  readonly incidentId: string;
  /** The highest severity of its parts. */
  readonly severity: Severity;
  readonly title: string;
  readonly account: string;
  readonly region: string;
  /** When the incident was built (ISO-8601). */
  readonly time: string;
  readonly trigger: IncidentTrigger;
  /** Only the stores that contributed a part. */
  readonly stores: readonly StoreResult[];
  readonly guard: { readonly functionArn: string; readonly requestId: string };
}

export interface IncidentInput {
  readonly result: ResumeResult;
  readonly request: ResumeRequest;
  readonly invocation: { readonly functionArn: string; readonly requestId: string };
  readonly here: Here;
  readonly now: Date;
}

/** The severity of an action's part; actions absent here tell nothing. */
export const ACTION_SEVERITY = {
  restored: 'CRITICAL',
  resumed: 'HIGH',
  failed: 'HIGH',
  protected: 'MEDIUM',
} as const satisfies Partial<Record<Action, Severity>>;

/** A finding of these kinds is this severe whatever the finding says. */
export const KIND_SEVERITY: Partial<Record<FindingKind, Severity>> = {
  'repeated-stops': 'CRITICAL',
};

/** What a failure was about, by its reason; any other failure is `guard-failed`. */
const FAILURE_KIND: Partial<Record<Reason, IncidentKind>> = {
  [REASONS.startFailed]: 'ingestion-stopped',
  [REASONS.notVerified]: 'ingestion-stopped',
  [REASONS.invalidStatus]: 'ingestion-stopped',
  [REASONS.restoreFailed]: 'deleted',
  [REASONS.protectFailed]: 'termination-protection-disabled',
};

const STOPPED_STATUSES: readonly string[] = ['STOPPED_INGESTION', 'STOPPING_INGESTION'];

export const severityRank = (severity: Severity): number => SEVERITIES.indexOf(severity);

/** The highest of `severities`; INFORMATIONAL for none. */
export function highestSeverity(severities: readonly Severity[]): Severity {
  return severities.reduce<Severity>(
    (top, next) => (severityRank(next) > severityRank(top) ? next : top),
    'INFORMATIONAL',
  );
}

function actionKind(store: StoreResult): IncidentKind {
  if (store.action === 'resumed') return 'ingestion-stopped';
  if (store.action === 'restored') return 'deleted';
  if (store.action === 'protected') return 'termination-protection-disabled';
  const byReason = FAILURE_KIND[store.reason];
  if (byReason !== undefined) return byReason;
  return STOPPED_STATUSES.includes(store.statusBefore ?? '') ? 'ingestion-stopped' : 'guard-failed';
}

function actionParts(store: StoreResult): IncidentPart[] {
  const parts: IncidentPart[] = [];
  const severity = (ACTION_SEVERITY as Partial<Record<Action, Severity>>)[store.action];
  if (severity !== undefined) parts.push({ kind: actionKind(store), severity });
  if (store.protected === true && store.action !== 'protected') {
    parts.push({ kind: 'termination-protection-disabled', severity: ACTION_SEVERITY.protected });
  }
  return parts;
}

function findingParts(store: StoreResult): IncidentPart[] {
  return (store.findings ?? []).flatMap((finding) => {
    const severity = highestSeverity([
      finding.severity,
      KIND_SEVERITY[finding.kind] ?? 'INFORMATIONAL',
    ]);
    return severity === 'INFORMATIONAL' ? [] : [{ kind: finding.kind, severity, finding }];
  });
}

/** Every reason the store gives to tell someone; none for a quiet store. */
export function partsOf(store: StoreResult): IncidentPart[] {
  return [...actionParts(store), ...findingParts(store)];
}

/** The incident of one invocation, or undefined when nothing happened worth telling. */
export function buildIncident(input: IncidentInput): Incident | undefined {
  const stores = input.result.stores.filter((store) => partsOf(store).length > 0);
  if (stores.length === 0) return undefined;
  const { request, here, invocation } = input;
  const trigger = triggerOf(request);
  const severity = highestSeverity(
    stores.flatMap((store) => partsOf(store).map((p) => p.severity)),
  );
  return {
    incidentId:
      request.deliveryId ?? request.cloudTrail?.eventID ?? `request-${invocation.requestId}`,
    severity,
    title: titleOf(stores, trigger.actor),
    account: here.accountId,
    region: here.region,
    time: input.now.toISOString(),
    trigger,
    stores,
    guard: { functionArn: invocation.functionArn, requestId: invocation.requestId },
  };
}

function triggerOf(request: ResumeRequest): IncidentTrigger {
  const context = request.cloudTrail ?? {};
  const eventName = context.eventName ?? request.eventName;
  const actor = request.actor;
  return {
    kind: request.kind,
    source: request.source,
    evidence: request.evidence ?? 'alert',
    ...(eventName !== undefined && { eventName }),
    ...(context.eventID !== undefined && { eventID: context.eventID }),
    ...(context.eventTime !== undefined && { eventTime: context.eventTime }),
    ...(actor !== undefined && {
      actor: {
        arn: actor.arn,
        ...(actor.type !== undefined && { type: actor.type }),
        ...(actor.accountId !== undefined && { accountId: actor.accountId }),
        ...(actor.roleArn !== undefined && { sessionIssuer: actor.roleArn }),
      },
    }),
    ...(context.sourceIPAddress !== undefined && { sourceIPAddress: context.sourceIPAddress }),
    ...(context.userAgent !== undefined && { userAgent: context.userAgent }),
  };
}

/** What a part is about, in words, for titles and descriptions. */
export const KIND_PHRASES: Record<IncidentKind, string> = {
  'ingestion-stopped': 'Ingestion stopped',
  'guard-failed': 'Store could not be checked',
  'baseline-recorded': 'Baseline recorded',
  'selectors-changed': 'Event selectors changed',
  'multi-region-disabled': 'Multi-region collection turned off',
  'organization-disabled': 'Organization collection turned off',
  'retention-lowered': 'Retention lowered',
  'termination-protection-disabled': 'Termination protection turned off',
  'kms-key-changed': 'KMS key changed',
  'federation-changed': 'Lake federation changed',
  deleted: 'Event data store deleted',
  'exemption-too-long': 'Exemption too long',
  'exempt-tag-changed': 'Exemption tag changed',
  'repeated-stops': 'Ingestion stopped repeatedly',
};

/** What happened to a store, in words. */
export const OUTCOMES: Record<Action, string> = {
  resumed: 'resumed',
  'would-resume': 'would resume (dry run)',
  restored: 'restored',
  'would-restore': 'would restore (dry run)',
  protected: 'protection turned back on',
  skipped: 'reported',
  failed: 'failed',
};

/** A store as a human names it: its name, else the last part of its ARN. */
export function storeLabel(store: StoreResult): string {
  return store.name ?? store.eventDataStore.slice(store.eventDataStore.lastIndexOf('/') + 1);
}

function titleOf(stores: readonly StoreResult[], actor: IncidentActor | undefined): string {
  const parts = stores.flatMap(partsOf);
  const top = parts.reduce((a, b) => (severityRank(b.severity) > severityRank(a.severity) ? b : a));
  const kinds = new Set(parts.map((part) => part.kind)).size;
  const what = KIND_PHRASES[top.kind] + (kinds > 1 ? ` (+${kinds - 1} more)` : '');
  const where = stores.length <= 3 ? stores.map(storeLabel).join(', ') : `${stores.length} stores`;
  const outcomes = [...new Set(stores.map((store) => OUTCOMES[store.action]))].join(', ');
  return `${what}${actor === undefined ? '' : ` by ${actor.arn}`} on ${where}: ${outcomes}`;
}
