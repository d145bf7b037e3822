import { describe, expect, it } from 'vitest';
import {
  DESCRIPTION_MAX,
  findingId,
  productArn,
  TITLE_MAX,
  toArchived,
  toAsffFindings,
} from '../../src/notify/asff.js';
import {
  ACCOUNT,
  ATTACKER,
  AUDIT_ARN,
  incidentOf,
  REGION,
  retentionLowered,
  SCHEDULE_REQUEST,
  STOP_REQUEST,
  store,
} from '../support/incident-cases.js';

const UPDATED_AT = '2026-11-25T03:00:05.000Z';
const CONTEXT = { partition: 'aws', updatedAt: UPDATED_AT };

const RETENTION_LOWERED = retentionLowered();

describe('Function: toAsffFindings', () => {
  it('maps a resumed stop to one ACTIVE finding with every field ASFF requires', () => {
    // Act
    const findings = toAsffFindings(incidentOf([store()]), CONTEXT);

    // Assess
    expect(findings).toEqual([
      {
        SchemaVersion: '2018-10-08',
        Id: 'lake-ingestion-guard/us-east-1/123456789012/a3f1c0de-5b2a-4c1e-9f3d-0e7a1b2c3d4e/ingestion-stopped',
        ProductArn: 'arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default',
        GeneratorId: 'lake-ingestion-guard/ingestion-stopped',
        AwsAccountId: ACCOUNT,
        Types: ['TTPs/Defense Evasion/Impair Defenses: Disable or Modify Cloud Logs'],
        CreatedAt: '2026-11-25T02:59:30Z',
        UpdatedAt: UPDATED_AT,
        Severity: { Label: 'HIGH' },
        Title: `Ingestion stopped by ${ATTACKER} on security-audit-trail: resumed`,
        Description: expect.any(String),
        ProductFields: { 'lake-ingestion-guard/incidentId': STOP_REQUEST.deliveryId },
        Resources: [
          {
            Type: 'Other',
            Id: AUDIT_ARN,
            Partition: 'aws',
            Region: REGION,
            Details: {
              Other: {
                name: 'security-audit-trail',
                kind: 'ingestion-stopped',
                action: 'resumed',
                reason: 'stopped',
                statusBefore: 'STOPPED_INGESTION',
                statusAfter: 'ENABLED',
                actor: ATTACKER,
                sourceIPAddress: '203.0.113.7',
                eventID: 'f1e2d3c4-0000-4000-8000-00000000abcd',
                incidentId: STOP_REQUEST.deliveryId,
              },
            },
          },
        ],
        RecordState: 'ACTIVE',
      },
    ]);
  });

  it('says who, from where, what, when and the outcome in the description', () => {
    // Act
    const [finding] = toAsffFindings(incidentOf([store()]), CONTEXT);

    // Assess
    expect(finding?.Description).toBe(
      `Ingestion stopped on security-audit-trail (${AUDIT_ARN}). ` +
        `By ${ATTACKER} (AssumedRole), session issued by arn:aws:iam::123456789012:role/Attacker ` +
        'from 203.0.113.7 with aws-cli/2.22.0: StopEventDataStoreIngestion at 2026-11-25T02:59:30Z. ' +
        'Outcome: resumed (stopped, status STOPPED_INGESTION → ENABLED).',
    );
  });

  it('describes a sweep without an actor by the trigger, and a failure by its error', () => {
    // Prepare
    const failed = store({
      action: 'failed',
      reason: 'start-failed',
      errorName: 'AccessDeniedException',
    });
    const { statusAfter: _, ...withoutAfter } = failed;

    // Act
    const [finding] = toAsffFindings(incidentOf([withoutAfter], SCHEDULE_REQUEST), CONTEXT);

    // Assess
    expect(finding?.Description).toBe(
      `Ingestion stopped on security-audit-trail (${AUDIT_ARN}). ` +
        'Actor unknown: a schedule from aws.scheduler at 2026-11-25T03:00:00.000Z. ' +
        'Outcome: failed (start-failed, status STOPPED_INGESTION, error AccessDeniedException).',
    );
    expect(finding?.CreatedAt).toBe('2026-11-25T03:00:00.000Z');
  });

  it('files lowered retention also under data destruction, with the change in the description', () => {
    // Act
    const [finding] = toAsffFindings(incidentOf([RETENTION_LOWERED]), CONTEXT);

    // Assess
    expect(finding?.Types).toEqual([
      'TTPs/Defense Evasion/Impair Defenses: Disable or Modify Cloud Logs',
      'Effects/Data Destruction/CloudTrail Lake retention lowered',
    ]);
    expect(finding?.Description).toContain('RetentionPeriod: 2557 → 7.');
    expect(finding?.Severity).toEqual({ Label: 'HIGH' });
  });

  it('gives one finding per store and kind, a kind with several parts at their highest severity', () => {
    // Prepare
    const restored = store({
      action: 'restored',
      reason: 'deleted',
      protected: true,
      findings: [
        {
          kind: 'deleted',
          field: 'Status',
          before: 'ENABLED',
          after: 'PENDING_DELETION',
          severity: 'HIGH',
        },
        {
          kind: 'retention-lowered',
          field: 'RetentionPeriod',
          before: 90,
          after: 7,
          severity: 'LOW',
          detail: 'from 90 to 7 days',
        },
      ],
    });

    // Act
    const findings = toAsffFindings(incidentOf([restored]), CONTEXT);

    // Assess
    expect(findings.map((f) => [f.GeneratorId, f.Severity?.Label])).toEqual([
      ['lake-ingestion-guard/deleted', 'CRITICAL'],
      ['lake-ingestion-guard/termination-protection-disabled', 'MEDIUM'],
      ['lake-ingestion-guard/retention-lowered', 'LOW'],
    ]);
    expect(new Set(findings.map((f) => f.Id)).size).toBe(3);
    expect(findings[2]?.Description).toContain('RetentionPeriod: 90 → 7 (from 90 to 7 days).');
  });

  it('keeps the title within 256 and the description within 1024 characters', () => {
    // Prepare
    const longName = 'n'.repeat(900);
    const request = {
      ...STOP_REQUEST,
      actor: { arn: `arn:aws:sts::123456789012:assumed-role/${'r'.repeat(300)}/x` },
    };
    const result = store({
      name: longName,
      findings: [
        {
          kind: 'selectors-changed',
          field: 'AdvancedEventSelectors',
          severity: 'HIGH',
          detail: 'd'.repeat(2000),
        },
      ],
    });

    // Act
    const findings = toAsffFindings(incidentOf([result], request), CONTEXT);

    // Assess
    for (const finding of findings) {
      expect(finding.Title?.length).toBeLessThanOrEqual(TITLE_MAX);
      expect(finding.Description?.length).toBeLessThanOrEqual(DESCRIPTION_MAX);
      expect(finding.Description?.endsWith('…')).toBe(true);
      expect(
        Object.values(finding.Resources?.[0]?.Details?.Other ?? {}).every((v) => v.length <= 1024),
      ).toBe(true);
    }
    expect(findings[0]?.Title).toHaveLength(TITLE_MAX);
  });

  it('gives the same Ids for the same problem found again by another trigger', () => {
    // Act
    const first = toAsffFindings(incidentOf([store()]), CONTEXT);
    const again = toAsffFindings(incidentOf([store()], SCHEDULE_REQUEST), {
      ...CONTEXT,
      updatedAt: '2026-11-25T03:15:00.000Z',
    });

    // Assess
    expect(again.map((f) => f.Id)).toEqual(first.map((f) => f.Id));
  });

  it('names the partition of the function in the product and the resource', () => {
    // Act
    const [finding] = toAsffFindings(incidentOf([store()]), {
      ...CONTEXT,
      partition: 'aws-us-gov',
    });

    // Assess
    expect(finding?.ProductArn).toBe(productArn('aws-us-gov', REGION, ACCOUNT));
    expect(finding?.ProductArn).toMatch(/^arn:aws-us-gov:securityhub:/);
    expect(finding?.Resources?.[0]?.Partition).toBe('aws-us-gov');
  });
});

describe('Function: findingId', () => {
  it('takes the store ID from an ARN, or the ID as given', () => {
    // Act
    const ids = [AUDIT_ARN, 'a3f1c0de-5b2a-4c1e-9f3d-0e7a1b2c3d4e'].map((store) =>
      findingId(REGION, ACCOUNT, store, 'deleted'),
    );

    // Assess
    expect(ids).toEqual([
      'lake-ingestion-guard/us-east-1/123456789012/a3f1c0de-5b2a-4c1e-9f3d-0e7a1b2c3d4e/deleted',
      'lake-ingestion-guard/us-east-1/123456789012/a3f1c0de-5b2a-4c1e-9f3d-0e7a1b2c3d4e/deleted',
    ]);
  });
});

describe('Function: toArchived', () => {
  it('keeps what an import needs of a finding read back, ARCHIVED and updated now', () => {
    // Prepare
    const active = toAsffFindings(incidentOf([store()]), CONTEXT)[0];
    if (active === undefined) throw new Error('the test expects a finding');
    const readBack = {
      ...active,
      ProductName: 'Default',
      Region: REGION,
      ProcessedAt: UPDATED_AT,
      Workflow: { Status: 'NEW' as const },
    };

    // Act
    const archived = toArchived(readBack, '2026-11-25T04:00:00.000Z');

    // Assess
    expect(archived).toEqual({
      ...active,
      RecordState: 'ARCHIVED',
      UpdatedAt: '2026-11-25T04:00:00.000Z',
    });
  });
});
