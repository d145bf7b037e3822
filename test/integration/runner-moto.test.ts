/**
 * `npm start -- --moto`: the runner starts moto's server for the run, creates the SNS topic, the
 * EventBridge bus and Security Hub in it, turns the three sinks on, and reports what each sent
 * and what it answered. Without --moto, a sink that env.json turns on is refused: it would
 * reach AWS.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withoutMoto } from '../support/moto.js';
import { type Run, resultLines, runRunner } from '../support/run-runner.js';

const MANAGED_ARN =
  'arn:aws:cloudtrail:us-east-1:012345678912:eventdatastore/a3f1c0de-5b2a-4c1e-9f3d-0e7a1b2c3d4e';
const ACTOR = 'arn:aws:sts::012345678912:assumed-role/DevOpsAdmin/mallory';

interface Notification {
  invocation: number;
  sink: string;
  ok: boolean;
  sent: Record<string, unknown>;
  answer: Record<string, unknown>;
}

interface Report {
  notifications: Notification[];
  sinks?: { endpoint: string; topicArn: string; busArn: string };
}

/** Whether a TCP connection to the URL's port is accepted. */
function accepts(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: Number(new URL(url).port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const stderrLines = (run: Run): string[] =>
  run.stderr.split('\n').filter((line) => line.startsWith('[runner]'));

describe('The local runner with --moto', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'runner-moto-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const readReport = async (path: string): Promise<Report> =>
    JSON.parse(await readFile(path, 'utf8')) as Report;

  it("reports each sink's payload and answer, and stops moto afterwards", async () => {
    // Prepare
    const path = join(dir, 'moto.json');

    // Act
    const run = await runRunner(['--moto', '--report', path], { timeoutMs: 60_000 });

    // Assess
    expect(run.code).toBe(0);
    const [result] = resultLines(run);
    expect(result).toMatchObject({
      incident: { severity: 'HIGH', trigger: { actor: { arn: ACTOR } } },
    });
    const { notifications, sinks } = await readReport(path);
    expect(sinks?.topicArn).toBe(
      'arn:aws:sns:us-east-1:012345678912:lake-ingestion-guard-incidents',
    );
    expect(sinks?.busArn).toBe(
      'arn:aws:events:us-east-1:012345678912:event-bus/lake-ingestion-guard',
    );
    expect(notifications.map(({ invocation, sink, ok }) => ({ invocation, sink, ok }))).toEqual([
      { invocation: 1, sink: 'sns', ok: true },
      { invocation: 1, sink: 'eventbridge', ok: true },
      { invocation: 1, sink: 'securityhub', ok: true },
    ]);
    const [sns, events, hub] = notifications;
    expect(sns?.sent).toMatchObject({ TopicArn: sinks?.topicArn });
    expect(JSON.parse(String(sns?.sent.Message))).toMatchObject({
      stores: [expect.objectContaining({ eventDataStore: MANAGED_ARN, action: 'resumed' })],
    });
    expect(sns?.answer).toEqual({ MessageId: expect.any(String) });
    expect(events?.answer).toEqual({ EventId: expect.any(String), FailedEntryCount: 0 });
    expect(hub?.answer).toEqual({ imported: 1, archived: 0, failed: 0 });
    expect(stderrLines(run)).toEqual(
      expect.arrayContaining([
        `[runner] moto ${sinks?.endpoint}: topic ${sinks?.topicArn}, bus ${sinks?.busArn}, Security Hub enabled`,
        expect.stringMatching(/^\[runner\] invocation 1: incident HIGH: Ingestion stopped by /),
        expect.stringMatching(/^\[runner\] {3}sns: sent, answer \{"MessageId":/),
      ]),
    );
    expect(await accepts(sinks?.endpoint ?? '')).toBe(false);
  });

  it('reports the notifications once over --times 2: the second result is the stored one', async () => {
    // Prepare
    const path = join(dir, 'times.json');

    // Act
    const run = await runRunner(['--moto', '--times', '2', '--report', path], {
      timeoutMs: 60_000,
    });

    // Assess
    expect(run.code).toBe(0);
    const { notifications } = await readReport(path);
    expect(notifications.map((n) => n.invocation)).toEqual([1, 1, 1]);
    expect(stderrLines(run)).toContain(
      '[runner] invocation 2: incident HIGH: Ingestion stopped by arn:aws:sts::012345678912:assumed-role/DevOpsAdmin/mallory on security-audit-trail: resumed (the stored result of an earlier invocation: nothing sent again)',
    );
  });

  it('exits 2 naming moto and requirements-dev.txt when moto is not installed', async () => {
    // Prepare: a python3 first on the PATH that cannot import moto
    const env = await withoutMoto(dir);

    // Act
    const run = await runRunner(['--moto'], { env });

    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(
      "[runner] moto's server is needed for this: pip install -r requirements-dev.txt (moto[server])",
    );
    expect(run.stderr).toContain("No module named 'moto'");
  });

  it('exits 2 when env.json turns a sink on without --moto: it would reach AWS', async () => {
    // Prepare
    const envFile = join(dir, 'env.json');
    const envJson = JSON.parse(await readFile('env.json', 'utf8')) as {
      IngestionGuardFunction: Record<string, string>;
    };
    envJson.IngestionGuardFunction.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:012345678912:t';
    envJson.IngestionGuardFunction.SECURITY_HUB = 'true';
    await writeFile(envFile, JSON.stringify(envJson));

    // Act
    const run = await runRunner(['-n', envFile]);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(
      '[runner] NOTIFY_TOPIC_ARN, SECURITY_HUB set: the function would notify AWS itself; add --moto',
    );
  });

  it('refuses --moto with --aws', async () => {
    // Act
    const run = await runRunner(['--moto', '--aws']);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('[runner] --moto goes without --aws\n');
  });
});
