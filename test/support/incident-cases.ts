/** Invocation results and requests to build incidents from (the incident, ASFF and sink tests). */
import { buildIncident, type Incident, type IncidentInput } from '../../src/incident.js';
import type { ResumeRequest, ResumeResult, StoreResult } from '../../src/types.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const HERE = { partition: 'aws', accountId: ACCOUNT, region: REGION };
export const NOW = new Date('2026-11-25T03:00:00.000Z');

export const storeArn = (id: string): string =>
  `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:eventdatastore/${id}`;

export const AUDIT_ARN = storeArn('a3f1c0de-5b2a-4c1e-9f3d-0e7a1b2c3d4e');
export const ATTACKER = 'arn:aws:sts::123456789012:assumed-role/Attacker/x';

/** A store result; by default the managed store, stopped and resumed. */
export function store(overrides: Partial<StoreResult> = {}): StoreResult {
  return {
    eventDataStore: AUDIT_ARN,
    name: 'security-audit-trail',
    statusBefore: 'STOPPED_INGESTION',
    action: 'resumed',
    reason: 'stopped',
    attempts: 1,
    statusAfter: 'ENABLED',
    ...overrides,
  };
}

/** A store the sweep found ingesting, nothing to say. */
export const quietStore = (id: string): StoreResult =>
  store({
    eventDataStore: storeArn(id),
    name: id,
    statusBefore: 'ENABLED',
    action: 'skipped',
    reason: 'already-ingesting',
    attempts: 0,
  });

/** The CloudTrail stop by the attacker, as the EventBridge rule delivers it. */
export const STOP_REQUEST: ResumeRequest = {
  kind: 'incident',
  scope: [AUDIT_ARN],
  source: 'aws.cloudtrail',
  deliveryId: 'delivery-f1e2d3c4',
  evidence: 'trusted',
  eventName: 'StopEventDataStoreIngestion',
  actor: {
    arn: ATTACKER,
    type: 'AssumedRole',
    accountId: ACCOUNT,
    roleArn: 'arn:aws:iam::123456789012:role/Attacker',
  },
  cloudTrail: {
    eventName: 'StopEventDataStoreIngestion',
    eventID: 'f1e2d3c4-0000-4000-8000-00000000abcd',
    eventTime: '2026-11-25T02:59:30Z',
    sourceIPAddress: '203.0.113.7',
    userAgent: 'aws-cli/2.22.0',
  },
};

export const SCHEDULE_REQUEST: ResumeRequest = {
  kind: 'schedule',
  scope: 'managed',
  source: 'aws.scheduler',
  deliveryId: 'sched-exec-0001',
};

/** Each count of a result's summary and the action it counts. */
const SUMMARY_ACTIONS = {
  resumed: 'resumed',
  wouldResume: 'would-resume',
  restored: 'restored',
  wouldRestore: 'would-restore',
  protected: 'protected',
  skipped: 'skipped',
  failed: 'failed',
} as const satisfies Record<keyof ResumeResult['summary'], StoreResult['action']>;

/** The result of handling `request` with `stores`. */
export function resultOf(request: ResumeRequest, stores: readonly StoreResult[]): ResumeResult {
  const count = (action: StoreResult['action']) => stores.filter((s) => s.action === action).length;
  const summary = Object.fromEntries(
    Object.entries(SUMMARY_ACTIONS).map(([key, action]) => [key, count(action)]),
  ) as unknown as ResumeResult['summary'];
  return {
    trigger: { kind: request.kind, source: request.source },
    dryRun: false,
    stores,
    summary,
  };
}

/** What buildIncident gets for `stores` handled on `request`. */
export function incidentInput(
  stores: readonly StoreResult[],
  request: ResumeRequest = STOP_REQUEST,
  now: Date = NOW,
): IncidentInput {
  return {
    result: resultOf(request, stores),
    request,
    invocation: {
      functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:lake-ingestion-guard`,
      requestId: '5d6e7f80-1111-4222-8333-444455556666',
    },
    here: HERE,
    now,
  };
}

/** The incident `buildIncident` gives for `stores` handled on `request` (it must give one). */
export function incidentOf(
  stores: readonly StoreResult[],
  request: ResumeRequest = STOP_REQUEST,
): Incident {
  const incident = buildIncident(incidentInput(stores, request));
  if (incident === undefined) throw new Error('the test expects an incident');
  return incident;
}

/** A store found ingesting whose retention was lowered from 7 years to 7 days. */
export const retentionLowered = (eventDataStore: string = AUDIT_ARN): StoreResult =>
  store({
    eventDataStore,
    statusBefore: 'ENABLED',
    action: 'skipped',
    reason: 'already-ingesting',
    attempts: 0,
    findings: [
      {
        kind: 'retention-lowered',
        field: 'RetentionPeriod',
        before: 2557,
        after: 7,
        severity: 'HIGH',
      },
    ],
  });
