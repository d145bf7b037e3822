/**
 * The real handler module and the real SDK client against the CloudTrail Lake emulator over HTTP:
 * serialisation, signing and the SDK's middleware run for real, so these tests prove that the
 * function alone retries (one request per SDK call) and that the total stays within MAX_ATTEMPTS.
 */
import { createHook } from 'node:async_hooks';
import { readdirSync } from 'node:fs';
import { CloudTrailClient, StartEventDataStoreIngestionCommand } from '@aws-sdk/client-cloudtrail';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EmulatorOptions } from '../../local/emulator.js';
import type { FaultRule } from '../../local/faults.js';
import type { StoreInput } from '../../local/stores-file.js';
import { createCloudTrail } from '../../src/cloudtrail.js';
import { readConfig } from '../../src/config.js';
import { resumeIngestion } from '../../src/resume.js';
import {
  ACCOUNT,
  type LocalStack,
  MANAGED_ARN,
  makeStore,
  REGION,
  readEvent,
  sampleStores,
  startLocalStack,
  storeArn,
} from '../support/local-stack.js';

const START = 'StartEventDataStoreIngestion';
const GET = 'GetEventDataStore';
const LIST = 'ListEventDataStores';
const LIST_TAGS = 'ListTags';

const SAMPLES = sampleStores();
const ARN = {
  securityAudit: MANAGED_ARN,
  sandbox: storeArn('b7e2d1f0-6c3b-4d2f-8a4e-1f8b2c3d4e5f'),
  network: storeArn('c1d2e3f4-7d4c-4e3a-9b5f-2a9c3d4e5f60'),
  insights: storeArn('d4e5f6a7-8e5d-4f4b-8c6a-3b0d4e5f6071'),
  costLab: storeArn('e5f6a7b8-9f6e-4a5c-9d7b-4c1e5f607182'),
  org: storeArn('f6a7b8c9-a07f-4b6d-8e8c-5d2f60718293'),
  deleted: storeArn('c4d2e3f4-7a8b-4c9d-8e0f-2a3b4c5d6e7f'),
} as const;
const ALL_ARNS = SAMPLES.map((store) => store.EventDataStoreArn);

/** One call as the table states it: `<operation> <store or -> <outcome>`. */
type Call = string;
const call = (operation: string, store: string | undefined, outcome = 'ok'): Call =>
  `${operation} ${store ?? '-'} ${outcome}`;

/** The sweep over every store the opt-in tag manages. */
const LISTING: Call[] = [call(LIST, undefined), call(LIST_TAGS, ALL_ARNS.join(','))];
/** Read, started, read again to verify. */
const resuming = (arn: string): Call[] => [call(GET, arn), call(START, arn), call(GET, arn)];
const RESUME_MANAGED: Call[] = resuming(ARN.securityAudit);
/** The managed stores a sweep reads and leaves as they are. */
const DESCRIBE_UNTOUCHED: Call[] = [ARN.network, ARN.insights, ARN.org, ARN.deleted].map((arn) =>
  call(GET, arn),
);

function sample(arn: string): StoreInput {
  const store = SAMPLES.find((candidate) => candidate.EventDataStoreArn === arn);
  if (store === undefined) throw new Error(`no sample store ${arn}`);
  return store;
}

/**
 * The findings of the checks that need no state table (no baseline, no memory): a deleted store,
 * termination protection off, an exemption beyond MAX_EXEMPTION_HOURS (72).
 */
const EXEMPT_TAG = 'ingestion-guard:exempt-until';
const EXEMPTION_TOO_LONG = {
  kind: 'exemption-too-long',
  field: EXEMPT_TAG,
  after: '2099-01-01T00:00:00Z',
  severity: 'HIGH',
  detail: 'the exemption ends more than MAX_EXEMPTION_HOURS (72 h) from now: ignored',
};
const DELETED_FINDINGS = [
  {
    kind: 'deleted',
    field: 'Status',
    after: 'PENDING_DELETION',
    severity: 'CRITICAL',
    detail: 'the store was deleted: it ingests nothing, and its events are gone when the wait ends',
  },
  {
    kind: 'termination-protection-disabled',
    field: 'TerminationProtectionEnabled',
    before: true,
    after: false,
    severity: 'HIGH',
    detail: 'the store can be deleted in one call',
  },
];

const described = (arn: string) => ({
  eventDataStore: arn,
  name: sample(arn).Name,
  statusBefore: sample(arn).Status,
});
const resumed = (arn: string) => ({
  ...described(arn),
  action: 'resumed',
  reason: 'stopped',
  attempts: 1,
  statusAfter: 'ENABLED',
});
const wouldResume = (arn: string) => ({
  ...described(arn),
  action: 'would-resume',
  reason: 'dry-run',
  attempts: 0,
});
const skipped = (arn: string, reason: string) => ({
  ...described(arn),
  action: 'skipped',
  reason,
  attempts: 0,
});
/** cost-lab-config: its exempt tag ends in 2099, far beyond MAX_EXEMPTION_HOURS: no exemption. */
const COST_LAB_RESUMED = { ...resumed(ARN.costLab), findings: [EXEMPTION_TOO_LONG] };
/** compliance-archive: deleted, protection off; RESTORE_DELETED is off, so it is only reported. */
const DELETED_SKIPPED = {
  ...skipped(ARN.deleted, 'pending-deletion'),
  findings: DELETED_FINDINGS,
};
const SWEEP_SKIPS = [
  skipped(ARN.network, 'already-ingesting'),
  skipped(ARN.insights, 'unsupported-category'),
  skipped(ARN.org, 'already-ingesting'),
  DELETED_SKIPPED,
];

interface Expectation {
  /** In order for each store (and List before ListTags before the rest). */
  readonly calls: readonly Call[];
  /** Every store result, in any order. */
  readonly stores: readonly {
    readonly eventDataStore: string;
    readonly [field: string]: unknown;
  }[];
  /** Stores whose status changes; every other store keeps its sample status. */
  readonly changed: Readonly<Record<string, string>>;
}

const SWEEP: Expectation = {
  calls: [...LISTING, ...RESUME_MANAGED, ...resuming(ARN.costLab), ...DESCRIBE_UNTOUCHED],
  stores: [resumed(ARN.securityAudit), COST_LAB_RESUMED, ...SWEEP_SKIPS],
  changed: { [ARN.securityAudit]: 'ENABLED', [ARN.costLab]: 'ENABLED' },
};
/** A request naming the managed store: its own tags are read, the account is not listed. */
const NAMED_MANAGED: Expectation = {
  calls: [call(LIST_TAGS, ARN.securityAudit), ...RESUME_MANAGED],
  stores: [resumed(ARN.securityAudit)],
  changed: { [ARN.securityAudit]: 'ENABLED' },
};

/** A request naming the managed store and the unmanaged sandbox store. */
const NAMED_MANAGED_AND_SANDBOX: Expectation = {
  calls: [call(LIST_TAGS, ARN.securityAudit), call(LIST_TAGS, ARN.sandbox), ...RESUME_MANAGED],
  stores: [
    resumed(ARN.securityAudit),
    { eventDataStore: ARN.sandbox, action: 'skipped', reason: 'not-managed', attempts: 0 },
  ],
  changed: { [ARN.securityAudit]: 'ENABLED' },
};

/** An event naming the deleted store (still PENDING_DELETION in the emulator): reported only. */
const NAMED_DELETED: Expectation = {
  calls: [call(LIST_TAGS, ARN.deleted), call(GET, ARN.deleted)],
  stores: [DELETED_SKIPPED],
  changed: {},
};

/**
 * AddTags of the exempt tag by an actor outside AUTHORIZED_ACTORS (none are set): a finding, and
 * no exemption. The sample store does not carry the tag, so the finding has no `after`.
 */
const EXEMPT_TAG_ADDED: Expectation = {
  ...NAMED_MANAGED,
  stores: [
    {
      ...resumed(ARN.securityAudit),
      findings: [
        {
          kind: 'exempt-tag-changed',
          field: EXEMPT_TAG,
          severity: 'HIGH',
          detail:
            'AddTags by arn:aws:sts::012345678912:assumed-role/DevOpsAdmin/mallory, not in AUTHORIZED_ACTORS: the exemption is ignored until an authorized actor sets it again',
        },
      ],
    },
  ],
};

/**
 * Every sample event in events/ and what it does against local/stores.json, without a state
 * table: no baseline is recorded or compared, so selectors, federation and retention give no
 * finding here, and an accepted baseline has nothing to be written to.
 */
const EXPECTED: Readonly<Record<string, Expectation>> = {
  'cloudwatch-alarm-action.json': SWEEP,
  'direct-accept-baseline.json': NAMED_MANAGED,
  'direct-request-all-dry-run.json': {
    calls: [
      ...LISTING,
      call(GET, ARN.securityAudit),
      call(GET, ARN.costLab),
      ...DESCRIBE_UNTOUCHED,
    ],
    stores: [
      wouldResume(ARN.securityAudit),
      { ...wouldResume(ARN.costLab), findings: [EXEMPTION_TOO_LONG] },
      ...SWEEP_SKIPS,
    ],
    changed: {},
  },
  'direct-request-many.json': NAMED_MANAGED_AND_SANDBOX,
  'direct-request.json': NAMED_MANAGED,
  'eventbridge-add-tags-exempt.json': EXEMPT_TAG_ADDED,
  'eventbridge-delete-event-data-store.json': NAMED_DELETED,
  'eventbridge-delete-trail.json': SWEEP,
  'eventbridge-disable-federation.json': NAMED_MANAGED,
  'eventbridge-enable-federation.json': NAMED_MANAGED,
  'eventbridge-put-event-selectors.json': SWEEP,
  'eventbridge-remove-tags.json': NAMED_MANAGED,
  'eventbridge-restore-event-data-store.json': NAMED_DELETED,
  'eventbridge-stop-failed.json': {
    calls: [],
    stores: [
      {
        eventDataStore: ARN.securityAudit,
        action: 'skipped',
        reason: 'stop-call-failed',
        attempts: 0,
      },
    ],
    changed: {},
  },
  'eventbridge-stop-id-suffix.json': NAMED_MANAGED,
  'eventbridge-stop-logging.json': SWEEP,
  'eventbridge-stop.json': NAMED_MANAGED,
  'eventbridge-update-event-data-store.json': NAMED_MANAGED,
  'eventbridge-update-trail.json': SWEEP,
  'schedule-eventbridge-rule.json': SWEEP,
  'schedule-scheduler-default.json': SWEEP,
  'schedule-scheduler-input.json': SWEEP,
  'sns-alarm-alarm.json': SWEEP,
  'sns-alarm-ok.json': { calls: [], stores: [], changed: {} },
  'sns-forged-update.json': NAMED_MANAGED,
  'sns-multi-record.json': NAMED_MANAGED_AND_SANDBOX,
  'sns-plain-text.json': NAMED_MANAGED,
  'sns-request-object.json': NAMED_MANAGED,
  'sns-stop-alert.json': NAMED_MANAGED,
};

const SAMPLE_EVENTS = readdirSync(new URL('../../events/', import.meta.url))
  .filter((file) => file.endsWith('.json'))
  .sort();

interface StoreResultShape {
  eventDataStore: string;
  action: string;
  reason: string;
  attempts: number;
  statusAfter?: string;
  errorName?: string;
}
interface ResultShape {
  stores: StoreResultShape[];
  summary: Record<string, number>;
}

const TERMINAL_ERRORS = [
  'EventDataStoreARNInvalidException',
  'EventDataStoreNotFoundException',
  'InvalidEventDataStoreCategoryException',
  'InvalidParameterException',
  'InsufficientDependencyServiceAccessPermissionException',
  'NoManagementAccountSLRExistsException',
  'NotOrganizationMasterAccountException',
  'OperationNotPermittedException',
  'UnsupportedOperationException',
  'AccessDeniedException',
] as const;

describe('Resuming over HTTP: the real handler and SDK client against the emulator', () => {
  let stack: LocalStack | undefined;

  afterEach(async () => {
    vi.restoreAllMocks();
    await stack?.close();
    stack = undefined;
  });

  /**
   * The function's own log lines (Powertools writes JSON to stdout and stderr): the function logs
   * `start attempt failed` each time a Start request fails and it decides what to do next.
   */
  function captureLogs(): Record<string, unknown>[] {
    const lines: Record<string, unknown>[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: never[]) => {
        const text = String(chunk);
        if (text.startsWith('{') && text.includes('"level"')) {
          lines.push(JSON.parse(text) as Record<string, unknown>);
          return true;
        }
        return write(chunk as string, ...rest);
      }) as typeof stream.write);
    }
    return lines;
  }

  const functionRetries = (logs: Record<string, unknown>[]) =>
    logs.filter((line) => line.message === 'start attempt failed');

  /** The sample stores (or others), no idempotency, a start that completes at once. */
  async function setUp(options: Partial<EmulatorOptions> = {}): Promise<LocalStack> {
    stack = await startLocalStack({ idempotency: false, startDelayMs: 0, ...options });
    return stack;
  }

  function callsOf(local: LocalStack): Call[] {
    return local.emulator.calls.map((c) => call(c.operation, c.eventDataStore, c.outcome));
  }

  function outcomes(local: LocalStack, operation: string, store = MANAGED_ARN): string[] {
    return local.emulator.calls
      .filter((c) => c.operation === operation && c.eventDataStore === store)
      .map((c) => c.outcome);
  }

  function storeResult(result: unknown, arn = MANAGED_ARN): StoreResultShape | undefined {
    return (result as ResultShape).stores.find((store) => store.eventDataStore === arn);
  }

  /** What the handler threw (or a marker when it returned). */
  async function failureOf(promise: Promise<unknown>): Promise<unknown> {
    return promise.then(
      (result) => ({ returned: result }),
      (error: unknown) => error,
    );
  }

  describe('every sample event', () => {
    it('has an expectation for every sample in events/ and none for a missing one', () => {
      // Prepare, Act
      const expected = Object.keys(EXPECTED).sort();

      // Assess
      expect(SAMPLE_EVENTS).toEqual(expected);
    });

    it.each(SAMPLE_EVENTS)('%s → the expected calls, results and final statuses', async (file) => {
      // Prepare
      const expected = EXPECTED[file];
      if (expected === undefined) throw new Error(`no expectation for events/${file}`);
      const local = await setUp();
      const handler = await local.loadHandler();

      // Act
      const result = (await handler(readEvent(file), local.context())) as ResultShape;

      // Assess: the same calls, in order for each store, List before ListTags before the rest
      const calls = callsOf(local);
      expect([...calls].sort()).toEqual([...expected.calls].sort());
      const keyOf = (c: Call) => c.split(' ')[1];
      for (const key of new Set(expected.calls.map(keyOf))) {
        expect(calls.filter((c) => keyOf(c) === key)).toEqual(
          expected.calls.filter((c) => keyOf(c) === key),
        );
      }
      const listing = expected.calls.filter((c) => c.startsWith('List'));
      // (the tags of several named stores are read concurrently: in any order, but first)
      expect(calls.slice(0, listing.length).sort()).toEqual([...listing].sort());
      const byArn = (a: { eventDataStore: string }, b: { eventDataStore: string }) =>
        a.eventDataStore.localeCompare(b.eventDataStore);
      expect([...result.stores].sort(byArn)).toEqual([...expected.stores].sort(byArn));
      const finalStatuses = Object.fromEntries(
        local.emulator.stores().map((s) => [s.EventDataStoreArn, s.Status]),
      );
      const expectedStatuses = Object.fromEntries(
        SAMPLES.map((s) => [
          s.EventDataStoreArn,
          expected.changed[s.EventDataStoreArn] ?? s.Status,
        ]),
      );
      expect(finalStatuses).toEqual(expectedStatuses);
    });
  });

  describe('retries of transient failures, all made by the function (the SDK sends one request per call)', () => {
    it.each<[string, FaultRule, string]>([
      [
        'ThrottlingException (429)',
        { operation: START, error: 'ThrottlingException', count: 2 },
        'ThrottlingException',
      ],
      ['HTTP 503', { operation: START, status: 503, count: 2 }, 'ServiceUnavailable'],
      ['HTTP 500', { operation: START, status: 500, count: 2 }, 'InternalFailure'],
    ])(
      'resumes through two %s answers: 3 Start requests on the wire, attempts 3',
      async (_name, fault, code) => {
        // Prepare
        const local = await setUp({ faults: [fault] });
        const logs = captureLogs();
        const handler = await local.loadHandler({ POWERTOOLS_LOG_LEVEL: 'WARN' });

        // Act
        const result = await handler(readEvent('direct-request.json'), local.context());

        // Assess
        expect(outcomes(local, START)).toEqual([code, code, 'ok']);
        expect(functionRetries(logs).map((line) => line.attempt)).toEqual([1, 2]);
        expect(storeResult(result)).toMatchObject({
          action: 'resumed',
          reason: 'stopped',
          attempts: 3,
          statusAfter: 'ENABLED',
        });
        expect(local.statusOf(MANAGED_ARN)).toBe('ENABLED');
      },
    );

    it('times out a request that hangs past its request timeout and retries it', async () => {
      // Prepare: the first GetEventDataStore never answers within the 300 ms request timeout
      const local = await setUp({
        faults: [{ operation: 'GetEventDataStore', delayMs: 10_000, count: 1 }],
      });
      vi.stubEnv('AWS_ENDPOINT_URL_CLOUDTRAIL', local.emulator.url);
      vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'example-secret');
      const cloudtrail = createCloudTrail({ region: REGION, requestTimeoutMs: 300 });
      const retried: Record<string, unknown>[] = [];
      const quiet = () => undefined;
      const startedAt = Date.now();

      // Act
      const result = await resumeIngestion(
        { kind: 'manual', source: 'direct', scope: [MANAGED_ARN] },
        {
          cloudtrail,
          config: readConfig({
            AWS_REGION: REGION,
            MANAGED_EVENT_DATA_STORES: MANAGED_ARN,
            VERIFY_INTERVAL_MS: '20',
          }),
          here: { partition: 'aws', accountId: ACCOUNT, region: REGION },
          logger: { info: quiet, error: quiet, warn: (_m, fields) => retried.push(fields) },
          remainingTimeMs: () => 30_000 - (Date.now() - startedAt),
        },
      );

      // Assess: the first read timed out after 300 ms (Node's ETIMEDOUT), the function's second
      // one was answered
      const elapsedMs = Date.now() - startedAt;
      expect(retried).toEqual([
        expect.objectContaining({
          operation: GET,
          attempt: 1,
          errorName: 'ETIMEDOUT',
          errorClass: 'retryable',
        }),
      ]);
      expect(storeResult(result)).toMatchObject({
        statusBefore: 'STOPPED_INGESTION',
        action: 'resumed',
      });
      expect(elapsedMs).toBeGreaterThanOrEqual(300);
      expect(elapsedMs).toBeLessThan(5_000);
    });

    it('survives a connection reset on StartEventDataStoreIngestion', async () => {
      // Prepare
      const local = await setUp({ faults: [{ operation: START, reset: true, count: 1 }] });
      const logs = captureLogs();
      const handler = await local.loadHandler({ POWERTOOLS_LOG_LEVEL: 'WARN' });

      // Act
      const result = await handler(readEvent('direct-request.json'), local.context());

      // Assess
      expect(outcomes(local, START)).toEqual(['reset', 'ok']);
      expect(functionRetries(logs)).toMatchObject([{ attempt: 1, errorName: 'ECONNRESET' }]);
      expect(storeResult(result)).toMatchObject({ action: 'resumed', attempts: 2 });
      expect(local.statusOf(MANAGED_ARN)).toBe('ENABLED');
    });

    it('survives a connection reset on GetEventDataStore', async () => {
      // Prepare
      const local = await setUp({ faults: [{ operation: GET, reset: true, count: 1 }] });
      const handler = await local.loadHandler();

      // Act
      const result = await handler(readEvent('direct-request.json'), local.context());

      // Assess
      expect(outcomes(local, GET)).toEqual(['reset', 'ok', 'ok']);
      expect(outcomes(local, START)).toEqual(['ok']);
      expect(storeResult(result)).toMatchObject({ action: 'resumed', attempts: 1 });
      expect(local.statusOf(MANAGED_ARN)).toBe('ENABLED');
    });
  });

  describe('a degraded API across warm invocations', () => {
    it('gives every invocation its whole retry budget: no retry quota drains across invocations', async () => {
      // Prepare: every GetEventDataStore answers 500; one warm execution environment
      const local = await setUp({ faults: [{ operation: GET, status: 500 }] });
      const handler = await local.loadHandler({
        READ_MAX_ATTEMPTS: '3',
        RETRY_BASE_DELAY_MS: '1',
        RETRY_MAX_DELAY_MS: '2',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      });
      const invocations = 60;

      // Act
      for (let i = 0; i < invocations; i += 1) {
        await failureOf(handler(readEvent('direct-request.json'), local.context()));
      }

      // Assess: 3 requests each, the 60th invocation as the first (a process-wide token bucket
      // of the SDK's standard strategy would have cut later invocations to one attempt)
      expect(outcomes(local, GET)).toHaveLength(invocations * 3);
    });
  });

  describe('retries by the function', () => {
    it('retries ConflictException, which the SDK does not: 3 requests, attempts 3', async () => {
      // Prepare
      const local = await setUp({
        faults: [{ operation: START, error: 'ConflictException', count: 2 }],
      });
      const logs = captureLogs();
      const handler = await local.loadHandler({ POWERTOOLS_LOG_LEVEL: 'WARN' });

      // Act
      const result = await handler(readEvent('direct-request.json'), local.context());

      // Assess
      expect(outcomes(local, START)).toEqual(['ConflictException', 'ConflictException', 'ok']);
      expect(functionRetries(logs)).toMatchObject([
        { attempt: 1, errorName: 'ConflictException', errorClass: 'retryable' },
        { attempt: 2, errorName: 'ConflictException', errorClass: 'retryable' },
      ]);
      expect(storeResult(result)).toMatchObject({
        action: 'resumed',
        reason: 'stopped',
        attempts: 3,
      });
      expect(local.statusOf(MANAGED_ARN)).toBe('ENABLED');
    });

    // One request per call: every retry is the function's, and each is logged.
    it.each([
      { maxAttempts: 1, retriedByFunction: [] },
      { maxAttempts: 2, retriedByFunction: [1] },
      { maxAttempts: 5, retriedByFunction: [1, 2, 3, 4] },
    ])(
      'sends exactly MAX_ATTEMPTS=$maxAttempts Start requests in all against a persistent 503, then fails',
      async ({ maxAttempts, retriedByFunction }) => {
        // Prepare
        const local = await setUp({ faults: [{ operation: START, status: 503 }] });
        const logs = captureLogs();
        const handler = await local.loadHandler({
          MAX_ATTEMPTS: String(maxAttempts),
          POWERTOOLS_LOG_LEVEL: 'WARN',
        });

        // Act
        const error = await failureOf(handler(readEvent('direct-request.json'), local.context()));

        // Assess: MAX_ATTEMPTS requests in all, none sent by the SDK on its own
        expect(error).toMatchObject({ name: 'ResumeFailedError' });
        expect(local.starts()).toBe(maxAttempts);
        expect(functionRetries(logs).map((line) => line.attempt)).toEqual(retriedByFunction);
        expect(storeResult((error as { result: unknown }).result)).toMatchObject({
          action: 'failed',
          reason: 'start-failed',
          attempts: maxAttempts,
          errorName: 'ServiceUnavailable',
        });
        expect(local.statusOf(MANAGED_ARN)).toBe('STOPPED_INGESTION');
      },
    );
  });

  describe('status races', () => {
    it('resumes a store caught in STOPPING_INGESTION once it reaches STOPPED_INGESTION', async () => {
      // Prepare
      const stores = sampleStores().map((store) =>
        store.EventDataStoreArn === MANAGED_ARN
          ? { ...store, Status: 'STOPPING_INGESTION' as const }
          : store,
      );
      const local = await setUp({ stores, stopDelayMs: 150 });
      const handler = await local.loadHandler({ VERIFY_INTERVAL_MS: '20' });

      // Act
      const result = await handler(readEvent('direct-request.json'), local.context());

      // Assess: one Start, sent only once it could succeed; polled before and after it
      expect(outcomes(local, START)).toEqual(['ok']);
      const getsBeforeStart = local.emulator.calls
        .slice(
          0,
          local.emulator.calls.findIndex((c) => c.operation === START),
        )
        .filter((c) => c.operation === GET);
      expect(getsBeforeStart.length).toBeGreaterThanOrEqual(2);
      expect(storeResult(result)).toEqual({
        eventDataStore: MANAGED_ARN,
        name: 'security-audit-trail',
        statusBefore: 'STOPPING_INGESTION',
        action: 'resumed',
        reason: 'stopped',
        attempts: 1,
        statusAfter: 'ENABLED',
      });
      expect(local.statusOf(MANAGED_ARN)).toBe('ENABLED');
    });

    it('ends as started-concurrently when someone else starts the store while our Start is on its way', async () => {
      // Prepare: our Start is held by the emulator; the store is started by another client meanwhile
      const local = await setUp({ faults: [{ operation: START, delayMs: 1_500, count: 1 }] });
      const handler = await local.loadHandler();
      const other = new CloudTrailClient({
        region: 'us-east-1',
        endpoint: local.emulator.url,
        credentials: { accessKeyId: 'AKIDOTHER', secretAccessKey: 'other-secret' },
        maxAttempts: 1,
      });

      // Act
      const invocation = handler(readEvent('direct-request.json'), local.context());
      await vi.waitFor(() => expect(local.emulator.openRequests(START)).toBe(1), {
        timeout: 10_000,
        interval: 5,
      });
      await other.send(new StartEventDataStoreIngestionCommand({ EventDataStore: MANAGED_ARN }));
      const result = await invocation;
      other.destroy();

      // Assess: the other client's Start is answered first; ours meets the real status rule
      expect(outcomes(local, START)).toEqual(['ok', 'InvalidEventDataStoreStatusException']);
      expect(storeResult(result)).toMatchObject({
        action: 'resumed',
        reason: 'started-concurrently',
        attempts: 1,
        statusAfter: 'ENABLED',
      });
      expect(local.statusOf(MANAGED_ARN)).toBe('ENABLED');
    });
  });

  describe('terminal errors', () => {
    it.each(TERMINAL_ERRORS)(
      'fails on %s after exactly one Start request and throws ResumeFailedError',
      async (code) => {
        // Prepare
        const local = await setUp({ faults: [{ operation: START, error: code }] });
        const handler = await local.loadHandler();

        // Act
        const error = await failureOf(handler(readEvent('direct-request.json'), local.context()));

        // Assess
        expect(local.starts()).toBe(1);
        expect(outcomes(local, START)).toEqual([code]);
        expect(error).toMatchObject({
          name: 'ResumeFailedError',
          result: { summary: { resumed: 0, failed: 1 } },
        });
        expect(storeResult((error as { result: unknown }).result)).toEqual({
          eventDataStore: MANAGED_ARN,
          name: 'security-audit-trail',
          statusBefore: 'STOPPED_INGESTION',
          action: 'failed',
          reason: 'start-failed',
          attempts: 1,
          errorName: code,
        });
        expect(local.statusOf(MANAGED_ARN)).toBe('STOPPED_INGESTION');
      },
    );
  });

  describe('the deadline', () => {
    it('gives up before the deadline on a Start that never answers, leaving no request open', async () => {
      // Prepare: every Start hangs for a minute; the function has 3 s and keeps 0.5 s back
      const local = await setUp({ faults: [{ operation: START, delayMs: 60_000 }] });
      const handler = await local.loadHandler({ DEADLINE_MARGIN_MS: '500' });
      const context = local.context(3_000);

      // Act
      const error = await failureOf(handler(readEvent('direct-request.json'), context));
      const remainingMs = context.getRemainingTimeInMillis();

      // Assess
      expect(remainingMs).toBeGreaterThan(0);
      expect(error).toMatchObject({ name: 'ResumeFailedError' });
      expect(storeResult((error as { result: unknown }).result)).toMatchObject({
        action: 'failed',
        reason: 'deadline-exceeded',
        attempts: 1,
      });
      // The aborted request's connection is closed (the emulator sees the client go away).
      await vi.waitFor(() => expect(local.emulator.openRequests()).toBe(0));
      expect(outcomes(local, START)).toEqual([]);
      expect(local.statusOf(MANAGED_ARN)).toBe('STOPPED_INGESTION');
    });
  });

  describe('the deadline, at the smallest margin', () => {
    it("returns the function's own result before middy's early timeout answers", async () => {
      // Prepare: every Start hangs; the margin is the smallest the configuration accepts
      const local = await setUp({ faults: [{ operation: START, delayMs: 60_000 }] });
      const handler = await local.loadHandler({ DEADLINE_MARGIN_MS: '200' });

      // Act
      const error = await failureOf(
        handler(readEvent('direct-request.json'), local.context(1_500)),
      );

      // Assess: the function's ResumeFailedError with its result, not middy's TimeoutError
      expect(error).toMatchObject({ name: 'ResumeFailedError' });
      expect(storeResult((error as { result: unknown }).result)).toMatchObject({
        action: 'failed',
        reason: 'deadline-exceeded',
        attempts: 1,
      });
    });
  });

  describe('the deadline, in the middle of the retries', () => {
    it('does not wait for a retry that the deadline leaves no room for', async () => {
      // Prepare: the first Start is throttled with Retry-After: 30; the function has 3 s and
      // keeps 2 s back, so the retry's wait would end past its deadline.
      const local = await setUp({
        faults: [
          { operation: START, error: 'ThrottlingException', retryAfterSeconds: 30, count: 1 },
        ],
      });
      const handler = await local.loadHandler({ DEADLINE_MARGIN_MS: '2000' });
      const context = local.context(3_000);

      // Act
      const error = await failureOf(handler(readEvent('direct-request.json'), context));

      // Assess: over by the deadline (1 s in), well before the 3 s Lambda timeout.
      expect(context.getRemainingTimeInMillis()).toBeGreaterThan(1_000);
      expect(storeResult((error as { result: unknown }).result)).toMatchObject({
        action: 'failed',
        reason: 'deadline-exceeded',
        attempts: 1,
      });
      expect(outcomes(local, START)).toEqual(['ThrottlingException']);
    });

    it('leaves no timer running once it has returned after a deadline abort', async () => {
      // Prepare: as above, a first Start throttled with Retry-After: 30 and a 3 s invocation;
      // every timer created during the invocation is tracked
      const local = await setUp({
        faults: [
          { operation: START, error: 'ThrottlingException', retryAfterSeconds: 30, count: 1 },
        ],
      });
      const handler = await local.loadHandler({ DEADLINE_MARGIN_MS: '2000' });
      const created: NodeJS.Timeout[] = [];
      const hook = createHook({
        init(_id, type, _trigger, resource) {
          if (type === 'Timeout') created.push(resource as NodeJS.Timeout);
        },
      }).enable();

      // Act
      await failureOf(handler(readEvent('direct-request.json'), local.context(3_000)));
      hook.disable();

      // Assess: no wait (for a retry or anything else) outlives the invocation and holds the
      // process open after it returned
      type TimerState = { _destroyed: boolean; _idleTimeout: number };
      const pendingMs = created
        .filter((timer) => !(timer as unknown as TimerState)._destroyed && timer.hasRef())
        .map((timer) => (timer as unknown as TimerState)._idleTimeout);
      expect(pendingMs).toEqual([]);
    });

    // When the deadline aborts a call, the requests already sent still count:
    // attempts = Start requests sent on the wire.
    it('counts every Start request sent when the deadline cuts the retries short', async () => {
      // Prepare: the first Start gets a 503, the retry then hangs until the deadline
      const local = await setUp({
        faults: [
          { operation: START, status: 503, count: 1 },
          { operation: START, delayMs: 60_000 },
        ],
      });
      const handler = await local.loadHandler({ DEADLINE_MARGIN_MS: '500' });

      // Act
      const invocation = failureOf(handler(readEvent('direct-request.json'), local.context(3_000)));
      // Two Start requests on the wire: one answered, the retry held open.
      await vi.waitFor(() => {
        expect(outcomes(local, START)).toEqual(['ServiceUnavailable']);
        expect(local.emulator.openRequests(START)).toBe(1);
      }, 2_000);
      const error = await invocation;

      // Assess
      expect(error).toMatchObject({ name: 'ResumeFailedError' });
      expect(storeResult((error as { result: unknown }).result)).toMatchObject({
        action: 'failed',
        reason: 'deadline-exceeded',
        attempts: 2,
      });
    });
  });

  describe('a sweep over many stores', () => {
    it('resumes 50 tagged stores listed over 3 pages, tagged in batches of 20, 4 Starts at a time at most', async () => {
      // Prepare: the service returns at most 20 stores a page; each Start takes 30 ms
      const ids = Array.from(
        { length: 50 },
        (_, i) => `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`,
      );
      const local = await setUp({
        stores: ids.map((id) => makeStore(id)),
        maxPageSize: 20,
        faults: [{ operation: START, delayMs: 30 }],
      });
      const handler = await local.loadHandler({ STORE_CONCURRENCY: '4' });

      // Act
      const result = (await handler(
        readEvent('schedule-eventbridge-rule.json'),
        local.context(),
      )) as ResultShape;

      // Assess
      expect(result.summary).toEqual({
        resumed: 50,
        wouldResume: 0,
        restored: 0,
        wouldRestore: 0,
        protected: 0,
        skipped: 0,
        failed: 0,
      });
      const calls = local.emulator.calls;
      expect(calls.filter((c) => c.operation === LIST).map((c) => c.outcome)).toEqual([
        'ok',
        'ok',
        'ok',
      ]);
      const tagBatches = calls
        .filter((c) => c.operation === LIST_TAGS)
        .map((c) => c.eventDataStore?.split(',').length);
      expect(tagBatches).toEqual([20, 20, 10]);
      expect(local.starts()).toBe(50);
      expect(
        [
          ...new Set(calls.filter((c) => c.operation === START).map((c) => c.eventDataStore)),
        ].sort(),
      ).toEqual(ids.map(storeArn).sort());
      const peak = local.emulator.peakOpenRequests(START);
      expect(peak).toBeLessThanOrEqual(4);
      expect(peak).toBeGreaterThan(1);
      expect(local.emulator.stores().every((s) => s.Status === 'ENABLED')).toBe(true);
    });
  });

  describe('signing', () => {
    it('signs every request with SigV4: the emulator, which refuses unsigned requests, answers them all', async () => {
      // Prepare
      const local = await setUp();
      const handler = await local.loadHandler();

      // Act
      await handler(readEvent('direct-request.json'), local.context());
      const unsigned = await fetch(local.emulator.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-amz-json-1.1',
          'X-Amz-Target': `CloudTrail_20131101.${GET}`,
        },
        body: JSON.stringify({ EventDataStore: MANAGED_ARN }),
      });

      // Assess
      expect(local.emulator.calls.length).toBeGreaterThan(0);
      expect(local.emulator.calls.filter((c) => c.outcome !== 'ok')).toEqual([
        { operation: GET, outcome: 'MissingAuthenticationTokenException' },
      ]);
      expect(unsigned.status).toBe(403);
    });
  });
});
