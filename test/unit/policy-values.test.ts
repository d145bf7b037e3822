import { describe, expect, it } from 'vitest';
import { decide, INGESTING_STATUSES, isIngesting } from '../../src/policy.js';
import type { Candidate, ResumeRequest } from '../../src/types.js';

// The policy's tables, by their values: each value is written out here, so dropping or renaming
// one in the code fails a row.

const ARN = 'arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/a3f1c0de-5b2a';
const NOW = new Date('2026-11-25T03:00:00Z');
const SCHEDULE: ResumeRequest = { kind: 'schedule', scope: 'managed', source: 'aws.scheduler' };
const CONFIG = {
  exemptTagKey: 'ingestion-guard:exempt-until',
  authorizedActors: [],
  dryRun: false,
  maxExemptionHours: 72,
  restoreDeleted: false,
  enforceTerminationProtection: false,
  guardRoleArn: undefined,
};

/** A managed store of our own with these categories and this status. */
function candidate(categories: readonly string[], status = 'STOPPED_INGESTION'): Candidate {
  return {
    eventDataStore: ARN,
    managed: true,
    foreign: false,
    snapshot: { arn: ARN, status, categories, tags: {}, organizationEnabled: false },
  };
}

describe('Function: decide', () => {
  it.each([
    { category: 'Management', reason: 'stopped' },
    { category: 'Data', reason: 'stopped' },
    { category: 'NetworkActivity', reason: 'stopped' },
    { category: 'ConfigurationItem', reason: 'stopped' },
    { category: 'Insight', reason: 'unsupported-category' },
    { category: 'ActivityAuditLog', reason: 'unsupported-category' },
    { category: 'Evidence', reason: 'unsupported-category' },
    { category: 'management', reason: 'unsupported-category' },
  ])('decides $reason for a stopped store with only $category events', ({ category, reason }) => {
    // Act
    const decision = decide(candidate([category]), SCHEDULE, CONFIG, NOW);

    // Assess
    expect(decision.reason).toBe(reason);
  });

  it.each([
    { status: 'ENABLED', reason: 'already-ingesting' },
    { status: 'STARTING_INGESTION', reason: 'already-ingesting' },
    { status: 'PENDING_DELETION', reason: 'pending-deletion' },
    { status: 'CREATED', reason: 'not-stopped' },
    { status: 'STOPPING_INGESTION', reason: 'stopped' },
    { status: 'STOPPED_INGESTION', reason: 'stopped' },
    { status: 'enabled', reason: 'unknown-status' },
    { status: '', reason: 'unknown-status' },
  ])(
    'decides $reason for a store of Management events in status "$status"',
    ({ status, reason }) => {
      // Act
      const decision = decide(candidate(['Management'], status), SCHEDULE, CONFIG, NOW);

      // Assess
      expect(decision.reason).toBe(reason);
    },
  );
});

describe('Function: isIngesting', () => {
  it('takes exactly ENABLED and STARTING_INGESTION as ingesting', () => {
    // Assess
    expect([...INGESTING_STATUSES]).toEqual(['ENABLED', 'STARTING_INGESTION']);
  });

  it.each([
    { status: 'ENABLED', expected: true },
    { status: 'STARTING_INGESTION', expected: true },
    { status: 'STOPPING_INGESTION', expected: false },
    { status: 'STOPPED_INGESTION', expected: false },
    { status: 'CREATED', expected: false },
    { status: 'PENDING_DELETION', expected: false },
  ])('says $expected for $status', ({ status, expected }) => {
    // Act, Assess
    expect(isIngesting(status)).toBe(expected);
  });
});
