import { describe, expect, it } from 'vitest';
import { assess, type IntegrityConfig } from '../../src/integrity.js';
import type { ResumeRequest, StoreConfig, StoreSnapshot } from '../../src/types.js';

const ARN = 'arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/a3f1c0de-5b2a';
const NOW = new Date('2026-11-25T03:00:00Z');
const EXEMPT_TAG = 'ingestion-guard:exempt-until';
const CONFIG: IntegrityConfig = {
  authorizedActors: ['arn:aws:iam::123456789012:role/BreakGlass*'],
  exemptTagKey: EXEMPT_TAG,
  maxExemptionHours: 72,
};
const SCHEDULE: ResumeRequest = { kind: 'schedule', scope: 'managed', source: 'aws.scheduler' };
const BREAK_GLASS = {
  arn: 'arn:aws:sts::123456789012:assumed-role/BreakGlassOps/alice',
  roleArn: 'arn:aws:iam::123456789012:role/BreakGlassOps',
};
const MALLORY = { arn: 'arn:aws:sts::123456789012:assumed-role/DevOps/mallory' };

const BASELINE: StoreConfig = {
  AdvancedEventSelectors: [
    { FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
  ],
  MultiRegionEnabled: true,
  OrganizationEnabled: false,
  RetentionPeriod: 2557,
  TerminationProtectionEnabled: true,
};

function snapshot(config: Partial<StoreConfig> = {}, overrides: Partial<StoreSnapshot> = {}) {
  return {
    arn: ARN,
    status: 'ENABLED',
    categories: ['Management'],
    tags: {},
    organizationEnabled: false,
    config: { ...BASELINE, ...config },
    ...overrides,
  } satisfies StoreSnapshot;
}

/** An event of `eventName` by `actor`, delivered by EventBridge itself or through SNS. */
function event(
  eventName: string,
  actor: ResumeRequest['actor'],
  evidence: 'trusted' | 'alert' = 'trusted',
  extra: Partial<ResumeRequest> = {},
): ResumeRequest {
  return {
    kind: 'incident',
    scope: [ARN],
    source: evidence === 'trusted' ? 'aws.cloudtrail' : 'aws.sns',
    evidence,
    eventName,
    ...(actor && { actor }),
    ...extra,
  };
}

const kinds = (findings: readonly { kind: string }[]) => findings.map((f) => f.kind);

describe('Function: assess', () => {
  it('records the baseline at first sight and says so, INFORMATIONAL', () => {
    // Act
    const result = assess(snapshot(), undefined, SCHEDULE, CONFIG, NOW, true);

    // Assess
    expect(result.findings).toEqual([
      expect.objectContaining({ kind: 'baseline-recorded', severity: 'INFORMATIONAL' }),
    ]);
    expect(result.writes).toEqual({ baseline: BASELINE });
    expect(result.memory).toEqual({ baseline: BASELINE, baselineAt: NOW.toISOString() });
  });

  it('compares with the baseline afterwards and writes nothing', () => {
    // Act
    const result = assess(
      snapshot({ RetentionPeriod: 7 }),
      { baseline: BASELINE },
      SCHEDULE,
      CONFIG,
      NOW,
      true,
    );

    // Assess
    expect(kinds(result.findings)).toEqual(['retention-lowered']);
    expect(result.writes).toEqual({});
  });

  it('without a state table, makes only the checks that need no memory', () => {
    // Act
    const result = assess(
      snapshot(
        { RetentionPeriod: 7, TerminationProtectionEnabled: false },
        { status: 'PENDING_DELETION' },
      ),
      undefined,
      SCHEDULE,
      CONFIG,
      NOW,
      false,
    );

    // Assess
    expect(kinds(result.findings).sort()).toEqual(['deleted', 'termination-protection-disabled']);
    expect(result.writes).toEqual({});
  });

  it.each([
    {
      case: 'a direct acceptBaseline',
      request: {
        ...SCHEDULE,
        kind: 'manual' as const,
        source: 'direct',
        evidence: 'trusted' as const,
        acceptBaseline: true,
      },
    },
    {
      case: "an authorized actor's UpdateEventDataStore from EventBridge",
      request: event('UpdateEventDataStore', BREAK_GLASS),
    },
  ])('accepts the current configuration as the new baseline on $case', ({ request }) => {
    // Act
    const changed = snapshot({ RetentionPeriod: 365, TerminationProtectionEnabled: false });
    const result = assess(changed, { baseline: BASELINE }, request, CONFIG, NOW, true);

    // Assess: no drift, and protection off is now what the baseline says
    expect(kinds(result.findings)).toEqual(['baseline-recorded']);
    expect(result.writes.baseline).toEqual(changed.config);
  });

  it.each([
    {
      case: 'an authorized actor whose record names no store (it would accept every baseline)',
      request: { ...event('UpdateEventDataStore', BREAK_GLASS), scope: 'managed' as const },
    },
    {
      case: 'an authorized actor as an SNS message says',
      request: event('UpdateEventDataStore', BREAK_GLASS, 'alert'),
    },
    { case: 'an actor not authorized', request: event('UpdateEventDataStore', MALLORY) },
  ])('reports the change as drift on $case', ({ request }) => {
    // Act
    const result = assess(
      snapshot({ RetentionPeriod: 365 }),
      { baseline: BASELINE },
      request,
      CONFIG,
      NOW,
      true,
    );

    // Assess
    expect(kinds(result.findings)).toEqual(['retention-lowered']);
    expect(result.writes).toEqual({});
  });

  it('reports protection off once the baseline has it on, not when the baseline has it off', () => {
    // Act
    const on = assess(
      snapshot({ TerminationProtectionEnabled: false }),
      { baseline: BASELINE },
      SCHEDULE,
      CONFIG,
      NOW,
      true,
    );
    const off = assess(
      snapshot({ TerminationProtectionEnabled: false }),
      { baseline: { ...BASELINE, TerminationProtectionEnabled: false } },
      SCHEDULE,
      CONFIG,
      NOW,
      true,
    );

    // Assess
    expect(kinds(on.findings)).toEqual(['termination-protection-disabled']);
    expect(off.findings).toEqual([]);
  });

  describe('the exempt tag', () => {
    const exempt = (value: string) => snapshot({}, { tags: { [EXEMPT_TAG]: value } });
    const addTags = (actor: ResumeRequest['actor'], evidence: 'trusted' | 'alert' = 'trusted') =>
      event('AddTags', actor, evidence, { tagChange: { change: 'add', keys: [EXEMPT_TAG] } });

    it('distrusts an exemption set by an actor not authorized, and says so', () => {
      // Act
      const result = assess(
        exempt('2026-11-25T05:00:00Z'),
        { baseline: BASELINE },
        addTags(MALLORY),
        CONFIG,
        NOW,
        true,
      );

      // Assess
      expect(result.findings).toEqual([
        expect.objectContaining({
          kind: 'exempt-tag-changed',
          field: EXEMPT_TAG,
          severity: 'HIGH',
        }),
      ]);
      expect(result.writes).toEqual({ exemptionDistrusted: true });
      expect(result.memory.exemptionDistrusted).toBe(true);
    });

    it('distrusts it too when an authorized actor is only claimed by an SNS message', () => {
      // Act
      const result = assess(
        exempt('2026-11-25T05:00:00Z'),
        { baseline: BASELINE },
        addTags(BREAK_GLASS, 'alert'),
        CONFIG,
        NOW,
        true,
      );

      // Assess
      expect(result.writes).toEqual({ exemptionDistrusted: true });
    });

    it('trusts it again when an authorized actor sets it (EventBridge)', () => {
      // Act
      const result = assess(
        exempt('2026-11-25T05:00:00Z'),
        { baseline: BASELINE, exemptionDistrusted: true },
        addTags(BREAK_GLASS),
        CONFIG,
        NOW,
        true,
      );

      // Assess
      expect(result.findings).toEqual([]);
      expect(result.writes).toEqual({ exemptionDistrusted: false });
    });

    it('keeps reporting a distrusted exemption while the tag is there, and not once it is gone', () => {
      // Act
      const present = assess(
        exempt('2026-11-25T05:00:00Z'),
        { baseline: BASELINE, exemptionDistrusted: true },
        SCHEDULE,
        CONFIG,
        NOW,
        true,
      );
      const gone = assess(
        snapshot(),
        { baseline: BASELINE, exemptionDistrusted: true },
        SCHEDULE,
        CONFIG,
        NOW,
        true,
      );

      // Assess
      expect(kinds(present.findings)).toEqual(['exempt-tag-changed']);
      expect(gone.findings).toEqual([]);
    });

    it('reports an exemption longer than MAX_EXEMPTION_HOURS, with or without a state table', () => {
      // Act
      const tracked = assess(
        exempt('2099-01-01T00:00:00Z'),
        { baseline: BASELINE },
        SCHEDULE,
        CONFIG,
        NOW,
        true,
      );
      const untracked = assess(
        exempt('2099-01-01T00:00:00Z'),
        undefined,
        SCHEDULE,
        CONFIG,
        NOW,
        false,
      );

      // Assess
      expect(kinds(tracked.findings)).toEqual(['exemption-too-long']);
      expect(kinds(untracked.findings)).toEqual(['exemption-too-long']);
    });
  });
});
