/**
 * The local runner as a user runs it: `tsx local/runner.ts …` from the repository
 * root, against the built bundle, the emulator and the embedded DynamoDB. Output is checked the
 * way `sam local invoke` users read it: the result on stdout, the logs on stderr, the exit code.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLines, resultLines, runRunner } from '../support/run-runner.js';

const MANAGED_ARN =
  'arn:aws:cloudtrail:us-east-1:012345678912:eventdatastore/a3f1c0de-5b2a-4c1e-9f3d-0e7a1b2c3d4e';
const START = 'StartEventDataStoreIngestion';
/** The sample store an attacker deleted (local/stores.json). */
const DELETED_ARN =
  'arn:aws:cloudtrail:us-east-1:012345678912:eventdatastore/c4d2e3f4-7a8b-4c9d-8e0f-2a3b4c5d6e7f';

interface Report {
  invocations: { result: unknown; error: Record<string, unknown> | null }[];
  notifications: unknown[];
  calls: { operation: string; eventDataStore?: string; outcome: string }[];
  stores: {
    EventDataStoreArn: string;
    Status: string;
    Tags: { Key: string; Value: string }[];
  }[];
}

interface StoreResultShape {
  eventDataStore: string;
  action: string;
  reason: string;
}

const storeOf = (result: unknown, arn = MANAGED_ARN): StoreResultShape | undefined =>
  (result as { stores: StoreResultShape[] }).stores.find((s) => s.eventDataStore === arn);

describe('The local runner (npm start)', () => {
  let dir: string;

  beforeAll(async () => {
    // dist/handler.mjs, the artifact the runner loads, is built by the global setup.
    dir = await mkdtemp(join(tmpdir(), 'runner-test-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const readReport = async (path: string): Promise<Report> =>
    JSON.parse(await readFile(path, 'utf8')) as Report;

  it('resumes the managed store with no arguments: one JSON line on stdout, logs on stderr', async () => {
    // Prepare, Act
    const run = await runRunner([]);

    // Assess
    expect(run.code).toBe(0);
    const lines = resultLines(run);
    expect(lines).toHaveLength(1);
    expect(storeOf(lines[0])).toMatchObject({ action: 'resumed', reason: 'stopped' });
    expect(lines[0]).toMatchObject({ summary: { resumed: 1, failed: 0 } });
    const logs = logLines(run);
    expect(logs.map((line) => line.message)).toEqual(
      expect.arrayContaining(['trigger received', 'store resumed', 'invocation done']),
    );
    expect(logs.find((line) => line.message === 'store resumed')).toMatchObject({
      level: 'INFO',
      eventDataStore: MANAGED_ARN,
    });
  });

  it('writes the invocations, the emulator calls and the final stores as JSON with --report', async () => {
    // Prepare
    const path = join(dir, 'r.json');

    // Act
    const run = await runRunner(['--report', path]);

    // Assess
    expect(run.code).toBe(0);
    const report = await readReport(path);
    expect(Object.keys(report).sort()).toEqual(['calls', 'invocations', 'notifications', 'stores']);
    expect(report.notifications).toEqual([]);
    expect(report.invocations).toEqual([{ result: resultLines(run)[0], error: null }]);
    for (const call of report.calls) {
      expect(
        Object.keys(call).every((k) => ['operation', 'eventDataStore', 'outcome'].includes(k)),
      ).toBe(true);
    }
    expect(report.calls).toContainEqual({
      operation: START,
      eventDataStore: MANAGED_ARN,
      outcome: 'ok',
    });
    expect(report.stores).toHaveLength(7);
    const managed = report.stores.find((s) => s.EventDataStoreArn === MANAGED_ARN);
    expect(['STARTING_INGESTION', 'ENABLED']).toContain(managed?.Status);
    expect(managed?.Tags).toContainEqual({ Key: 'ingestion-guard:managed', Value: 'true' });
    expect(report.stores.every((s) => Array.isArray(s.Tags))).toBe(true);
  });

  it('acts once over --times 3 (idempotency on the embedded DynamoDB) and prints three identical results', async () => {
    // Prepare
    const path = join(dir, 'times.json');

    // Act
    const run = await runRunner(['--times', '3', '--report', path]);

    // Assess
    expect(run.code).toBe(0);
    const lines = resultLines(run);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toEqual(lines[0]);
    expect(lines[2]).toEqual(lines[0]);
    const report = await readReport(path);
    expect(report.calls.filter((c) => c.operation === START)).toEqual([
      { operation: START, eventDataStore: MANAGED_ARN, outcome: 'ok' },
    ]);
    expect(report.invocations.map((i) => i.error)).toEqual([null, null, null]);
    expect(report.invocations.map((i) => i.result)).toEqual([lines[0], lines[0], lines[0]]);
  });

  it('exits 1 with ResumeFailedError and the result on stdout when --faults make a Start fail', async () => {
    // Prepare
    const faults = join(dir, 'faults.json');
    await writeFile(faults, JSON.stringify([{ operation: START, error: 'AccessDeniedException' }]));

    // Act
    const run = await runRunner(['--faults', faults]);

    // Assess
    expect(run.code).toBe(1);
    const lines = resultLines(run);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      errorType: 'ResumeFailedError',
      errorMessage: expect.stringContaining(MANAGED_ARN),
      result: { summary: { failed: 1 } },
    });
    expect(storeOf(lines[0]?.result)).toMatchObject({
      action: 'failed',
      reason: 'start-failed',
      attempts: 1,
      errorName: 'AccessDeniedException',
    });
  });

  it('rehearses a lost Start answer with an after fault: the report shows the store started although the answer was lost', async () => {
    // Prepare
    const faults = join(dir, 'lost-answer.json');
    const path = join(dir, 'lost-answer-report.json');
    await writeFile(
      faults,
      JSON.stringify([
        { operation: START, eventDataStore: MANAGED_ARN, after: true, reset: true, count: 1 },
      ]),
    );

    // Act
    const run = await runRunner(['--faults', faults, '--report', path]);

    // Assess
    expect(run.code).toBe(0);
    const report = await readReport(path);
    expect(report.calls.filter((c) => c.operation === START).map((c) => c.outcome)).toEqual([
      'reset-after-ok',
      'InvalidEventDataStoreStatusException',
    ]);
    const managed = report.stores.find((s) => s.EventDataStoreArn === MANAGED_ARN);
    expect(['STARTING_INGESTION', 'ENABLED']).toContain(managed?.Status);
  });

  it('exits 1 with InvalidTriggerError for an event it does not understand', async () => {
    // Prepare
    const event = join(dir, 'bogus.json');
    await writeFile(event, JSON.stringify({ bogus: 1 }));

    // Act
    const run = await runRunner(['-e', event]);

    // Assess
    expect(run.code).toBe(1);
    const lines = resultLines(run);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ errorType: 'InvalidTriggerError', field: 'event.bogus' });
    expect(lines[0]?.errorMessage).toEqual(expect.any(String));
  });

  it('starts nothing for a stop that failed', async () => {
    // Prepare
    const path = join(dir, 'stop-failed.json');

    // Act
    const run = await runRunner(['-e', 'events/eventbridge-stop-failed.json', '--report', path]);

    // Assess
    expect(run.code).toBe(0);
    expect(storeOf(resultLines(run)[0])).toMatchObject({
      action: 'skipped',
      reason: 'stop-call-failed',
    });
    const report = await readReport(path);
    expect(report.calls.filter((c) => c.operation === START)).toEqual([]);
    expect(report.stores.find((s) => s.EventDataStoreArn === MANAGED_ARN)?.Status).toBe(
      'STOPPED_INGESTION',
    );
  });

  it.each([
    [[], true],
    [['--list-pending-deletion=false'], false],
  ])(
    'shows a sweep the deleted store as the emulator lists it (%j): listed %s',
    async (options, listed) => {
      // Prepare
      const path = join(dir, `sweep-${listed}.json`);

      // Act
      const run = await runRunner([
        '-e',
        'events/schedule-scheduler-default.json',
        '--report',
        path,
        ...options,
      ]);

      // Assess: unlisted, the sweep never learns of it (only a registry of known stores could)
      expect(run.code).toBe(0);
      expect(storeOf(resultLines(run)[0], DELETED_ARN)).toEqual(
        listed
          ? expect.objectContaining({ action: 'skipped', reason: 'pending-deletion' })
          : undefined,
      );
      const report = await readReport(path);
      expect(report.stores.find((s) => s.EventDataStoreArn === DELETED_ARN)?.Status).toBe(
        'PENDING_DELETION',
      );
    },
  );

  it('exits 2 naming --list-pending-deletion when it is neither true nor false', async () => {
    // Act
    const run = await runRunner(['--list-pending-deletion=no']);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--list-pending-deletion must be true or false, got "no"');
  });

  it('prints its usage on stderr and exits 0 with --help', async () => {
    // Prepare, Act
    const run = await runRunner(['--help']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Usage: npm start -- [options]');
    for (const option of [
      '--event',
      '--env-vars',
      '--stores',
      '--faults',
      '--list-pending-deletion=false',
      '--times',
      '--report',
    ]) {
      expect(run.stderr).toContain(option);
    }
  });
});
