/**
 * The incident in the AWS Security Finding Format (ASFF): one finding per store and kind, with an
 * Id that depends on nothing but the region, the account, the store and the kind, so a later
 * import of the same problem updates its finding instead of adding one. Pure.
 */
import type { AwsSecurityFinding, Partition } from '@aws-sdk/client-securityhub';
import {
  highestSeverity,
  type Incident,
  type IncidentKind,
  type IncidentPart,
  KIND_PHRASES,
  OUTCOMES,
  partsOf,
  storeLabel,
} from '../incident.js';
import type { Finding, StoreResult } from '../types.js';

export const ASFF_SCHEMA_VERSION = '2018-10-08';
export const GENERATOR_PREFIX = 'lake-ingestion-guard';
export const TITLE_MAX = 256;
export const DESCRIPTION_MAX = 1024;

/** MITRE ATT&CK T1562.008, the technique every kind is an instance of. */
const DEFENSE_EVASION = 'TTPs/Defense Evasion/Impair Defenses: Disable or Modify Cloud Logs';

/** Kinds that also destroy evidence. */
const DATA_DESTRUCTION: Partial<Record<IncidentKind, string>> = {
  'retention-lowered': 'Effects/Data Destruction/CloudTrail Lake retention lowered',
  deleted: 'Effects/Data Destruction/CloudTrail Lake event data store deleted',
};

export interface AsffContext {
  readonly partition: string;
  /** `UpdatedAt` of every finding: when it is sent. */
  readonly updatedAt: string;
}

/** The account's own product, the one custom findings are imported under. */
export function productArn(partition: string, region: string, account: string): string {
  return `arn:${partition}:securityhub:${region}:${account}:product/${account}/default`;
}

/** `lake-ingestion-guard/<region>/<account>/<store id>/<kind>`. */
export function findingId(region: string, account: string, store: string, kind: string): string {
  const storeId = store.slice(store.lastIndexOf('/') + 1);
  return `${GENERATOR_PREFIX}/${region}/${account}/${storeId}/${kind}`;
}

/** Cuts `text` to `max` characters, the last one an ellipsis when it was longer. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Every finding of the incident: per store, one for each kind of its parts. */
export function toAsffFindings(incident: Incident, context: AsffContext): AwsSecurityFinding[] {
  return incident.stores.flatMap((store) =>
    [...groupByKind(partsOf(store))].map(([kind, parts]) =>
      toFinding(incident, store, kind, parts, context),
    ),
  );
}

function groupByKind(parts: readonly IncidentPart[]): Map<IncidentKind, IncidentPart[]> {
  const groups = new Map<IncidentKind, IncidentPart[]>();
  for (const part of parts) groups.set(part.kind, [...(groups.get(part.kind) ?? []), part]);
  return groups;
}

function toFinding(
  incident: Incident,
  store: StoreResult,
  kind: IncidentKind,
  parts: readonly IncidentPart[],
  context: AsffContext,
): AwsSecurityFinding {
  const { account, region } = incident;
  const destruction = DATA_DESTRUCTION[kind];
  const actor = incident.trigger.actor?.arn;
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: findingId(region, account, store.eventDataStore, kind),
    ProductArn: productArn(context.partition, region, account),
    GeneratorId: `${GENERATOR_PREFIX}/${kind}`,
    AwsAccountId: account,
    Types: destruction === undefined ? [DEFENSE_EVASION] : [DEFENSE_EVASION, destruction],
    CreatedAt: incident.trigger.eventTime ?? incident.time,
    UpdatedAt: context.updatedAt,
    Severity: { Label: highestSeverity(parts.map((part) => part.severity)) },
    Title: clip(
      `${KIND_PHRASES[kind]}${actor === undefined ? '' : ` by ${actor}`} on ${storeLabel(store)}: ${OUTCOMES[store.action]}`,
      TITLE_MAX,
    ),
    Description: clip(describe(incident, store, kind, parts), DESCRIPTION_MAX),
    ProductFields: { 'lake-ingestion-guard/incidentId': incident.incidentId },
    Resources: [
      {
        Type: 'Other',
        Id: store.eventDataStore,
        Partition: context.partition as Partition,
        Region: region,
        Details: { Other: detailsOf(incident, store, kind) },
      },
    ],
    RecordState: 'ACTIVE',
  };
}

/** Who, what, when, outcome, and what each finding saw, in sentences. */
function describe(
  incident: Incident,
  store: StoreResult,
  kind: IncidentKind,
  parts: readonly IncidentPart[],
): string {
  const { trigger } = incident;
  const actor = trigger.actor;
  const who =
    actor === undefined
      ? 'Actor unknown'
      : `By ${actor.arn}${actor.type === undefined ? '' : ` (${actor.type})`}` +
        (actor.sessionIssuer === undefined ? '' : `, session issued by ${actor.sessionIssuer}`);
  const from = [
    trigger.sourceIPAddress === undefined ? '' : ` from ${trigger.sourceIPAddress}`,
    trigger.userAgent === undefined ? '' : ` with ${trigger.userAgent}`,
  ].join('');
  const what =
    trigger.eventName === undefined
      ? `a ${trigger.kind} from ${trigger.source}`
      : trigger.eventName;
  const when = trigger.eventTime ?? incident.time;
  const findings = parts.flatMap((part) =>
    part.finding === undefined ? [] : [findingText(part.finding)],
  );
  return [
    `${KIND_PHRASES[kind]} on ${storeLabel(store)} (${store.eventDataStore}).`,
    `${who}${from}: ${what} at ${when}.`,
    `Outcome: ${outcomeText(store)}.`,
    ...findings,
  ].join(' ');
}

function outcomeText(store: StoreResult): string {
  const status =
    store.statusBefore === undefined
      ? ''
      : `, status ${store.statusBefore}${store.statusAfter === undefined ? '' : ` → ${store.statusAfter}`}`;
  const error = store.errorName === undefined ? '' : `, error ${store.errorName}`;
  return `${OUTCOMES[store.action]} (${store.reason}${status}${error})`;
}

function findingText(finding: Finding): string {
  const change = `${JSON.stringify(finding.before ?? null)} → ${JSON.stringify(finding.after ?? null)}`;
  return `${finding.field}: ${change}${finding.detail === undefined ? '' : ` (${finding.detail})`}.`;
}

/** The store's side of the finding, as strings (ASFF's `Details.Other`). */
function detailsOf(
  incident: Incident,
  store: StoreResult,
  kind: IncidentKind,
): Record<string, string> {
  const entries: [string, string | undefined][] = [
    ['name', store.name],
    ['kind', kind],
    ['action', store.action],
    ['reason', store.reason],
    ['statusBefore', store.statusBefore],
    ['statusAfter', store.statusAfter],
    ['errorName', store.errorName],
    ['actor', incident.trigger.actor?.arn],
    ['sourceIPAddress', incident.trigger.sourceIPAddress],
    ['eventID', incident.trigger.eventID],
    ['incidentId', incident.incidentId],
  ];
  return Object.fromEntries(
    entries.flatMap(([key, value]) => (value === undefined ? [] : [[key, clip(value, 1024)]])),
  );
}

/** The fields an import needs, of a finding read back, with `RecordState: ARCHIVED`. */
export function toArchived(finding: AwsSecurityFinding, updatedAt: string): AwsSecurityFinding {
  const { SchemaVersion, Id, ProductArn, GeneratorId, AwsAccountId, Types, CreatedAt } = finding;
  const { Severity, Title, Description, Resources, ProductFields } = finding;
  return {
    SchemaVersion,
    Id,
    ProductArn,
    GeneratorId,
    AwsAccountId,
    Types,
    CreatedAt,
    UpdatedAt: updatedAt,
    Severity,
    Title,
    Description,
    ...(ProductFields !== undefined && { ProductFields }),
    Resources,
    RecordState: 'ARCHIVED',
  };
}
