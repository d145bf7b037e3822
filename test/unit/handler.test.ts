import { readdirSync, readFileSync } from 'node:fs';
import {
  GetEventDataStoreCommand,
  ListEventDataStoresCommand,
  NotOrganizationMasterAccountException,
  StartEventDataStoreIngestionCommand,
} from '@aws-sdk/client-cloudtrail';
import type { Context } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, InvalidTriggerError, ResumeFailedError } from '../../src/errors.js';
import type { ResumeResult } from '../../src/types.js';
import { captureOutput } from '../support/capture-output.js';
import { arnOf, fakeAccount, MANAGED_TAG, sampleStores } from '../support/fake-account.js';
import { lambdaContext } from '../support/lambda-context.js';

type Handler = (event: unknown, context: Context) => Promise<ResumeResult>;

const MANAGED = arnOf('a3f1c0de-5b2a-4c1e-9f3d-0e7a1b2c3d4e');
const UNMANAGED = arnOf('b7e2d1f0-6c3b-4d2f-8a4e-1f8b2c3d4e5f');

const readEvent = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../events/${name}`, import.meta.url), 'utf8'));

/** A fresh handler module (config is read at module scope, like a cold start). */
async function loadHandler(env: Record<string, string> = {}): Promise<Handler> {
  Object.assign(process.env, {
    OPT_IN_TAG: MANAGED_TAG,
    VERIFY_INTERVAL_MS: '10',
    POWERTOOLS_SERVICE_NAME: 'lake-ingestion-guard',
    ...env,
  });
  vi.resetModules();
  const module = await import('../../src/handler.js');
  return module.handler as unknown as Handler;
}

const captureStdout = () => captureOutput();

describe('Function: handler', () => {
  beforeEach(() => {
    vi.restoreAllMocks();
  });

  it('resumes the managed store named by the SNS stop alert and returns the result', async () => {
    // Prepare
    const { mock } = fakeAccount(sampleStores());
    const handler = await loadHandler();

    // Act
    const result = await handler(readEvent('sns-stop-alert.json'), lambdaContext());

    // Assess
    const { incident, ...outcome } = result;
    expect(incident).toMatchObject({
      incidentId: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b',
      severity: 'HIGH',
      trigger: { actor: { arn: 'arn:aws:sts::012345678912:assumed-role/DevOpsAdmin/mallory' } },
      stores: [expect.objectContaining({ eventDataStore: MANAGED, action: 'resumed' })],
    });
    expect(outcome).toEqual({
      trigger: {
        kind: 'incident',
        source: 'aws.cloudtrail',
        deliveryId: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b',
        actor: 'arn:aws:sts::012345678912:assumed-role/DevOpsAdmin/mallory',
      },
      dryRun: false,
      stores: [
        {
          eventDataStore: MANAGED,
          name: 'security-audit-trail',
          statusBefore: 'STOPPED_INGESTION',
          action: 'resumed',
          reason: 'stopped',
          attempts: 1,
          statusAfter: 'ENABLED',
        },
      ],
      summary: {
        resumed: 1,
        wouldResume: 0,
        restored: 0,
        wouldRestore: 0,
        protected: 0,
        skipped: 0,
        failed: 0,
      },
    });
    expect(mock).toHaveReceivedCommandWith(StartEventDataStoreIngestionCommand, {
      EventDataStore: MANAGED,
    });
  });

  // Against local/stores.json: one managed stopped store, one unmanaged stopped store, a managed
  // stopped store whose exemption (until 2099) is too long to hold, a deleted store, and three
  // managed stores that must be left alone (enabled, Insight, organization/enabled).
  // Counts not given are zero.
  const SAMPLES: Record<string, { starts: number; summary: Partial<ResumeResult['summary']> }> = {
    'cloudwatch-alarm-action.json': { starts: 2, summary: { resumed: 2, skipped: 4 } },
    'direct-accept-baseline.json': { starts: 1, summary: { resumed: 1 } },
    'direct-request-all-dry-run.json': { starts: 0, summary: { wouldResume: 2, skipped: 4 } },
    'direct-request-many.json': { starts: 1, summary: { resumed: 1, skipped: 1 } },
    'direct-request.json': { starts: 1, summary: { resumed: 1 } },
    'eventbridge-add-tags-exempt.json': { starts: 1, summary: { resumed: 1 } },
    'eventbridge-delete-event-data-store.json': { starts: 0, summary: { skipped: 1 } },
    'eventbridge-delete-trail.json': { starts: 2, summary: { resumed: 2, skipped: 4 } },
    'eventbridge-disable-federation.json': { starts: 1, summary: { resumed: 1 } },
    'eventbridge-enable-federation.json': { starts: 1, summary: { resumed: 1 } },
    'eventbridge-put-event-selectors.json': { starts: 2, summary: { resumed: 2, skipped: 4 } },
    'eventbridge-remove-tags.json': { starts: 1, summary: { resumed: 1 } },
    'eventbridge-restore-event-data-store.json': { starts: 0, summary: { skipped: 1 } },
    'eventbridge-stop-failed.json': { starts: 0, summary: { skipped: 1 } },
    'eventbridge-stop-id-suffix.json': { starts: 1, summary: { resumed: 1 } },
    'eventbridge-stop-logging.json': { starts: 2, summary: { resumed: 2, skipped: 4 } },
    'eventbridge-stop.json': { starts: 1, summary: { resumed: 1 } },
    'eventbridge-update-event-data-store.json': { starts: 1, summary: { resumed: 1 } },
    'eventbridge-update-trail.json': { starts: 2, summary: { resumed: 2, skipped: 4 } },
    'schedule-eventbridge-rule.json': { starts: 2, summary: { resumed: 2, skipped: 4 } },
    'schedule-scheduler-default.json': { starts: 2, summary: { resumed: 2, skipped: 4 } },
    'schedule-scheduler-input.json': { starts: 2, summary: { resumed: 2, skipped: 4 } },
    'sns-alarm-alarm.json': { starts: 2, summary: { resumed: 2, skipped: 4 } },
    'sns-alarm-ok.json': { starts: 0, summary: {} },
    'sns-forged-update.json': { starts: 1, summary: { resumed: 1 } },
    'sns-multi-record.json': { starts: 1, summary: { resumed: 1, skipped: 1 } },
    'sns-plain-text.json': { starts: 1, summary: { resumed: 1 } },
    'sns-request-object.json': { starts: 1, summary: { resumed: 1 } },
    'sns-stop-alert.json': { starts: 1, summary: { resumed: 1 } },
  };

  /** Its exempt tag says 2099: more than MAX_EXEMPTION_HOURS ahead, so no exemption. */
  const TOO_LONG_EXEMPT = arnOf('e5f6a7b8-9f6e-4a5c-9d7b-4c1e5f607182');
  const NOTHING = {
    resumed: 0,
    wouldResume: 0,
    restored: 0,
    wouldRestore: 0,
    protected: 0,
    skipped: 0,
    failed: 0,
  };

  it('has an expectation for every sample event', () => {
    const samples = readdirSync(new URL('../../events/', import.meta.url));
    expect(samples.sort()).toEqual(Object.keys(SAMPLES).sort());
  });

  it.each(Object.entries(SAMPLES))('handles %s as expected', async (name, expected) => {
    // Prepare
    const { mock } = fakeAccount(sampleStores());
    const handler = await loadHandler();

    // Act
    const result = await handler(readEvent(name), lambdaContext());

    // Assess
    expect(result.summary).toEqual({ ...NOTHING, ...expected.summary });
    expect(mock).toHaveReceivedCommandTimes(StartEventDataStoreIngestionCommand, expected.starts);
    for (const store of result.stores.filter((s) => s.action === 'resumed')) {
      expect([MANAGED, TOO_LONG_EXEMPT]).toContain(store.eventDataStore);
    }
  });

  it.each([
    ['an unmanaged store of our own', UNMANAGED],
    ['a store of another account', arnOf('a3f1c0de-5b2a-4c1e-9f3d-0e7a1b2c3d4e', '210987654321')],
    [
      'a store of another region',
      arnOf('a3f1c0de-5b2a-4c1e-9f3d-0e7a1b2c3d4e', '123456789012', 'eu-west-1'),
    ],
  ])('never starts %s, whatever the event says', async (_label, target) => {
    // Prepare: the attacker-controlled SNS message names the store
    const { mock } = fakeAccount(sampleStores());
    const handler = await loadHandler({ MANAGED_EVENT_DATA_STORES: MANAGED });
    const event = readEvent('sns-plain-text.json') as { Records: [{ Sns: { Message: string } }] };
    event.Records[0].Sns.Message = `Please resume ${target} now`;

    // Act
    const result = await handler(event, lambdaContext());

    // Assess
    expect(result.stores).toEqual([
      expect.objectContaining({ eventDataStore: target, action: 'skipped' }),
    ]);
    expect(['not-managed', 'foreign-store']).toContain(result.stores[0]?.reason);
    expect(mock).toHaveReceivedCommandTimes(StartEventDataStoreIngestionCommand, 0);
  });

  it('takes its account from the Lambda context, not from the event', async () => {
    // Prepare: the event and the managed list name account 012345678912; the function runs in 999999999999
    const { mock } = fakeAccount(sampleStores());
    const handler = await loadHandler({ MANAGED_EVENT_DATA_STORES: MANAGED });

    // Act
    const result = await handler(
      readEvent('eventbridge-stop.json'),
      lambdaContext({ account: '999999999999' }),
    );

    // Assess
    expect(result.stores[0]).toMatchObject({ action: 'skipped', reason: 'foreign-store' });
    expect(mock).toHaveReceivedCommandTimes(StartEventDataStoreIngestionCommand, 0);
  });

  it('throws InvalidTriggerError for a bad event and makes no CloudTrail call', async () => {
    // Prepare
    const { mock } = fakeAccount(sampleStores());
    const handler = await loadHandler();

    // Act
    const invocation = handler({ eventDataStore: 'x!' }, lambdaContext());

    // Assess
    await expect(invocation).rejects.toMatchObject({ name: InvalidTriggerError.name });
    await expect(invocation).rejects.toMatchObject({ field: 'event.eventDataStore' });
    expect(mock.calls()).toHaveLength(0);
  });

  it('throws ResumeFailedError carrying the whole result after every store was handled', async () => {
    // Prepare: the managed stopped store is an organization store we may not start
    const { mock } = fakeAccount(sampleStores());
    mock.on(StartEventDataStoreIngestionCommand).rejects(
      new NotOrganizationMasterAccountException({
        message: 'not the management account',
        $metadata: { httpStatusCode: 400, attempts: 1 },
      }),
    );
    const handler = await loadHandler();

    // Act
    const error = await handler(readEvent('schedule-eventbridge-rule.json'), lambdaContext()).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(error).toMatchObject({ name: ResumeFailedError.name });
    const result = (error as ResumeFailedError).result;
    expect(result.summary).toEqual({
      resumed: 0,
      wouldResume: 0,
      restored: 0,
      wouldRestore: 0,
      protected: 0,
      skipped: 4,
      failed: 2,
    });
    expect(result.stores.find((s) => s.action === 'failed')).toMatchObject({
      eventDataStore: MANAGED,
      reason: 'start-failed',
      errorName: 'NotOrganizationMasterAccountException',
    });
    expect(mock).toHaveReceivedCommandTimes(GetEventDataStoreCommand, 6);
  });

  it('fails the cold start with a ConfigError listing every problem', async () => {
    // Prepare
    fakeAccount([]);

    // Act
    const loading = loadHandler({ OPT_IN_TAG: '', MAX_ATTEMPTS: 'lots', DRY_RUN: 'maybe' });

    // Assess
    await expect(loading).rejects.toMatchObject({ name: ConfigError.name });
    const error = (await loading.catch((e: unknown) => e)) as ConfigError;
    expect(error.problems).toHaveLength(3);
    expect(error.problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('DRY_RUN'),
        expect.stringContaining('MAX_ATTEMPTS'),
        expect.stringContaining('no store is managed'),
      ]),
    );
  });

  it('fails the cold start under sam local when no endpoint points the SDK away from AWS', async () => {
    // Prepare: what sam local invoke gives a function run without --env-vars env.json
    const { mock } = fakeAccount(sampleStores());

    // Act
    const loading = loadHandler({ AWS_SAM_LOCAL: 'true', AWS_ENDPOINT_URL_CLOUDTRAIL: '' });

    // Assess
    const error = (await loading.catch((e: unknown) => e)) as ConfigError;
    expect(error).toMatchObject({ name: ConfigError.name });
    expect(error.problems).toEqual([expect.stringContaining('AWS_ENDPOINT_URL_CLOUDTRAIL')]);
    expect(mock.calls()).toHaveLength(0);
  });

  it('builds the function once per execution environment: one cold start, one warning', async () => {
    // Prepare: no IDEMPOTENCY_TABLE, so loading the module warns (on stderr, as a WARN);
    // Lambda sets AWS_LAMBDA_INITIALIZATION_TYPE, which Powertools needs to report a cold start.
    fakeAccount(sampleStores());
    delete process.env.IDEMPOTENCY_TABLE;
    const warnings: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      warnings.push(chunk.toString());
      return true;
    });
    const handler = await loadHandler({
      POWERTOOLS_LOG_LEVEL: 'INFO',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    });
    const stdout = captureStdout();

    // Act
    await handler(readEvent('sns-stop-alert.json'), lambdaContext());
    await handler(readEvent('sns-stop-alert.json'), lambdaContext());

    // Assess
    const received = stdout.lines().filter((line) => line.message === 'trigger received');
    expect(received.map((line) => line.cold_start)).toEqual([true, false]);
    expect(warnings.join('').match(/"idempotency disabled"/g)).toHaveLength(1);
  });

  /** What loading the module writes to stderr (Powertools writes WARN lines there). */
  async function coldStartWarnings(env: Record<string, string>): Promise<string[]> {
    const stderr = captureOutput([process.stderr]);
    await loadHandler({ POWERTOOLS_LOG_LEVEL: 'INFO', ...env });
    return stderr.lines().map((line) => String(line.message));
  }

  it.each([
    {
      case: 'only the deprecated AUTHORIZED_STOPPERS is set',
      env: { AUTHORIZED_STOPPERS: 'arn:aws:iam::012345678912:role/Ops' },
      warned: true,
    },
    {
      case: 'AUTHORIZED_ACTORS is set beside it',
      env: {
        AUTHORIZED_STOPPERS: 'arn:aws:iam::012345678912:role/Ops',
        AUTHORIZED_ACTORS: 'arn:aws:iam::012345678912:role/Ops',
      },
      warned: false,
    },
  ])('warns at cold start about a deprecated setting when $case', async ({ env, warned }) => {
    // Prepare
    delete process.env.AUTHORIZED_ACTORS;
    delete process.env.AUTHORIZED_STOPPERS;

    // Act
    const messages = await coldStartWarnings(env);

    // Assess
    expect(messages.includes('deprecated setting')).toBe(warned);
  });

  it.each([
    { case: 'unset', env: {}, warned: true },
    { case: 'set', env: { STATE_TABLE: 'guard-state' }, warned: false },
  ])(
    'warns at cold start that drift is not tracked when STATE_TABLE is $case',
    async ({ env, warned }) => {
      // Prepare
      delete process.env.STATE_TABLE;

      // Act
      const messages = await coldStartWarnings(env);

      // Assess
      expect(messages.includes('drift not tracked')).toBe(warned);
    },
  );

  it('says that an acceptBaseline request recorded nothing without a state table', async () => {
    // Prepare
    fakeAccount(sampleStores());
    delete process.env.STATE_TABLE;
    const handler = await loadHandler({ POWERTOOLS_LOG_LEVEL: 'INFO' });
    const output = captureOutput([process.stdout, process.stderr]);

    // Act
    await handler(readEvent('direct-accept-baseline.json'), lambdaContext());

    // Assess
    const lines = output.lines();
    expect(lines.find((line) => line.message === 'baseline not accepted')).toMatchObject({
      eventDataStore: MANAGED,
    });
  });

  it('logs JSON with the request id and deliveryId on every line, and no credentials', async () => {
    // Prepare
    fakeAccount(sampleStores());
    const handler = await loadHandler({ POWERTOOLS_LOG_LEVEL: 'INFO' });
    const stdout = captureStdout();
    const context = lambdaContext();

    // Act
    await handler(readEvent('sns-stop-alert.json'), context);

    // Assess
    const logs = stdout.lines().filter((line) => 'message' in line);
    expect(logs.map((l) => l.message)).toEqual([
      'trigger received',
      'store decision',
      'store resumed',
      'invocation done',
    ]);
    for (const line of logs) {
      expect(line).toMatchObject({
        function_request_id: context.awsRequestId,
        deliveryId: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b',
        trigger: { kind: 'incident' },
      });
    }
    expect(logs[1]).toMatchObject({ eventDataStore: MANAGED, reason: 'stopped', action: 'resume' });
    const text = JSON.stringify(stdout.lines());
    expect(text).not.toContain(process.env.AWS_SECRET_ACCESS_KEY);
    expect(text).not.toContain('AKIDEXAMPLE');
  });

  it('counts results in embedded metrics: totals for alarms and per reason', async () => {
    // Prepare
    fakeAccount(sampleStores());
    const handler = await loadHandler({
      POWERTOOLS_METRICS_DISABLED: 'false',
      POWERTOOLS_METRICS_NAMESPACE: 'Test',
    });
    const stdout = captureStdout();

    // Act
    await handler(readEvent('schedule-eventbridge-rule.json'), lambdaContext());

    // Assess
    const emf = stdout.lines().filter((line) => '_aws' in line);
    const totals = emf.find((line) => 'StoresResumed' in line && !('reason' in line));
    expect(totals).toMatchObject({
      StoresResumed: 2,
      StoresSkipped: 4,
      ResumeFailures: 0,
      DriftFindings: 3,
      service: 'lake-ingestion-guard',
    });
    const skippedByReason = Object.fromEntries(
      emf
        .filter((l) => 'reason' in l && 'StoresSkipped' in l)
        .map((l) => [l.reason, l.StoresSkipped]),
    );
    expect(skippedByReason).toEqual({
      'already-ingesting': 2,
      'unsupported-category': 1,
      'pending-deletion': 1,
    });
    const driftByKind = Object.fromEntries(
      emf.filter((l) => 'kind' in l).map((l) => [l.kind, l.DriftFindings]),
    );
    expect(driftByKind).toEqual({
      'exemption-too-long': 1,
      deleted: 1,
      'termination-protection-disabled': 1,
    });
  });

  it('counts an invalid trigger in the InvalidTriggers metric', async () => {
    // Prepare
    fakeAccount([]);
    const handler = await loadHandler({
      POWERTOOLS_METRICS_DISABLED: 'false',
      POWERTOOLS_METRICS_NAMESPACE: 'Test',
    });
    const stdout = captureStdout();

    // Act
    await handler('not an event', lambdaContext()).catch(() => undefined);

    // Assess
    expect(stdout.lines().find((line) => 'InvalidTriggers' in line)).toMatchObject({
      InvalidTriggers: 1,
    });
  });

  it('lists the stores of the account only once per invocation', async () => {
    // Prepare
    const { mock } = fakeAccount(sampleStores());
    const handler = await loadHandler();

    // Act
    await handler(readEvent('schedule-scheduler-default.json'), lambdaContext());

    // Assess
    expect(mock).toHaveReceivedCommandTimes(ListEventDataStoresCommand, 1);
  });
});
