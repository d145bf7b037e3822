import { describe, expect, it } from 'vitest';
import { buildIncident, partsOf } from '../../src/incident.js';
import type { Finding, Severity, StoreResult } from '../../src/types.js';
import {
  ACCOUNT,
  ATTACKER,
  AUDIT_ARN,
  incidentInput,
  NOW,
  quietStore,
  SCHEDULE_REQUEST,
  STOP_REQUEST,
  store,
  storeArn,
} from '../support/incident-cases.js';

const finding = (overrides: Partial<Finding> = {}): Finding => ({
  kind: 'retention-lowered',
  field: 'RetentionPeriod',
  before: 2557,
  after: 7,
  severity: 'HIGH',
  ...overrides,
});

const skipped = (overrides: Partial<StoreResult> = {}): StoreResult =>
  store({
    statusBefore: 'ENABLED',
    action: 'skipped',
    reason: 'already-ingesting',
    attempts: 0,
    ...overrides,
  });

describe('Function: buildIncident', () => {
  it('tells nothing when every store was quiet', () => {
    // Prepare
    const input = incidentInput([quietStore('one'), quietStore('two')], SCHEDULE_REQUEST);

    // Act
    const incident = buildIncident(input);

    // Assess
    expect(incident).toBeUndefined();
  });

  it('tells nothing for informational findings only (a baseline recorded)', () => {
    // Prepare
    const recorded = skipped({
      findings: [finding({ kind: 'baseline-recorded', field: '*', severity: 'INFORMATIONAL' })],
    });

    // Act
    const incident = buildIncident(incidentInput([recorded], SCHEDULE_REQUEST));

    // Assess
    expect(incident).toBeUndefined();
  });

  it.each<[string, StoreResult, Severity]>([
    ['a store restored', store({ action: 'restored', reason: 'deleted' }), 'CRITICAL'],
    ['a store resumed', store(), 'HIGH'],
    ['a store that failed', store({ action: 'failed', reason: 'start-failed' }), 'HIGH'],
    [
      'protection turned back on',
      skipped({ action: 'protected', reason: 'protection-disabled' }),
      'MEDIUM',
    ],
    ['protected: true on a resumed store', store({ protected: true }), 'HIGH'],
    ['protected: true on a skipped store', skipped({ protected: true }), 'MEDIUM'],
    ['a LOW finding', skipped({ findings: [finding({ severity: 'LOW' })] }), 'LOW'],
    ['a CRITICAL finding', skipped({ findings: [finding({ severity: 'CRITICAL' })] }), 'CRITICAL'],
    [
      'repeated stops, whatever the finding says',
      store({
        findings: [finding({ kind: 'repeated-stops', field: 'Status', severity: 'MEDIUM' })],
      }),
      'CRITICAL',
    ],
    [
      'a resumed store with a MEDIUM finding',
      store({ findings: [finding({ severity: 'MEDIUM' })] }),
      'HIGH',
    ],
  ])('is as severe as its most severe part: %s → %s', (_, result, severity) => {
    // Act
    const incident = buildIncident(incidentInput([result]));

    // Assess
    expect(incident?.severity).toBe(severity);
  });

  it('is as severe as its most severe store', () => {
    // Prepare
    const stores = [
      store({
        eventDataStore: storeArn('one'),
        action: 'protected',
        reason: 'protection-disabled',
      }),
      store({ eventDataStore: storeArn('two'), action: 'restored', reason: 'deleted' }),
    ];

    // Act
    const incident = buildIncident(incidentInput(stores));

    // Assess
    expect(incident?.severity).toBe('CRITICAL');
  });

  it('holds only the stores that contributed, unchanged', () => {
    // Prepare
    const resumed = store();
    const drifted = skipped({ eventDataStore: storeArn('drifted'), findings: [finding()] });
    const stores = [quietStore('quiet-1'), resumed, quietStore('quiet-2'), drifted];

    // Act
    const incident = buildIncident(incidentInput(stores));

    // Assess
    expect(incident?.stores).toEqual([resumed, drifted]);
  });

  it('names who, what, where and the outcome in its title', () => {
    // Act
    const incident = buildIncident(incidentInput([store()]));

    // Assess
    expect(incident?.title).toBe(
      `Ingestion stopped by ${ATTACKER} on security-audit-trail: resumed`,
    );
  });

  it('titles a sweep with many stores by their count and every outcome, without an actor', () => {
    // Prepare
    const stores = ['a', 'b', 'c', 'd'].map((id, i) =>
      store({
        eventDataStore: storeArn(id),
        name: id,
        ...(i === 0 && { action: 'failed', reason: 'start-failed' }),
      }),
    );

    // Act
    const incident = buildIncident(incidentInput(stores, SCHEDULE_REQUEST));

    // Assess
    expect(incident?.title).toBe('Ingestion stopped on 4 stores: failed, resumed');
  });

  it('titles by the most severe part, counts the other kinds, names a store without a name by its ID', () => {
    // Prepare
    const { name: _, ...unnamed } = store({
      action: 'restored',
      reason: 'deleted',
      findings: [finding({ severity: 'MEDIUM' })],
    });

    // Act
    const incident = buildIncident(incidentInput([unnamed]));

    // Assess
    expect(incident?.title).toBe(
      `Event data store deleted (+1 more) by ${ATTACKER} on a3f1c0de-5b2a-4c1e-9f3d-0e7a1b2c3d4e: restored`,
    );
  });

  it('carries the CloudTrail record, the actor with its session issuer, and the guard', () => {
    // Act
    const incident = buildIncident(incidentInput([store()]));

    // Assess
    expect(incident).toMatchObject({
      incidentId: STOP_REQUEST.deliveryId,
      account: ACCOUNT,
      region: 'us-east-1',
      time: NOW.toISOString(),
      trigger: {
        kind: 'incident',
        source: 'aws.cloudtrail',
        eventName: 'StopEventDataStoreIngestion',
        eventID: 'f1e2d3c4-0000-4000-8000-00000000abcd',
        eventTime: '2026-11-25T02:59:30Z',
        actor: {
          arn: ATTACKER,
          type: 'AssumedRole',
          accountId: ACCOUNT,
          sessionIssuer: 'arn:aws:iam::123456789012:role/Attacker',
        },
        sourceIPAddress: '203.0.113.7',
        userAgent: 'aws-cli/2.22.0',
      },
      guard: {
        functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:lake-ingestion-guard',
        requestId: '5d6e7f80-1111-4222-8333-444455556666',
      },
    });
  });

  it.each([
    { evidence: 'trusted' as const, expected: 'trusted' },
    { evidence: 'alert' as const, expected: 'alert' },
    { evidence: undefined, expected: 'alert' },
  ])('says whether its actor is proven ($evidence → $expected)', ({ evidence, expected }) => {
    // Prepare: an SNS copy of a record claims its actor; only EventBridge's own record proves it
    const { evidence: _given, ...request } = STOP_REQUEST;
    const input = incidentInput(
      [store()],
      evidence === undefined ? request : { ...request, evidence },
    );

    // Act
    const incident = buildIncident(input);

    // Assess
    expect(incident?.trigger.evidence).toBe(expected);
  });

  it('carries an IAM Identity Center user as the actor, without a session issuer', () => {
    // Prepare
    const arn = 'arn:aws:identitystore::123456789012:user/90676a1e-e051-7062-6e5c-a1b2c3d4e5f6';
    const request = {
      ...STOP_REQUEST,
      actor: { arn, type: 'IdentityCenterUser', accountId: ACCOUNT },
    };

    // Act
    const incident = buildIncident(incidentInput([store()], request));

    // Assess
    expect(incident?.trigger.actor).toEqual({
      arn,
      type: 'IdentityCenterUser',
      accountId: ACCOUNT,
    });
    expect(incident?.title).toContain(`by ${arn} on`);
  });

  it('takes its id from the deliveryId, else the eventID, else the request id', () => {
    // Prepare
    const { deliveryId: _, ...withoutDelivery } = STOP_REQUEST;
    const { cloudTrail: __, ...withoutEither } = withoutDelivery;

    // Act
    const ids = [STOP_REQUEST, withoutDelivery, withoutEither].map(
      (request) => buildIncident(incidentInput([store()], request))?.incidentId,
    );

    // Assess
    expect(ids).toEqual([
      STOP_REQUEST.deliveryId,
      STOP_REQUEST.cloudTrail?.eventID,
      'request-5d6e7f80-1111-4222-8333-444455556666',
    ]);
  });

  it('gives the same incident for the same input', () => {
    // Act
    const first = buildIncident(incidentInput([store()]));
    const second = buildIncident(incidentInput([store()]));

    // Assess
    expect(second).toEqual(first);
  });

  it('falls back on the event name of the request when no CloudTrail record came with it', () => {
    // Prepare
    const { cloudTrail: _, ...request } = STOP_REQUEST;

    // Act
    const incident = buildIncident(incidentInput([store()], request));

    // Assess
    expect(incident?.trigger).toEqual({
      kind: 'incident',
      source: 'aws.cloudtrail',
      evidence: 'trusted',
      eventName: 'StopEventDataStoreIngestion',
      actor: expect.objectContaining({ arn: ATTACKER }),
    });
  });
});

describe('Function: partsOf', () => {
  it.each<[string, Partial<StoreResult>, string]>([
    ['resumed', { action: 'resumed' }, 'ingestion-stopped'],
    ['restored', { action: 'restored', reason: 'deleted' }, 'deleted'],
    [
      'protected',
      { action: 'protected', reason: 'protection-disabled' },
      'termination-protection-disabled',
    ],
    ['a failed start', { action: 'failed', reason: 'start-failed' }, 'ingestion-stopped'],
    ['a start not verified', { action: 'failed', reason: 'not-verified' }, 'ingestion-stopped'],
    ['a failed restore', { action: 'failed', reason: 'restore-failed' }, 'deleted'],
    [
      'a failed protection',
      { action: 'failed', reason: 'protect-failed' },
      'termination-protection-disabled',
    ],
    [
      'a stopped store past the deadline',
      { action: 'failed', reason: 'deadline-exceeded' },
      'ingestion-stopped',
    ],
    [
      'an ingesting store past the deadline',
      { action: 'failed', reason: 'deadline-exceeded', statusBefore: 'ENABLED' },
      'guard-failed',
    ],
    [
      'a store that could not be read',
      { action: 'failed', reason: 'describe-failed', statusBefore: 'UNKNOWN' },
      'guard-failed',
    ],
  ])('names the part of %s by what it is about', (_, overrides, kind) => {
    // Act
    const parts = partsOf(store(overrides));

    // Assess
    expect(parts.map((part) => part.kind)).toEqual([kind]);
  });

  it('has no part for a quiet store, a dry run or a skipped stop', () => {
    // Act
    const parts = [
      quietStore('q'),
      store({ action: 'would-resume', reason: 'dry-run' }),
      store({ action: 'skipped', reason: 'authorized-stop', eventDataStore: AUDIT_ARN }),
    ].flatMap(partsOf);

    // Assess
    expect(parts).toEqual([]);
  });
});
