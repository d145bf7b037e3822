/**
 * The local runner as a user runs it: `tsx local/runner.ts …` from the repository
 * root, against the built bundle, the emulator and the embedded DynamoDB. Output is checked the
 * way `sam local invoke` users read it: the result on stdout, the logs on stderr, the exit code.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundle } from '../../esbuild.config.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const MANAGED_ARN =
  'arn:aws:cloudtrail:us-east-1:012345678912:eventdatastore/a3f1c0de-5b2a-4c1e-9f3d-0e7a1b2c3d4e';
const START = 'StartEventDataStoreIngestion';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface Report {
  invocations: { result: unknown; error: Record<string, unknown> | null }[];
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

/** The environment a user's shell would have: none of the test setup's AWS or Powertools keys. */
function userEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(AWS_|POWERTOOLS_|VITEST)/.test(key) && key !== 'NODE_ENV',
    ),
  );
}

function runRunner(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['local/runner.ts', ...args], { cwd: ROOT, env: userEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** stdout as the JSON lines it must consist of (one per invocation). */
function resultLines(run: Run): Record<string, unknown>[] {
  expect(run.stdout.endsWith('\n')).toBe(true);
  return run.stdout
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The function's structured log lines on stderr (its EMF metric lines aside). */
function logLines(run: Run): Record<string, unknown>[] {
  return run.stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => typeof line.level === 'string');
}

const storeOf = (result: unknown, arn = MANAGED_ARN): StoreResultShape | undefined =>
  (result as { stores: StoreResultShape[] }).stores.find((s) => s.eventDataStore === arn);

describe('The local runner (npm start)', () => {
  let dir: string;

  beforeAll(async () => {
    // What `npm start` does first: build dist/handler.mjs, the artifact the runner loads.
    await buildBundle();
    dir = await mkdtemp(join(tmpdir(), 'runner-test-'));
  }, 120_000);

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
    expect(Object.keys(report).sort()).toEqual(['calls', 'invocations', 'stores']);
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
    expect(report.stores).toHaveLength(6);
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

  it('prints its usage on stderr and exits 0 with --help', async () => {
    // Prepare, Act
    const run = await runRunner(['--help']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Usage: npm start -- [options]');
    for (const option of ['--event', '--env-vars', '--stores', '--faults', '--times', '--report']) {
      expect(run.stderr).toContain(option);
    }
  });
});
