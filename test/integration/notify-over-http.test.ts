/**
 * Notifications end to end: the real handler module, over HTTP, against the CloudTrail Lake
 * emulator, an embedded DynamoDB (idempotency and state tables) and moto's server (SNS with an
 * SQS subscription, an EventBridge bus with a rule to an SQS queue, Security Hub). What a
 * subscriber receives is read back from moto, not from the function's own report.
 */

import { writeFile } from 'node:fs/promises';
import { CloudTrailClient, StopEventDataStoreIngestionCommand } from '@aws-sdk/client-cloudtrail';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSinks, type Sinks, sinkEndpoints } from '../../local/notification-sinks.js';
import type { Incident } from '../../src/incident.js';
import type { SinkReport } from '../../src/notify/notify.js';
import type { ResumeResult } from '../../src/types.js';
import { captureOutput } from '../support/capture-output.js';
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
import {
  allFindings,
  type Moto,
  routeToQueue,
  startMoto,
  subscribeQueue,
  type TestQueue,
} from '../support/moto.js';

type Result = ResumeResult & { incident?: Incident; notifications?: SinkReport[] };
/** What an SQS subscriber of the topic receives (raw delivery off). */
interface SnsEnvelope {
  readonly TopicArn: string;
  readonly Message: string;
  readonly MessageAttributes: { readonly severity: { readonly Value: string } };
}
/** What the rule's SQS target receives. */
interface BusEvent {
  readonly detail: Incident;
}
interface Received {
  readonly sns: SnsEnvelope[];
  readonly events: BusEvent[];
  readonly findings: AwsSecurityFinding[];
}

/** Set to a path, the run writes what each sink's subscriber received there (docs/notifications.md). */
const PAYLOADS_FILE = process.env.NOTIFY_PAYLOADS_FILE;
const payloads: Record<string, unknown> = {};

const ACTOR = 'arn:aws:sts::012345678912:assumed-role/DevOpsAdmin/mallory';
const SOURCE_IP = '203.0.113.77';
/** Stores of their own, so that no test sees another's stops. */
const STORE = {
  redelivered: storeArn('0a1b2c3d-0000-4000-8000-000000000001'),
  restopped: storeArn('0a1b2c3d-0000-4000-8000-000000000002'),
  failingSink: storeArn('0a1b2c3d-0000-4000-8000-000000000003'),
  healed: storeArn('0a1b2c3d-0000-4000-8000-000000000004'),
} as const;
const idOf = (arn: string): string => arn.split('/').at(-1) ?? '';

let moto: Moto;
let stack: LocalStack;
let sinks: Sinks;
let topicQueue: TestQueue;
let busQueue: TestQueue;

/** The sample EventBridge record of a StopEventDataStoreIngestion call, on `arn`, with `eventID`. */
function stopEvent(arn: string, eventID: string): unknown {
  const event = structuredClone(readEvent('eventbridge-stop.json')) as {
    id: string;
    detail: { eventID: string; requestParameters: { eventDataStore: string } };
  };
  event.id = `delivery-${eventID}`;
  event.detail.eventID = eventID;
  event.detail.requestParameters.eventDataStore = arn;
  return event;
}

/** Stops the store in the emulator, as the actor did, and waits until it is stopped. */
async function stopInEmulator(arn: string): Promise<void> {
  const client = new CloudTrailClient({ endpoint: stack.emulator.url, region: REGION });
  await client.send(new StopEventDataStoreIngestionCommand({ EventDataStore: arn }));
  client.destroy();
  await vi.waitFor(() => expect(stack.statusOf(arn)).toBe('STOPPED_INGESTION'), {
    timeout: 5_000,
    interval: 50,
  });
}

/** Reads the queue until it gave `count` messages, then once more to see there are no more. */
async function drain(queue: TestQueue, count: number): Promise<unknown[]> {
  const messages: { Body: string }[] = [];
  for (let round = 0; round < 10 && messages.length < count; round++) {
    messages.push(...(await queue.receive(1)));
  }
  messages.push(...(await queue.receive(0)));
  return messages.map((message) => JSON.parse(message.Body) as unknown);
}

/**
 * What the SNS subscriber and the EventBridge target received of a store (waiting for `expected`
 * messages on each), and the findings Security Hub holds on it.
 */
async function received(arn: string, expected = { sns: 1, events: 1 }): Promise<Received> {
  const about = (text: string) => text.includes(arn);
  const sns = (await drain(topicQueue, expected.sns)) as SnsEnvelope[];
  const events = (await drain(busQueue, expected.events)) as BusEvent[];
  const findings = (await allFindings(moto.endpoint, REGION)).filter((finding) =>
    finding.Resources?.some((resource) => resource.Id === arn),
  );
  return {
    sns: sns.filter((envelope) => about(envelope.Message)),
    events: events.filter((event) => about(JSON.stringify(event.detail))),
    findings,
  };
}

const captureAll = () => captureOutput([process.stdout, process.stderr]);

const withHandler = (env: Record<string, string> = {}) =>
  stack.loadHandler({
    NOTIFY_TOPIC_ARN: sinks.topicArn,
    NOTIFY_EVENT_BUS: 'lake-ingestion-guard',
    SECURITY_HUB: 'true',
    ...sinkEndpoints(moto.endpoint),
    ...env,
  });

const invoke = async (event: unknown, env: Record<string, string> = {}): Promise<Result> =>
  (await (
    await withHandler(env)
  )(event, stack.context())) as Result;

beforeAll(async () => {
  moto = await startMoto({ accountId: ACCOUNT });
  sinks = await createSinks(moto.endpoint, REGION);
  topicQueue = await subscribeQueue(moto.endpoint, REGION, sinks.topicArn, 'incidents-sns');
  busQueue = await routeToQueue(
    moto.endpoint,
    REGION,
    { name: 'lake-ingestion-guard', source: 'lake-ingestion-guard' },
    'incidents-events',
  );
  stack = await startLocalStack({
    stores: [...sampleStores(), ...Object.values(STORE).map((arn) => makeStore(idOf(arn)))],
  });
}, 60_000);

afterAll(async () => {
  await stack?.close();
  await moto?.stop();
  if (PAYLOADS_FILE !== undefined) {
    await writeFile(PAYLOADS_FILE, `${JSON.stringify(payloads, null, 2)}\n`);
  }
});

beforeEach(() => {
  vi.restoreAllMocks();
});

/** The actor, the source IP, the store and the outcome, as each sink's payload must carry them. */
function expectTheStop(got: Received, arn: string): void {
  const incident = JSON.parse(got.sns[0]?.Message ?? '{}') as Incident;
  for (const told of [incident, got.events[0]?.detail]) {
    expect(told).toMatchObject({
      trigger: { actor: { arn: ACTOR }, sourceIPAddress: SOURCE_IP },
      stores: [expect.objectContaining({ eventDataStore: arn, action: 'resumed' })],
    });
  }
  expect(got.findings[0]?.Resources?.[0]).toMatchObject({
    Id: arn,
    Details: { Other: { actor: ACTOR, sourceIPAddress: SOURCE_IP, action: 'resumed' } },
  });
  expect(got.findings[0]?.RecordState).toBe('ACTIVE');
}

describe('Function: handler, notifying over HTTP (emulator, DynamoDB, moto)', () => {
  it('sends one SNS message, one EventBridge event and one Security Hub finding for a stop by a named actor', async () => {
    // Prepare
    const event = stopEvent(MANAGED_ARN, 'a0000000-0000-4000-8000-000000000001');

    // Act
    const result = await invoke(event);

    // Assess
    expect(stack.statusOf(MANAGED_ARN)).toBe('ENABLED');
    expect(result.notifications?.map(({ sink, ok }) => ({ sink, ok }))).toEqual([
      { sink: 'sns', ok: true },
      { sink: 'eventbridge', ok: true },
      { sink: 'securityhub', ok: true },
    ]);
    const got = await received(MANAGED_ARN);
    expect([got.sns.length, got.events.length, got.findings.length]).toEqual([1, 1, 1]);
    expectTheStop(got, MANAGED_ARN);
    expect(got.sns[0]).toMatchObject({
      TopicArn: sinks.topicArn,
      MessageAttributes: { severity: { Type: 'String', Value: 'HIGH' } },
    });
    payloads.sns = got.sns[0];
    payloads.eventbridge = got.events[0];
    payloads.securityhub = got.findings[0];
    payloads.notifications = result.notifications;
  });

  it('sends nothing again when the same event is delivered again', async () => {
    // Prepare
    const event = stopEvent(STORE.redelivered, 'a0000000-0000-4000-8000-000000000002');
    const first = await invoke(event);
    const before = await received(STORE.redelivered);

    // Act
    const again = await invoke(event);

    // Assess
    expect(again).toEqual(first);
    const after = await received(STORE.redelivered, { sns: 0, events: 0 });
    expect([before.sns.length, before.events.length, before.findings.length]).toEqual([1, 1, 1]);
    expect([after.sns.length, after.events.length]).toEqual([0, 0]);
    expect(after.findings).toEqual(before.findings);
  });

  it('makes the third stop of a store within the window a CRITICAL incident with repeated-stops', async () => {
    // Prepare: the store is stopped before each of three distinct stop events
    const events = [1, 2, 3].map((n) =>
      stopEvent(STORE.restopped, `b0000000-0000-4000-8000-00000000000${n}`),
    );
    const results: Result[] = [];

    // Act
    for (const [n, event] of events.entries()) {
      if (n > 0) await stopInEmulator(STORE.restopped);
      results.push(await invoke(event));
    }

    // Assess
    expect(results.map((result) => result.incident?.severity)).toEqual([
      'HIGH',
      'HIGH',
      'CRITICAL',
    ]);
    expect(results[2]?.incident?.stores[0]?.findings).toEqual([
      expect.objectContaining({ kind: 'repeated-stops', after: 3, severity: 'CRITICAL' }),
    ]);
    const got = await received(STORE.restopped, { sns: 3, events: 3 });
    expect(got.sns.map((envelope) => envelope.MessageAttributes.severity.Value)).toEqual([
      'HIGH',
      'HIGH',
      'CRITICAL',
    ]);
    expect(got.findings.map((finding) => finding.Severity?.Label).sort()).toEqual([
      'CRITICAL',
      'HIGH',
    ]);
  });

  it('still resumes, succeeds and says which sink failed when a sink fails', async () => {
    // Prepare: a topic that does not exist
    const handler = await withHandler({
      NOTIFY_TOPIC_ARN: `arn:aws:sns:${REGION}:${ACCOUNT}:no-such-topic`,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_METRICS_DISABLED: 'false',
      POWERTOOLS_METRICS_NAMESPACE: 'Test',
    });
    const output = captureAll();
    const event = stopEvent(STORE.failingSink, 'c0000000-0000-4000-8000-000000000001');

    // Act
    const result = (await handler(event, stack.context())) as Result;

    // Assess
    expect(stack.statusOf(STORE.failingSink)).toBe('ENABLED');
    expect(result.summary).toMatchObject({ resumed: 1, failed: 0 });
    expect(
      result.notifications?.map(({ sink, ok, errorName }) => ({ sink, ok, errorName })),
    ).toEqual([
      { sink: 'sns', ok: false, errorName: 'NotFoundException' },
      { sink: 'eventbridge', ok: true, errorName: undefined },
      { sink: 'securityhub', ok: true, errorName: undefined },
    ]);
    const lines = output.lines();
    expect(lines.find((line) => line.message === 'notification failed')).toMatchObject({
      level: 'ERROR',
      sink: 'sns',
      errorName: 'NotFoundException',
    });
    expect(lines.find((line) => '_aws' in line && 'NotificationFailures' in line)).toMatchObject({
      NotificationFailures: 1,
    });
    const got = await received(STORE.failingSink, { sns: 0, events: 1 });
    expect([got.sns.length, got.events.length, got.findings.length]).toEqual([0, 1, 1]);
  });

  it('archives the Security Hub finding of a store a later sweep finds healthy', async () => {
    // Prepare: a stop leaves an active finding; the store is ingesting again afterwards
    await invoke(stopEvent(STORE.healed, 'd0000000-0000-4000-8000-000000000001'));
    const [active] = (await received(STORE.healed)).findings;

    // Act
    const sweep = await invoke(readEvent('schedule-scheduler-default.json'));

    // Assess
    expect(active?.RecordState).toBe('ACTIVE');
    expect(sweep.stores.find((store) => store.eventDataStore === STORE.healed)).toMatchObject({
      action: 'skipped',
      reason: 'already-ingesting',
    });
    expect(sweep.notifications?.find((report) => report.sink === 'securityhub')).toMatchObject({
      ok: true,
      answer: expect.objectContaining({ archived: expect.any(Number) }),
    });
    const [after] = (await allFindings(moto.endpoint, REGION)).filter(
      (finding) => finding.Id === active?.Id,
    );
    expect(after).toMatchObject({ RecordState: 'ARCHIVED', Severity: { Label: 'HIGH' } });
    payloads.archived = sweep.notifications?.find((report) => report.sink === 'securityhub');
  });
});
