import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  baselineRecorded,
  checkStore,
  findDrift,
  highestSeverity,
  isAboveInformational,
  SEVERITY_RANK,
} from '../../src/drift.js';
import {
  type EventSelector,
  type Finding,
  type FindingKind,
  SEVERITIES,
  type Severity,
  type StoreConfig,
  type StoreSnapshot,
} from '../../src/types.js';

const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1b2c3d4e-0000-4000-8000-000000000001';
const OTHER_KEY = 'arn:aws:kms:us-east-1:999999999999:key/attacker';
const FEDERATION_ROLE = 'arn:aws:iam::123456789012:role/LakeFederation';

const MANAGEMENT: EventSelector = {
  Name: 'Management events',
  FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }],
};
const S3_DATA: EventSelector = {
  FieldSelectors: [
    { Field: 'eventCategory', Equals: ['Data'] },
    { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
  ],
};

const BASELINE: StoreConfig = {
  AdvancedEventSelectors: [MANAGEMENT],
  MultiRegionEnabled: true,
  OrganizationEnabled: true,
  RetentionPeriod: 2557,
  TerminationProtectionEnabled: true,
};

/** The configuration without that field. */
function without(config: StoreConfig, field: 'RetentionPeriod' | 'KmsKeyId'): StoreConfig {
  const { [field]: _dropped, ...rest } = config;
  return rest;
}

/** The kind and severity of each finding, in order: what the tables are about. */
function kinds(findings: readonly Finding[]): { kind: FindingKind; severity: Severity }[] {
  return findings.map(({ kind, severity }) => ({ kind, severity }));
}

describe('Function: findDrift', () => {
  it.each<{
    change: string;
    baseline?: Partial<StoreConfig>;
    current: Partial<StoreConfig>;
    expected: Finding;
  }>([
    {
      change: 'a self-exclusion added to the selectors',
      current: {
        AdvancedEventSelectors: [
          {
            ...MANAGEMENT,
            FieldSelectors: [
              ...MANAGEMENT.FieldSelectors,
              { Field: 'userIdentity.arn', NotStartsWith: ['arn:aws:sts::1:assumed-role/x/'] },
            ],
          },
        ],
      },
      expected: {
        kind: 'selectors-changed',
        field: 'AdvancedEventSelectors',
        before: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }],
        after: [
          {
            FieldSelectors: [
              { Field: 'eventCategory', Equals: ['Management'] },
              { Field: 'userIdentity.arn', NotStartsWith: ['arn:aws:sts::1:assumed-role/x/'] },
            ],
          },
        ],
        severity: 'HIGH',
        detail:
          'a NotStartsWith condition on userIdentity.arn was added ("arn:aws:sts::1:assumed-role/x/")',
      },
    },
    {
      change: 'a selector added: wider, still a change',
      current: { AdvancedEventSelectors: [MANAGEMENT, S3_DATA] },
      expected: {
        kind: 'selectors-changed',
        field: 'AdvancedEventSelectors',
        before: [{ FieldSelectors: MANAGEMENT.FieldSelectors }],
        after: [S3_DATA, { FieldSelectors: MANAGEMENT.FieldSelectors }],
        severity: 'LOW',
        detail: 'the selectors changed; nothing got narrower',
      },
    },
    {
      change: 'multi-region turned off',
      current: { MultiRegionEnabled: false },
      expected: {
        kind: 'multi-region-disabled',
        field: 'MultiRegionEnabled',
        before: true,
        after: false,
        severity: 'HIGH',
        detail: 'events of the other regions are no longer collected',
      },
    },
    {
      change: 'organization turned off',
      current: { OrganizationEnabled: false },
      expected: {
        kind: 'organization-disabled',
        field: 'OrganizationEnabled',
        before: true,
        after: false,
        severity: 'HIGH',
        detail: "events of the organization's member accounts are no longer collected",
      },
    },
    {
      change: 'retention lowered by one day',
      current: { RetentionPeriod: 2556 },
      expected: {
        kind: 'retention-lowered',
        field: 'RetentionPeriod',
        before: 2557,
        after: 2556,
        severity: 'CRITICAL',
        detail: 'events older than 2556 days are deleted',
      },
    },
    {
      change: 'retention lowered to the least',
      current: { RetentionPeriod: 7 },
      expected: {
        kind: 'retention-lowered',
        field: 'RetentionPeriod',
        before: 2557,
        after: 7,
        severity: 'CRITICAL',
        detail: 'events older than 7 days are deleted',
      },
    },
    {
      change: 'a KMS key attached',
      current: { KmsKeyId: OTHER_KEY },
      expected: {
        kind: 'kms-key-changed',
        field: 'KmsKeyId',
        before: undefined,
        after: OTHER_KEY,
        severity: 'HIGH',
        detail:
          'whoever controls the key can disable it, and the store can no longer be read or written',
      },
    },
    {
      change: 'the KMS key replaced by another',
      baseline: { KmsKeyId: KEY },
      current: { KmsKeyId: OTHER_KEY },
      expected: {
        kind: 'kms-key-changed',
        field: 'KmsKeyId',
        before: KEY,
        after: OTHER_KEY,
        severity: 'HIGH',
        detail:
          'whoever controls the key can disable it, and the store can no longer be read or written',
      },
    },
    {
      change: 'federation enabled',
      current: { FederationStatus: 'ENABLED' },
      expected: {
        kind: 'federation-changed',
        field: 'FederationStatus',
        before: undefined,
        after: 'ENABLED',
        severity: 'MEDIUM',
        detail: 'the events are exposed to queries through the federation role',
      },
    },
    {
      change: 'federation being enabled',
      baseline: { FederationStatus: 'DISABLED' },
      current: { FederationStatus: 'ENABLING' },
      expected: {
        kind: 'federation-changed',
        field: 'FederationStatus',
        before: 'DISABLED',
        after: 'ENABLING',
        severity: 'MEDIUM',
        detail: 'the events are exposed to queries through the federation role',
      },
    },
    {
      change: 'federation disabled',
      baseline: { FederationStatus: 'ENABLED' },
      current: { FederationStatus: 'DISABLED' },
      expected: {
        kind: 'federation-changed',
        field: 'FederationStatus',
        before: 'ENABLED',
        after: 'DISABLED',
        severity: 'MEDIUM',
        detail: 'federation is disabled before a federated store can be deleted',
      },
    },
    {
      change: 'the federation role replaced',
      baseline: { FederationStatus: 'ENABLED', FederationRoleArn: FEDERATION_ROLE },
      current: { FederationStatus: 'ENABLED', FederationRoleArn: `${FEDERATION_ROLE}2` },
      expected: {
        kind: 'federation-changed',
        field: 'FederationRoleArn',
        before: FEDERATION_ROLE,
        after: `${FEDERATION_ROLE}2`,
        severity: 'MEDIUM',
        detail: 'another role now reads the events through federation',
      },
    },
  ])('reports $change', ({ baseline = {}, current, expected }) => {
    // Act
    const findings = findDrift(
      { ...BASELINE, ...baseline },
      { ...BASELINE, ...baseline, ...current },
    );

    // Assess
    expect(findings).toStrictEqual([expected]);
  });

  it.each<{ change: string; before?: StoreConfig; after: StoreConfig }>([
    { change: 'nothing', after: BASELINE },
    {
      change: 'the selectors renamed',
      after: { ...BASELINE, AdvancedEventSelectors: [{ ...MANAGEMENT, Name: 'renamed' }] },
    },
    {
      change: 'retention the same',
      before: { ...BASELINE, RetentionPeriod: 365 },
      after: { ...BASELINE, RetentionPeriod: 365 },
    },
    { change: 'retention raised', before: { ...BASELINE, RetentionPeriod: 90 }, after: BASELINE },
    { change: 'retention unknown now', after: without(BASELINE, 'RetentionPeriod') },
    {
      change: 'retention unknown before',
      before: without(BASELINE, 'RetentionPeriod'),
      after: BASELINE,
    },
    {
      change: 'multi-region turned on',
      before: { ...BASELINE, MultiRegionEnabled: false },
      after: BASELINE,
    },
    {
      change: 'organization turned on',
      before: { ...BASELINE, OrganizationEnabled: false },
      after: BASELINE,
    },
    {
      change: 'the same KMS key',
      before: { ...BASELINE, KmsKeyId: KEY },
      after: { ...BASELINE, KmsKeyId: KEY },
    },
    { change: 'the KMS key gone', before: { ...BASELINE, KmsKeyId: KEY }, after: BASELINE },
    {
      change: 'termination protection off',
      after: { ...BASELINE, TerminationProtectionEnabled: false },
    },
    {
      change: 'the same federation',
      before: { ...BASELINE, FederationStatus: 'ENABLED', FederationRoleArn: FEDERATION_ROLE },
      after: { ...BASELINE, FederationStatus: 'ENABLED', FederationRoleArn: FEDERATION_ROLE },
    },
  ])('reports nothing when $change', ({ before = BASELINE, after }) => {
    expect(findDrift(before, after)).toStrictEqual([]);
  });

  it('reports each weakening once, in a fixed order', () => {
    // Prepare
    const baseline = {
      ...BASELINE,
      FederationStatus: 'ENABLED',
      FederationRoleArn: FEDERATION_ROLE,
    };
    const current: StoreConfig = {
      AdvancedEventSelectors: [],
      MultiRegionEnabled: false,
      OrganizationEnabled: false,
      RetentionPeriod: 30,
      TerminationProtectionEnabled: false,
      KmsKeyId: OTHER_KEY,
      FederationStatus: 'DISABLED',
    };

    // Act
    const findings = findDrift(baseline, current);

    // Assess
    expect(kinds(findings)).toStrictEqual([
      { kind: 'selectors-changed', severity: 'HIGH' },
      { kind: 'multi-region-disabled', severity: 'HIGH' },
      { kind: 'organization-disabled', severity: 'HIGH' },
      { kind: 'retention-lowered', severity: 'CRITICAL' },
      { kind: 'kms-key-changed', severity: 'HIGH' },
      { kind: 'federation-changed', severity: 'MEDIUM' },
      { kind: 'federation-changed', severity: 'MEDIUM' },
    ]);
    expect(findings[0]?.detail).toBe('event category Management is no longer selected');
    expect(findings.map((f) => f.field).slice(-2)).toStrictEqual([
      'FederationStatus',
      'FederationRoleArn',
    ]);
  });

  const selector: fc.Arbitrary<EventSelector> = fc.record({
    Name: fc.string(),
    FieldSelectors: fc.array(
      fc.record({
        Field: fc.constantFrom('eventCategory', 'eventName', 'readOnly'),
        Equals: fc.array(fc.constantFrom('a', 'b', 'Management'), { maxLength: 3 }),
        NotStartsWith: fc.array(fc.string({ maxLength: 2 }), { maxLength: 2 }),
      }),
      { maxLength: 3 },
    ),
  });
  const config: fc.Arbitrary<StoreConfig> = fc.record(
    {
      AdvancedEventSelectors: fc.array(selector, { maxLength: 3 }),
      MultiRegionEnabled: fc.boolean(),
      OrganizationEnabled: fc.boolean(),
      RetentionPeriod: fc.integer({ min: 7, max: 3653 }),
      TerminationProtectionEnabled: fc.boolean(),
      KmsKeyId: fc.constantFrom(KEY, OTHER_KEY),
      FederationStatus: fc.constantFrom('ENABLED', 'DISABLED'),
      FederationRoleArn: fc.constant(FEDERATION_ROLE),
    },
    {
      requiredKeys: [
        'AdvancedEventSelectors',
        'MultiRegionEnabled',
        'OrganizationEnabled',
        'TerminationProtectionEnabled',
      ],
    },
  );

  /** The selectors in another order, renamed, field selectors and values reversed and repeated. */
  function reordered(selectors: readonly EventSelector[]): fc.Arbitrary<EventSelector[]> {
    const copy = selectors.map((s, i) => ({
      Name: `renamed ${i}`,
      FieldSelectors: s.FieldSelectors.toReversed().map((f) => ({
        ...f,
        Equals: [...(f.Equals ?? []).toReversed(), ...(f.Equals ?? [])],
      })),
    }));
    return fc.shuffledSubarray(copy, { minLength: copy.length, maxLength: copy.length });
  }

  it('reports nothing between any configuration and itself', () => {
    fc.assert(
      fc.property(config, (c) => {
        expect(findDrift(c, c)).toStrictEqual([]);
        expect(findDrift(c, structuredClone(c))).toStrictEqual([]);
      }),
    );
  });

  it('reports nothing between any configuration and a reordered, renamed copy', () => {
    fc.assert(
      fc.property(
        config.chain((c) =>
          fc.tuple(
            fc.constant(c),
            reordered(c.AdvancedEventSelectors).map((s) => ({ ...c, AdvancedEventSelectors: s })),
          ),
        ),
        ([c, copy]) => {
          expect(findDrift(c, copy)).toStrictEqual([]);
        },
      ),
    );
  });

  it('reports a lowered retention for any lower value, and nothing for any value not lower', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3653 }), fc.integer({ min: 1, max: 3653 }), (a, b) => {
        const findings = findDrift(
          { ...BASELINE, RetentionPeriod: a },
          { ...BASELINE, RetentionPeriod: b },
        );
        expect(kinds(findings)).toStrictEqual(
          b < a ? [{ kind: 'retention-lowered', severity: 'CRITICAL' }] : [],
        );
      }),
    );
  });
});

const SNAPSHOT: StoreSnapshot = {
  arn: 'arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/a3f1c0de-5b2a',
  status: 'ENABLED',
  categories: ['Management'],
  tags: {},
  organizationEnabled: true,
  config: BASELINE,
};

describe('Function: checkStore', () => {
  it.each<{ case: string; snapshot: StoreSnapshot; expected: FindingKind[] }>([
    { case: 'an ingesting, protected store', snapshot: SNAPSHOT, expected: [] },
    {
      case: 'a stopped, protected store',
      snapshot: { ...SNAPSHOT, status: 'STOPPED_INGESTION' },
      expected: [],
    },
    {
      case: 'a store without configuration',
      snapshot: (({ config: _config, ...rest }) => rest)(SNAPSHOT),
      expected: [],
    },
    {
      case: 'a deleted store',
      snapshot: { ...SNAPSHOT, status: 'PENDING_DELETION' },
      expected: ['deleted'],
    },
    {
      case: 'an unprotected store',
      snapshot: { ...SNAPSHOT, config: { ...BASELINE, TerminationProtectionEnabled: false } },
      expected: ['termination-protection-disabled'],
    },
    {
      case: 'a deleted, unprotected store',
      snapshot: {
        ...SNAPSHOT,
        status: 'PENDING_DELETION',
        config: { ...BASELINE, TerminationProtectionEnabled: false },
      },
      expected: ['deleted', 'termination-protection-disabled'],
    },
  ])('finds in $case: $expected', ({ snapshot, expected }) => {
    expect(checkStore(snapshot).map((f) => f.kind)).toStrictEqual(expected);
  });

  it('reports a deletion as CRITICAL, on Status', () => {
    // Act
    const [finding] = checkStore({ ...SNAPSHOT, status: 'PENDING_DELETION' });

    // Assess
    expect(finding).toStrictEqual({
      kind: 'deleted',
      field: 'Status',
      after: 'PENDING_DELETION',
      severity: 'CRITICAL',
      detail:
        'the store was deleted: it ingests nothing, and its events are gone when the wait ends',
    });
  });

  it('reports termination protection off as HIGH, from true to false', () => {
    // Act
    const [finding] = checkStore({
      ...SNAPSHOT,
      config: { ...BASELINE, TerminationProtectionEnabled: false },
    });

    // Assess
    expect(finding).toStrictEqual({
      kind: 'termination-protection-disabled',
      field: 'TerminationProtectionEnabled',
      before: true,
      after: false,
      severity: 'HIGH',
      detail: 'the store can be deleted in one call',
    });
  });
});

describe('Function: baselineRecorded', () => {
  it('records the whole configuration as INFORMATIONAL', () => {
    expect(baselineRecorded(BASELINE)).toStrictEqual({
      kind: 'baseline-recorded',
      field: '*',
      after: BASELINE,
      severity: 'INFORMATIONAL',
    });
  });
});

/** A finding of that severity; only the severity matters here. */
function ofSeverity(severity: Severity): Finding {
  return { kind: 'deleted', field: 'Status', severity };
}

describe('Function: highestSeverity', () => {
  it.each<{ severities: Severity[]; expected: Severity | undefined }>([
    { severities: [], expected: undefined },
    { severities: ['INFORMATIONAL'], expected: 'INFORMATIONAL' },
    { severities: ['LOW', 'INFORMATIONAL'], expected: 'LOW' },
    { severities: ['MEDIUM', 'HIGH', 'LOW'], expected: 'HIGH' },
    { severities: ['HIGH', 'CRITICAL', 'MEDIUM'], expected: 'CRITICAL' },
    { severities: ['CRITICAL', 'HIGH'], expected: 'CRITICAL' },
  ])('of $severities is $expected', ({ severities, expected }) => {
    expect(highestSeverity(severities.map(ofSeverity))).toBe(expected);
  });

  it('ranks the severities in the order SEVERITIES lists them', () => {
    expect(SEVERITIES.map((s) => SEVERITY_RANK[s])).toStrictEqual([0, 1, 2, 3, 4]);
  });
});

describe('Function: isAboveInformational', () => {
  it.each<{ severity: Severity; expected: boolean }>([
    { severity: 'INFORMATIONAL', expected: false },
    { severity: 'LOW', expected: true },
    { severity: 'MEDIUM', expected: true },
    { severity: 'HIGH', expected: true },
    { severity: 'CRITICAL', expected: true },
  ])('$severity: $expected', ({ severity, expected }) => {
    expect(isAboveInformational(ofSeverity(severity))).toBe(expected);
  });
});
