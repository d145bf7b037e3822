/**
 * Integrity findings of one event data store: what weakened it since its baseline, and what is
 * wrong with it now whatever its baseline. Pure.
 */
import { narrowings, normalizeSelectors, sameSelectors } from './selectors.js';
import type { Finding, FindingKind, Severity, StoreConfig, StoreSnapshot } from './types.js';

/** Severities by rank, INFORMATIONAL lowest. */
export const SEVERITY_RANK = {
  INFORMATIONAL: 0,
  LOW: 1,
  MEDIUM: 2,
  HIGH: 3,
  CRITICAL: 4,
} as const satisfies Record<Severity, number>;

/** The highest severity of the findings; undefined when there are none. */
export function highestSeverity(findings: readonly Finding[]): Severity | undefined {
  return findings.reduce<Severity | undefined>(
    (highest, { severity }) =>
      highest === undefined || SEVERITY_RANK[severity] > SEVERITY_RANK[highest]
        ? severity
        : highest,
    undefined,
  );
}

/** Worth an alarm: anything but INFORMATIONAL. */
export function isAboveInformational(finding: Finding): boolean {
  return SEVERITY_RANK[finding.severity] > SEVERITY_RANK.INFORMATIONAL;
}

/** One comparison of baseline and current configuration: its finding, or none. */
type Check = (baseline: StoreConfig, current: StoreConfig) => readonly Finding[];

const selectorsChanged: Check = (baseline, current) => {
  const before = baseline.AdvancedEventSelectors;
  const after = current.AdvancedEventSelectors;
  if (sameSelectors(before, after)) return [];
  const narrower = narrowings(before, after);
  const change = {
    kind: 'selectors-changed',
    field: 'AdvancedEventSelectors',
    before: normalizeSelectors(before),
    after: normalizeSelectors(after),
  } as const;
  return narrower.length > 0
    ? [{ ...change, severity: 'HIGH', detail: narrower.join('; ') }]
    : [{ ...change, severity: 'LOW', detail: 'the selectors changed; nothing got narrower' }];
};

/** Compares one field of the configuration: a finding when `weakens` says the change does. */
function fieldCheck<F extends keyof StoreConfig>(
  field: F,
  kind: FindingKind,
  severity: Severity,
  weakens: (before: StoreConfig[F], after: StoreConfig[F]) => boolean,
  detail: (before: StoreConfig[F], after: StoreConfig[F]) => string,
): Check {
  return ({ [field]: before }, { [field]: after }) =>
    weakens(before, after)
      ? [{ kind, field, before, after, severity, detail: detail(before, after) }]
      : [];
}

const turnedOff = (before: boolean, after: boolean): boolean => before && !after;

const differs = (before: unknown, after: unknown): boolean => before !== after;

const multiRegionDisabled = fieldCheck(
  'MultiRegionEnabled',
  'multi-region-disabled',
  'HIGH',
  turnedOff,
  () => 'events of the other regions are no longer collected',
);

const organizationDisabled = fieldCheck(
  'OrganizationEnabled',
  'organization-disabled',
  'HIGH',
  turnedOff,
  () => "events of the organization's member accounts are no longer collected",
);

const retentionLowered = fieldCheck(
  'RetentionPeriod',
  'retention-lowered',
  'CRITICAL',
  (before, after) => before !== undefined && after !== undefined && after < before,
  (_before, after) => `events older than ${after} days are deleted`,
);

const kmsKeyChanged = fieldCheck(
  'KmsKeyId',
  'kms-key-changed',
  'HIGH',
  (before, after) => after !== undefined && after !== before,
  () => 'whoever controls the key can disable it, and the store can no longer be read or written',
);

const federationStatusChanged = fieldCheck(
  'FederationStatus',
  'federation-changed',
  'MEDIUM',
  differs,
  (_before, after) =>
    after === 'ENABLED' || after === 'ENABLING'
      ? 'the events are exposed to queries through the federation role'
      : 'federation is disabled before a federated store can be deleted',
);

const federationRoleChanged = fieldCheck(
  'FederationRoleArn',
  'federation-changed',
  'MEDIUM',
  differs,
  () => 'another role now reads the events through federation',
);

const CHECKS: readonly Check[] = [
  selectorsChanged,
  multiRegionDisabled,
  organizationDisabled,
  retentionLowered,
  kmsKeyChanged,
  federationStatusChanged,
  federationRoleChanged,
];

/**
 * One finding per difference that weakens the store, in a fixed order. Changes that only make it
 * stronger give none; termination protection is `checkStore`'s.
 */
export function findDrift(baseline: StoreConfig, current: StoreConfig): Finding[] {
  return CHECKS.flatMap((check) => check(baseline, current));
}

/** What is wrong with the store whatever its baseline: deleted, termination protection off. */
export function checkStore(snapshot: StoreSnapshot): Finding[] {
  const findings: Finding[] = [];
  if (snapshot.status === 'PENDING_DELETION') {
    findings.push({
      kind: 'deleted',
      field: 'Status',
      after: 'PENDING_DELETION',
      severity: 'CRITICAL',
      detail:
        'the store was deleted: it ingests nothing, and its events are gone when the wait ends',
    });
  }
  if (snapshot.config?.TerminationProtectionEnabled === false) {
    findings.push({
      kind: 'termination-protection-disabled',
      field: 'TerminationProtectionEnabled',
      before: true,
      after: false,
      severity: 'HIGH',
      detail: 'the store can be deleted in one call',
    });
  }
  return findings;
}

/** The store's configuration became its baseline. */
export function baselineRecorded(config: StoreConfig): Finding {
  return { kind: 'baseline-recorded', field: '*', after: config, severity: 'INFORMATIONAL' };
}
