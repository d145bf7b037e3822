import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Decision, decide, isForeignStore, matchesArnPattern } from '../../src/policy.js';
import type { Candidate, ResumeRequest, StoreSnapshot } from '../../src/types.js';

const HERE = { partition: 'aws', accountId: '123456789012', region: 'us-east-1' };
const ARN = 'arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/a3f1c0de-5b2a';
const OTHER_ACCOUNT_ARN = 'arn:aws:cloudtrail:us-east-1:210987654321:eventdatastore/a3f1c0de-5b2a';
const OTHER_REGION_ARN = 'arn:aws:cloudtrail:eu-west-1:123456789012:eventdatastore/a3f1c0de-5b2a';
const NOW = new Date('2026-11-25T03:00:00Z');
const EXEMPT_TAG = 'ingestion-guard:exempt-until';

type PolicyConfig = Parameters<typeof decide>[2];
const CONFIG: PolicyConfig = {
  exemptTagKey: EXEMPT_TAG,
  authorizedActors: [
    'arn:aws:iam::123456789012:role/BreakGlass*',
    'arn:aws:sts::123456789012:assumed-role/LakeAdmin/*',
  ],
  dryRun: false,
  maxExemptionHours: 72,
  restoreDeleted: false,
  enforceTerminationProtection: false,
  guardRoleArn: undefined,
};

const SCHEDULE: ResumeRequest = { kind: 'schedule', scope: 'managed', source: 'aws.scheduler' };
const INCIDENT: ResumeRequest = {
  kind: 'incident',
  scope: [ARN],
  source: 'aws.cloudtrail',
  evidence: 'trusted',
  eventName: 'StopEventDataStoreIngestion',
  actor: {
    arn: 'arn:aws:sts::123456789012:assumed-role/DevOpsAdmin/mallory',
    roleArn: 'arn:aws:iam::123456789012:role/DevOpsAdmin',
  },
};
/** A stop by an assumed role whose role ARN matches `arn:aws:iam::…:role/BreakGlass*`. */
const BREAK_GLASS_STOP: ResumeRequest = {
  ...INCIDENT,
  actor: {
    arn: 'arn:aws:sts::123456789012:assumed-role/BreakGlassOps/alice',
    roleArn: 'arn:aws:iam::123456789012:role/BreakGlassOps',
  },
};
/** A stop whose user ARN matches `arn:aws:sts::…:assumed-role/LakeAdmin/*`. */
const LAKE_ADMIN_STOP: ResumeRequest = {
  ...INCIDENT,
  actor: { arn: 'arn:aws:sts::123456789012:assumed-role/LakeAdmin/bob' },
};

/** A managed store of our own, stopped, with management events: rule 11 resumes it. */
function snapshot(overrides: Partial<StoreSnapshot> = {}): StoreSnapshot {
  return {
    arn: ARN,
    name: 'security-audit-trail',
    status: 'STOPPED_INGESTION',
    categories: ['Management'],
    tags: {},
    organizationEnabled: false,
    ...overrides,
  };
}

/** A candidate as resolving gives it: foreignness computed from its ARN. */
function candidate(overrides: Partial<StoreSnapshot> = {}, managed = true): Candidate {
  const eventDataStore = overrides.arn ?? ARN;
  const foreign = isForeignStore(eventDataStore, HERE);
  return { eventDataStore, managed, foreign, snapshot: snapshot(overrides) };
}

function withoutStatus(store: StoreSnapshot): StoreSnapshot {
  const { status: _status, ...rest } = store;
  return rest;
}

/** The part of a decision the rule table is about. */
function outcome(decision: Decision): { action: string; reason: string } {
  return { action: decision.action, reason: decision.reason };
}

describe('Function: decide', () => {
  // The decision rules, in order: each row is the first rule that matches.
  it.each<{
    rule: string;
    candidate: Candidate;
    request?: ResumeRequest;
    config?: Partial<PolicyConfig>;
    expected: { action: string; reason: string };
  }>([
    {
      rule: '0 the stop call that named it failed',
      candidate: { ...candidate(), stopCallFailed: true },
      expected: { action: 'skip', reason: 'stop-call-failed' },
    },
    {
      rule: '0 a stop call that did not fail',
      candidate: { ...candidate(), stopCallFailed: false },
      expected: { action: 'resume', reason: 'stopped' },
    },
    {
      rule: '1 store not managed',
      candidate: candidate({}, false),
      expected: { action: 'skip', reason: 'not-managed' },
    },
    {
      rule: '1 store not managed, not described',
      candidate: { eventDataStore: ARN, managed: false, foreign: false },
      expected: { action: 'skip', reason: 'not-managed' },
    },
    {
      rule: '2 store of another account',
      candidate: candidate({ arn: OTHER_ACCOUNT_ARN }),
      expected: { action: 'skip', reason: 'foreign-store' },
    },
    {
      rule: '2 store of another region',
      candidate: candidate({ arn: OTHER_REGION_ARN }),
      expected: { action: 'skip', reason: 'foreign-store' },
    },
    {
      rule: '3 status ENABLED',
      candidate: candidate({ status: 'ENABLED' }),
      expected: { action: 'skip', reason: 'already-ingesting' },
    },
    {
      rule: '3 status STARTING_INGESTION',
      candidate: candidate({ status: 'STARTING_INGESTION' }),
      expected: { action: 'skip', reason: 'already-ingesting' },
    },
    {
      rule: '4 status PENDING_DELETION',
      candidate: candidate({ status: 'PENDING_DELETION' }),
      expected: { action: 'skip', reason: 'pending-deletion' },
    },
    {
      rule: '5 status CREATED',
      candidate: candidate({ status: 'CREATED' }),
      expected: { action: 'skip', reason: 'not-stopped' },
    },
    {
      rule: '6 only Insight events',
      candidate: candidate({ categories: ['Insight'] }),
      expected: { action: 'skip', reason: 'unsupported-category' },
    },
    {
      rule: '6 no selectors at all',
      candidate: candidate({ categories: [] }),
      expected: { action: 'skip', reason: 'unsupported-category' },
    },
    {
      rule: '6 integration and Audit Manager events',
      candidate: candidate({ categories: ['ActivityAuditLog', 'Evidence'] }),
      expected: { action: 'skip', reason: 'unsupported-category' },
    },
    {
      rule: '7 exempt until a future time',
      candidate: candidate({ tags: { [EXEMPT_TAG]: '2026-11-26T00:00:00Z' } }),
      expected: { action: 'skip', reason: 'exempt' },
    },
    {
      rule: '8 incident stopped by an authorized role (roleArn, pattern with *)',
      candidate: candidate(),
      request: BREAK_GLASS_STOP,
      expected: { action: 'skip', reason: 'authorized-stop' },
    },
    {
      rule: '8 incident stopped by an authorized session (arn, pattern with *)',
      candidate: candidate(),
      request: LAKE_ADMIN_STOP,
      expected: { action: 'skip', reason: 'authorized-stop' },
    },
    {
      rule: '9 DRY_RUN=true',
      candidate: candidate(),
      config: { dryRun: true },
      expected: { action: 'would-resume', reason: 'dry-run' },
    },
    {
      rule: '9 dryRun in the request',
      candidate: candidate(),
      request: { ...SCHEDULE, dryRun: true },
      expected: { action: 'would-resume', reason: 'dry-run' },
    },
    {
      rule: '10 status STOPPING_INGESTION',
      candidate: candidate({ status: 'STOPPING_INGESTION' }),
      expected: { action: 'resume', reason: 'stopped' },
    },
    {
      rule: '11 status STOPPED_INGESTION',
      candidate: candidate(),
      expected: { action: 'resume', reason: 'stopped' },
    },
    {
      rule: '11 a startable category among others',
      candidate: candidate({ categories: ['Insight', 'Data'] }),
      expected: { action: 'resume', reason: 'stopped' },
    },
  ])('rule $rule → $expected.action ($expected.reason)', (row) => {
    // Act
    const decision = decide(
      row.candidate,
      row.request ?? INCIDENT,
      { ...CONFIG, ...row.config },
      NOW,
    );

    // Assess
    expect(outcome(decision)).toEqual(row.expected);
    expect(decision.warnings).toEqual([]);
  });

  it.each([
    { status: 'STOPPING_INGESTION', waitForStopped: true },
    { status: 'STOPPED_INGESTION', waitForStopped: false },
  ])(
    'waits for STOPPED_INGESTION first only when the store is $status',
    ({ status, waitForStopped }) => {
      // Act
      const decision = decide(candidate({ status }), INCIDENT, CONFIG, NOW);

      // Assess
      expect(decision).toEqual({
        action: 'resume',
        reason: 'stopped',
        waitForStopped,
        warnings: [],
        protect: false,
      });
    },
  );

  describe('precedence', () => {
    it.each<{
      case: string;
      candidate: Candidate;
      request?: ResumeRequest;
      config?: Partial<PolicyConfig>;
      reason: string;
    }>([
      {
        case: 'stop call failed, unmanaged and foreign → stop-call-failed',
        candidate: { ...candidate({ arn: OTHER_ACCOUNT_ARN }, false), stopCallFailed: true },
        reason: 'stop-call-failed',
      },
      {
        case: 'stop call failed, never described → stop-call-failed',
        candidate: { eventDataStore: ARN, managed: true, foreign: false, stopCallFailed: true },
        reason: 'stop-call-failed',
      },
      {
        case: 'unmanaged and ENABLED → not-managed',
        candidate: candidate({ status: 'ENABLED' }, false),
        reason: 'not-managed',
      },
      {
        case: 'unmanaged and foreign → not-managed',
        candidate: candidate({ arn: OTHER_ACCOUNT_ARN }, false),
        reason: 'not-managed',
      },
      {
        case: 'foreign and ENABLED → foreign-store',
        candidate: candidate({ arn: OTHER_REGION_ARN, status: 'ENABLED' }),
        reason: 'foreign-store',
      },
      {
        case: 'foreign and stopped in a dry run → foreign-store',
        candidate: candidate({ arn: OTHER_REGION_ARN }),
        config: { dryRun: true },
        reason: 'foreign-store',
      },
      {
        case: 'ENABLED with Insight only → already-ingesting',
        candidate: candidate({ status: 'ENABLED', categories: ['Insight'] }),
        reason: 'already-ingesting',
      },
      {
        case: 'PENDING_DELETION and exempt → pending-deletion',
        candidate: candidate({
          status: 'PENDING_DELETION',
          tags: { [EXEMPT_TAG]: '2026-11-27T00:00:00Z' },
        }),
        reason: 'pending-deletion',
      },
      {
        case: 'CREATED in a dry run → not-stopped',
        candidate: candidate({ status: 'CREATED' }),
        config: { dryRun: true },
        reason: 'not-stopped',
      },
      {
        case: 'Insight only and exempt → unsupported-category',
        candidate: candidate({ categories: ['Insight'], tags: { [EXEMPT_TAG]: '2099-01-01' } }),
        reason: 'unsupported-category',
      },
      {
        case: 'exempt and stopped by an authorized role → exempt',
        candidate: candidate({ tags: { [EXEMPT_TAG]: '2026-11-27T00:00:00Z' } }),
        request: BREAK_GLASS_STOP,
        reason: 'exempt',
      },
      {
        case: 'exempt in a dry run → exempt',
        candidate: candidate({ tags: { [EXEMPT_TAG]: '2026-11-27T00:00:00Z' } }),
        config: { dryRun: true },
        reason: 'exempt',
      },
      {
        case: 'authorized stop in a dry run → authorized-stop',
        candidate: candidate(),
        request: { ...BREAK_GLASS_STOP, dryRun: true },
        config: { dryRun: true },
        reason: 'authorized-stop',
      },
      {
        case: 'STOPPING_INGESTION in a dry run → dry-run',
        candidate: candidate({ status: 'STOPPING_INGESTION' }),
        config: { dryRun: true },
        reason: 'dry-run',
      },
    ])('lets the first rule win: $case', (row) => {
      // Act
      const decision = decide(
        row.candidate,
        row.request ?? INCIDENT,
        { ...CONFIG, ...row.config },
        NOW,
      );

      // Assess
      expect(decision.reason).toBe(row.reason);
    });
  });

  describe('exemption', () => {
    it.each([
      { case: 'a time in the past', value: '2026-11-24T03:00:00Z' },
      { case: 'exactly now', value: NOW.toISOString() },
      { case: 'a past date', value: '2020-01-01' },
    ])('resumes a store exempt until $case', ({ value }) => {
      // Act
      const decision = decide(candidate({ tags: { [EXEMPT_TAG]: value } }), SCHEDULE, CONFIG, NOW);

      // Assess
      expect(outcome(decision)).toEqual({ action: 'resume', reason: 'stopped' });
      expect(decision.warnings).toEqual([]);
    });

    it.each([
      { case: 'an offset with a colon', value: '2026-11-25T04:30:00+01:00' },
      { case: 'an offset without a colon', value: '2026-11-25T04:30:00.000+0100' },
      { case: 'fractional seconds', value: '2026-11-25T03:00:00.001Z' },
      { case: 'a future date', value: '2026-11-26' },
      { case: 'spaces around it', value: '  2026-11-27T00:00:00Z ' },
      { case: 'hours and minutes without seconds', value: '2026-11-25T04:00Z' },
      { case: 'a time without an offset', value: '2026-11-27T00:00:00' },
      { case: 'a time without seconds nor offset', value: '2026-11-27T00:00' },
    ])('skips a store exempt until $case', ({ value }) => {
      // Act
      const decision = decide(candidate({ tags: { [EXEMPT_TAG]: value } }), SCHEDULE, CONFIG, NOW);

      // Assess
      expect(outcome(decision)).toEqual({ action: 'skip', reason: 'exempt' });
    });

    it('takes the offset into account: 03:30+01:00 is already past', () => {
      // Act
      const decision = decide(
        candidate({ tags: { [EXEMPT_TAG]: '2026-11-25T03:30:00+01:00' } }),
        SCHEDULE,
        CONFIG,
        NOW,
      );

      // Assess
      expect(decision.reason).toBe('stopped');
    });

    it.each([
      'tomorrow',
      'forever',
      '',
      '2026-13-01T00:00:00Z',
      '2026-11-25T25:00:00Z',
      '1798675200',
      'Fri, 01 Jan 2099 00:00:00 GMT',
      // the whole value must be the time: one the parser would read as a later one is no exemption
      '12099-01-01',
      '2099-01-01 12:00',
      '2099-01-01T12:00:00Z and later',
    ])('does not read "%s" as an exemption, and warns', (value) => {
      // Act
      const decision = decide(candidate({ tags: { [EXEMPT_TAG]: value } }), SCHEDULE, CONFIG, NOW);

      // Assess
      expect(outcome(decision)).toEqual({ action: 'resume', reason: 'stopped' });
      expect(decision.warnings).toHaveLength(1);
      expect(decision.warnings[0]).toContain(EXEMPT_TAG);
      expect(decision.warnings[0]).toContain(`"${value}"`);
    });

    it('keeps the warning when the decision is a dry run', () => {
      // Act
      const decision = decide(
        candidate({ tags: { [EXEMPT_TAG]: 'soon' } }),
        SCHEDULE,
        { ...CONFIG, dryRun: true },
        NOW,
      );

      // Assess
      expect(decision.reason).toBe('dry-run');
      expect(decision.warnings).toHaveLength(1);
    });

    it('reads the tag named by EXEMPT_TAG_KEY and no other', () => {
      // Prepare
      const tags = { [EXEMPT_TAG]: '2026-11-27T00:00:00Z', 'ops:until': '2026-11-27T00:00:00Z' };

      // Act
      const custom = decide(candidate({ tags }), SCHEDULE, { ...CONFIG, exemptTagKey: 'x' }, NOW);
      const renamed = decide(
        candidate({ tags }),
        SCHEDULE,
        { ...CONFIG, exemptTagKey: 'ops:until' },
        NOW,
      );

      // Assess
      expect(custom.reason).toBe('stopped');
      expect(renamed.reason).toBe('exempt');
    });
  });

  describe('integrity rules', () => {
    const GUARD_ROLE = 'arn:aws:iam::123456789012:role/lake-ingestion-guard';
    /** A stopped store with protection on or off, and optionally a baseline saying which. */
    const withConfig = (
      protection: boolean,
      baseline?: boolean,
      store: Partial<StoreSnapshot> = {},
    ): Candidate => {
      const config = {
        AdvancedEventSelectors: [],
        MultiRegionEnabled: true,
        OrganizationEnabled: false,
        TerminationProtectionEnabled: protection,
      };
      const memory =
        baseline === undefined
          ? undefined
          : { baseline: { ...config, TerminationProtectionEnabled: baseline } };
      return {
        ...candidate(),
        snapshot: snapshot({ config, ...store }),
        ...(memory && { memory }),
      };
    };
    const deleted = (overrides: Partial<StoreSnapshot> = {}) =>
      candidate({ status: 'PENDING_DELETION', ...overrides });
    const DELETE_BY_BREAK_GLASS: ResumeRequest = {
      ...BREAK_GLASS_STOP,
      eventName: 'DeleteEventDataStore',
    };

    it.each<{
      case: string;
      subject: Candidate;
      request?: ResumeRequest;
      config?: Partial<PolicyConfig>;
      expected: { action: string; reason: string };
    }>([
      {
        case: 'a deleted store, RESTORE_DELETED off',
        subject: deleted(),
        expected: { action: 'skip', reason: 'pending-deletion' },
      },
      {
        case: 'a deleted store, RESTORE_DELETED on',
        subject: deleted(),
        config: { restoreDeleted: true },
        expected: { action: 'restore', reason: 'deleted' },
      },
      {
        case: 'a deleted store in a dry run',
        subject: deleted(),
        config: { restoreDeleted: true, dryRun: true },
        expected: { action: 'would-restore', reason: 'dry-run' },
      },
      {
        case: 'a deleted exempt store',
        subject: deleted({ tags: { [EXEMPT_TAG]: '2026-11-25T05:00:00Z' } }),
        config: { restoreDeleted: true },
        expected: { action: 'skip', reason: 'exempt' },
      },
      {
        case: 'a store deleted by an authorized actor (EventBridge)',
        subject: deleted(),
        request: DELETE_BY_BREAK_GLASS,
        config: { restoreDeleted: true },
        expected: { action: 'skip', reason: 'authorized-change' },
      },
      {
        case: 'a store "deleted by an authorized actor" as an SNS message says',
        subject: deleted(),
        request: { ...DELETE_BY_BREAK_GLASS, source: 'aws.sns', evidence: 'alert' },
        config: { restoreDeleted: true },
        expected: { action: 'restore', reason: 'deleted' },
      },
      {
        case: 'a stop by an authorized actor whose record names no store',
        subject: candidate(),
        request: { ...BREAK_GLASS_STOP, scope: 'managed' },
        expected: { action: 'resume', reason: 'stopped' },
      },
      {
        case: 'a delete by an authorized actor whose record names no store',
        subject: deleted(),
        request: { ...DELETE_BY_BREAK_GLASS, scope: 'managed' },
        config: { restoreDeleted: true },
        expected: { action: 'restore', reason: 'deleted' },
      },
      {
        case: 'a stop by an authorized actor as an SNS message says',
        subject: candidate(),
        request: { ...BREAK_GLASS_STOP, source: 'aws.sns', evidence: 'alert' },
        expected: { action: 'resume', reason: 'stopped' },
      },
      {
        case: 'an authorized actor calling something else than a stop',
        subject: candidate(),
        request: { ...BREAK_GLASS_STOP, eventName: 'UpdateEventDataStore' },
        expected: { action: 'resume', reason: 'stopped' },
      },
      {
        case: "the guard's own call (EventBridge)",
        subject: candidate(),
        request: {
          ...INCIDENT,
          actor: {
            arn: 'arn:aws:sts::123456789012:assumed-role/lake-ingestion-guard/x',
            roleArn: GUARD_ROLE,
          },
        },
        config: { guardRoleArn: GUARD_ROLE },
        expected: { action: 'skip', reason: 'own-action' },
      },
      {
        case: "the guard's own call as an SNS message says",
        subject: candidate(),
        request: {
          ...INCIDENT,
          evidence: 'alert',
          actor: {
            arn: 'arn:aws:sts::123456789012:assumed-role/lake-ingestion-guard/x',
            roleArn: GUARD_ROLE,
          },
        },
        config: { guardRoleArn: GUARD_ROLE },
        expected: { action: 'resume', reason: 'stopped' },
      },
      {
        case: 'an exemption longer than MAX_EXEMPTION_HOURS',
        subject: candidate({ tags: { [EXEMPT_TAG]: '2099-01-01T00:00:00Z' } }),
        expected: { action: 'resume', reason: 'stopped' },
      },
      {
        case: 'an exemption within MAX_EXEMPTION_HOURS',
        subject: candidate({ tags: { [EXEMPT_TAG]: '2026-11-27T03:00:00Z' } }),
        expected: { action: 'skip', reason: 'exempt' },
      },
      {
        case: 'an exemption set by an actor not authorized',
        subject: {
          ...candidate({ tags: { [EXEMPT_TAG]: '2026-11-25T05:00:00Z' } }),
          memory: { exemptionDistrusted: true },
        },
        expected: { action: 'resume', reason: 'stopped' },
      },
    ])('decides $case → $expected.action', ({ subject, request, config, expected }) => {
      // Act
      const decision = decide(subject, request ?? SCHEDULE, { ...CONFIG, ...config }, NOW);

      // Assess
      expect(outcome(decision)).toEqual(expected);
    });

    it.each<{
      case: string;
      subject: Candidate;
      request?: ResumeRequest;
      config?: Partial<PolicyConfig>;
      expected: boolean;
    }>([
      { case: 'protection off, first sight', subject: withConfig(false), expected: true },
      {
        case: 'protection off, on in the baseline',
        subject: withConfig(false, true),
        expected: true,
      },
      {
        case: 'protection off in the baseline too (accepted)',
        subject: withConfig(false, false),
        expected: false,
      },
      { case: 'protection on', subject: withConfig(true), expected: false },
      {
        case: 'ENFORCE_TERMINATION_PROTECTION off',
        subject: withConfig(false),
        config: { enforceTerminationProtection: false },
        expected: false,
      },
      { case: 'a dry run', subject: withConfig(false), config: { dryRun: true }, expected: false },
      {
        case: 'an exempt store',
        subject: withConfig(false, undefined, { tags: { [EXEMPT_TAG]: '2026-11-25T05:00:00Z' } }),
        expected: false,
      },
      {
        case: 'a deleted store not restored',
        subject: withConfig(false, undefined, { status: 'PENDING_DELETION' }),
        expected: false,
      },
      {
        case: 'a deleted store restored',
        subject: withConfig(false, undefined, { status: 'PENDING_DELETION' }),
        config: { restoreDeleted: true },
        expected: true,
      },
      {
        case: 'an ingesting store',
        subject: withConfig(false, undefined, { status: 'ENABLED' }),
        expected: true,
      },
      {
        case: 'an unmanaged store',
        subject: { ...withConfig(false), managed: false },
        expected: false,
      },
    ])(
      'asks to turn protection back on: $case → $expected',
      ({ subject, request, config, expected }) => {
        // Act
        const decision = decide(
          subject,
          request ?? SCHEDULE,
          { ...CONFIG, enforceTerminationProtection: true, ...config },
          NOW,
        );

        // Assess
        expect(decision.protect).toBe(expected);
      },
    );
  });

  describe('authorized stops', () => {
    it.each([
      { kind: 'schedule' as const, expected: 'stopped' },
      { kind: 'manual' as const, expected: 'stopped' },
      { kind: 'incident' as const, expected: 'authorized-stop' },
    ])(
      'respects an authorized actor only on an incident ($kind → $expected)',
      ({ kind, expected }) => {
        // Act
        const decision = decide(candidate(), { ...BREAK_GLASS_STOP, kind }, CONFIG, NOW);

        // Assess
        expect(decision.reason).toBe(expected);
      },
    );

    it.each<{ case: string; request: ResumeRequest }>([
      { case: 'an actor no pattern matches', request: INCIDENT },
      { case: 'no actor', request: { kind: 'incident', scope: 'managed', source: 'aws.sns' } },
      {
        case: 'a look-alike role in another account',
        request: {
          ...INCIDENT,
          actor: {
            arn: 'arn:aws:sts::999999999999:assumed-role/BreakGlass/eve',
            roleArn: 'arn:aws:iam::999999999999:role/BreakGlass',
          },
        },
      },
    ])('resumes an incident with $case', ({ request }) => {
      // Act
      const decision = decide(candidate(), request, CONFIG, NOW);

      // Assess
      expect(outcome(decision)).toEqual({ action: 'resume', reason: 'stopped' });
    });

    it('respects no stop when AUTHORIZED_STOPPERS is empty', () => {
      // Act
      const decision = decide(
        candidate(),
        BREAK_GLASS_STOP,
        { ...CONFIG, authorizedActors: [] },
        NOW,
      );

      // Assess
      expect(decision.reason).toBe('stopped');
    });
  });

  describe('what §4 does not list', () => {
    it.each<{ case: string; candidate: Candidate }>([
      {
        case: 'a managed store that was not described',
        candidate: { eventDataStore: ARN, managed: true, foreign: false },
      },
      {
        case: 'a snapshot without status',
        candidate: {
          eventDataStore: ARN,
          managed: true,
          foreign: false,
          snapshot: withoutStatus(snapshot()),
        },
      },
      { case: 'a status the API may add later', candidate: candidate({ status: 'ARCHIVED' }) },
    ])('never resumes $case, even in a dry run', ({ candidate: subject }) => {
      // Act
      const live = decide(subject, SCHEDULE, CONFIG, NOW);
      const dry = decide(subject, SCHEDULE, { ...CONFIG, dryRun: true }, NOW);

      // Assess
      expect(outcome(live)).toEqual({ action: 'skip', reason: 'unknown-status' });
      expect(outcome(dry)).toEqual({ action: 'skip', reason: 'unknown-status' });
    });

    it('takes an ID suffix as a store of our own', () => {
      // Act
      const decision = decide(
        { eventDataStore: 'a3f1c0de-5b2a', managed: true, foreign: false, snapshot: snapshot() },
        SCHEDULE,
        CONFIG,
        NOW,
      );

      // Assess
      expect(decision.reason).toBe('stopped');
    });
  });

  describe('properties', () => {
    const status = fc.constantFrom(
      'CREATED',
      'ENABLED',
      'PENDING_DELETION',
      'STARTING_INGESTION',
      'STOPPING_INGESTION',
      'STOPPED_INGESTION',
      'SOMETHING_NEW',
    );
    const category = fc.constantFrom(
      'Management',
      'Data',
      'NetworkActivity',
      'ConfigurationItem',
      'Insight',
      'ActivityAuditLog',
      'Evidence',
    );
    const tagValue = fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.string({ maxLength: 30 }),
    );
    const arn = fc.oneof(
      fc.constantFrom(ARN, OTHER_ACCOUNT_ARN, OTHER_REGION_ARN, 'a3f1c0de-5b2a'),
      fc
        .tuple(
          fc.constantFrom('us-east-1', 'eu-west-1'),
          fc.constantFrom('123456789012', '000000000000'),
        )
        .map(([region, account]) => `arn:aws:cloudtrail:${region}:${account}:eventdatastore/x-1`),
    );
    const snapshotArb: fc.Arbitrary<StoreSnapshot> = fc.record({
      arn,
      status,
      categories: fc.array(category, { maxLength: 3 }),
      tags: fc.dictionary(fc.constantFrom(EXEMPT_TAG, 'team', 'x'), tagValue, { maxKeys: 3 }),
      organizationEnabled: fc.boolean(),
      config: fc.record({
        AdvancedEventSelectors: fc.constant([]),
        MultiRegionEnabled: fc.boolean(),
        OrganizationEnabled: fc.boolean(),
        TerminationProtectionEnabled: fc.boolean(),
      }),
    });
    const actorArn = fc.constantFrom(
      'arn:aws:iam::123456789012:role/BreakGlassOps',
      'arn:aws:sts::123456789012:assumed-role/LakeAdmin/bob',
      'arn:aws:iam::123456789012:user/mallory',
    );
    const requestArb: fc.Arbitrary<ResumeRequest> = fc.record(
      {
        kind: fc.constantFrom('schedule', 'incident', 'manual'),
        scope: fc.constant('managed'),
        source: fc.constant('test'),
        dryRun: fc.boolean(),
        actor: fc.record({ arn: actorArn, roleArn: actorArn }, { requiredKeys: ['arn'] }),
        evidence: fc.constantFrom('trusted', 'alert'),
        eventName: fc.constantFrom(
          'StopEventDataStoreIngestion',
          'DeleteEventDataStore',
          'UpdateEventDataStore',
          'AddTags',
        ),
      },
      { requiredKeys: ['kind', 'scope', 'source'] },
    );
    const configArb: fc.Arbitrary<PolicyConfig> = fc.record({
      exemptTagKey: fc.constant(EXEMPT_TAG),
      authorizedActors: fc.subarray([...CONFIG.authorizedActors, '*']),
      dryRun: fc.boolean(),
      maxExemptionHours: fc.integer({ min: 1, max: 8_760 }),
      restoreDeleted: fc.boolean(),
      enforceTerminationProtection: fc.boolean(),
      guardRoleArn: fc.constantFrom(undefined, 'arn:aws:iam::123456789012:role/BreakGlassOps'),
    });
    const candidateArb: fc.Arbitrary<Candidate> = fc
      .tuple(arn, fc.boolean(), fc.option(snapshotArb, { nil: undefined }))
      .map(([eventDataStore, managed, snap]) => {
        const foreign = isForeignStore(eventDataStore, HERE);
        return snap === undefined
          ? { eventDataStore, managed, foreign }
          : { eventDataStore, managed, foreign, snapshot: snap };
      });
    const nowArb = fc.date({
      min: new Date('2000-01-01'),
      max: new Date('2100-01-01'),
      noInvalidDate: true,
    });

    it('never resumes, restores or protects, nor would, an unmanaged or foreign store', () => {
      fc.assert(
        fc.property(
          candidateArb,
          requestArb,
          configArb,
          nowArb,
          (subject, request, config, now) => {
            // Prepare
            fc.pre(!subject.managed || isForeignStore(subject.eventDataStore, HERE));

            // Act
            const decision = decide(subject, request, config, now);

            // Assess
            expect(decision.action).toBe('skip');
            expect(decision.protect).toBe(false);
            expect(['not-managed', 'foreign-store', 'own-action']).toContain(decision.reason);
          },
        ),
        { numRuns: 1_000 },
      );
    });

    it('is pure: the same inputs give the same decision and are left unchanged', () => {
      fc.assert(
        fc.property(
          candidateArb,
          requestArb,
          configArb,
          nowArb,
          (subject, request, config, now) => {
            // Prepare
            const before = structuredClone({ subject, request, config, now });

            // Act
            const first = decide(subject, request, config, now);
            const second = decide(subject, request, config, new Date(now.getTime()));

            // Assess
            expect(second).toEqual(first);
            expect({ subject, request, config, now }).toEqual(before);
          },
        ),
        { numRuns: 500 },
      );
    });
  });
});

describe('Function: isForeignStore', () => {
  it.each([
    { arn: ARN, expected: false },
    { arn: 'a3f1c0de-5b2a', expected: false },
    { arn: OTHER_ACCOUNT_ARN, expected: true },
    { arn: OTHER_REGION_ARN, expected: true },
    { arn: ARN.replace('arn:aws:', 'arn:aws-cn:'), expected: true },
    { arn: ARN.replace('arn:aws:', 'arn:aws-us-gov:'), expected: true },
  ])('says $expected for $arn', ({ arn, expected }) => {
    // Act
    const foreign = isForeignStore(arn, HERE);

    // Assess
    expect(foreign).toBe(expected);
  });
});

describe('Function: matchesArnPattern', () => {
  it.each([
    {
      arn: 'arn:aws:iam::123456789012:role/Admin',
      pattern: 'arn:aws:iam::123456789012:role/Admin',
      expected: true,
    },
    {
      arn: 'arn:aws:iam::123456789012:role/Admin2',
      pattern: 'arn:aws:iam::123456789012:role/Admin',
      expected: false,
    },
    {
      arn: 'arn:aws:iam::123456789012:role/Admin',
      pattern: 'arn:aws:iam::123456789012:role/Admin2',
      expected: false,
    },
    {
      arn: 'arn:aws:iam::123456789012:role/BreakGlass',
      pattern: 'arn:aws:iam::*:role/BreakGlass',
      expected: true,
    },
    {
      arn: 'arn:aws:iam::123456789012:role/BreakGlass',
      pattern: '*:role/BreakGlass',
      expected: true,
    },
    {
      arn: 'arn:aws:iam::123456789012:role/BreakGlassOps',
      pattern: 'arn:aws:iam::123456789012:role/Break*',
      expected: true,
    },
    {
      arn: 'arn:aws:iam::123456789012:role/Break',
      pattern: 'arn:aws:iam::123456789012:role/Break*',
      expected: true,
    },
    {
      arn: 'arn:aws:sts::123456789012:assumed-role/Ops/alice',
      pattern: 'arn:aws:sts::*:assumed-role/*/alice',
      expected: true,
    },
    {
      arn: 'arn:aws:sts::123456789012:assumed-role/Ops/bob',
      pattern: 'arn:aws:sts::*:assumed-role/*/alice',
      expected: false,
    },
    { arn: 'anything at all', pattern: '*', expected: true },
    { arn: '', pattern: '*', expected: true },
    // `.` is literal, not "any character"
    {
      arn: 'arn:aws:iam::123456789012:role/aXb',
      pattern: 'arn:aws:iam::123456789012:role/a.b',
      expected: false,
    },
    {
      arn: 'arn:aws:iam::123456789012:role/a.b',
      pattern: 'arn:aws:iam::123456789012:role/a.b',
      expected: true,
    },
    // no regex syntax leaks through
    {
      arn: 'arn:aws:iam::123456789012:role/aaa',
      pattern: 'arn:aws:iam::123456789012:role/a+',
      expected: false,
    },
    {
      arn: 'arn:aws:iam::123456789012:role/a+',
      pattern: 'arn:aws:iam::123456789012:role/a+',
      expected: true,
    },
    {
      arn: 'arn:aws:iam::123456789012:role/x',
      pattern: 'arn:aws:iam::123456789012:role/(x|y)',
      expected: false,
    },
    {
      arn: 'arn:aws:iam::123456789012:role/b',
      pattern: 'arn:aws:iam::123456789012:role/[abc]',
      expected: false,
    },
    {
      arn: 'arn:aws:iam::123456789012:role/x',
      pattern: 'arn:aws:iam::123456789012:role/x|.*',
      expected: false,
    },
    {
      arn: 'arn:aws:iam::123456789012:role/x',
      pattern: 'arn:aws:iam::123456789012:role/x?',
      expected: false,
    },
    {
      arn: 'arn:aws:iam::123456789012:role/$x^',
      pattern: 'arn:aws:iam::123456789012:role/$x^',
      expected: true,
    },
    {
      arn: 'arn:aws:iam::123456789012:role/a\\d',
      pattern: 'arn:aws:iam::123456789012:role/a\\d',
      expected: true,
    },
    {
      arn: 'arn:aws:iam::123456789012:role/a1',
      pattern: 'arn:aws:iam::123456789012:role/a\\d',
      expected: false,
    },
    {
      arn: 'arn:aws:iam::123456789012:role/{2}',
      pattern: 'arn:aws:iam::123456789012:role/{2}',
      expected: true,
    },
    // anchored at both ends
    {
      arn: 'xarn:aws:iam::123456789012:role/Admin',
      pattern: 'arn:aws:iam::123456789012:role/Admin',
      expected: false,
    },
    {
      arn: 'arn:aws:iam::123456789012:role/Admin\n',
      pattern: 'arn:aws:iam::123456789012:role/Admin',
      expected: false,
    },
  ])('matches $arn against $pattern: $expected', ({ arn, pattern, expected }) => {
    // Act
    const matched = matchesArnPattern(arn, pattern);

    // Assess
    expect(matched).toBe(expected);
  });

  it('matches every string against itself as a pattern when it holds no *', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('*')),
        (text) => {
          // Act & Assess
          expect(matchesArnPattern(text, text)).toBe(true);
        },
      ),
    );
  });
});
