import { writeFile } from 'node:fs/promises';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  EnableSecurityHubCommand,
  GetFindingsCommand,
  type ImportFindingsError,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import {
  CreateTopicCommand,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../src/incident.js';
import { createNotifier, type NotifierSettings, type SinkReport } from '../../src/notify/notify.js';
import { subjectOf } from '../../src/notify/sns-sink.js';
import type { StoreResult } from '../../src/types.js';
import {
  ACCOUNT,
  ATTACKER,
  AUDIT_ARN,
  incidentOf,
  REGION,
  retentionLowered,
  SCHEDULE_REQUEST,
  store,
  storeArn,
} from '../support/incident-cases.js';
import {
  createQueue,
  MOTO_CREDENTIALS,
  type Moto,
  startMoto,
  type TestQueue,
} from '../support/moto.js';

/** Set to a path, the test run writes one payload of each sink there (docs/notifications.md). */
const PAYLOADS_FILE = process.env.NOTIFY_PAYLOADS_FILE;
const payloads: Record<string, unknown> = {};

const DRIFTED_ARN = storeArn('7c9d2e41-aaaa-4bbb-8ccc-0123456789ab');
const DRIFTED: StoreResult = { ...retentionLowered(DRIFTED_ARN), name: 'org-lake' };

/** The incident as a subscriber gets it: through JSON. */
const asJson = (incident: Incident): unknown => JSON.parse(JSON.stringify(incident));

const deadline = (): AbortSignal => AbortSignal.timeout(20_000);

let moto: Moto;
let config: { region: string; endpoint: string; credentials: typeof MOTO_CREDENTIALS };

/** Sink settings pointing at moto; SECURITY_HUB off unless given. */
function settings(overrides: Partial<NotifierSettings>): NotifierSettings {
  return {
    securityHub: false,
    region: REGION,
    partition: 'aws',
    accountId: ACCOUNT,
    endpoints: { sns: moto.endpoint, eventbridge: moto.endpoint, securityhub: moto.endpoint },
    ...overrides,
  };
}

function notifierOf(overrides: Partial<NotifierSettings>) {
  const notifier = createNotifier(settings(overrides));
  if (notifier === undefined) throw new Error('the test expects a notifier');
  return notifier;
}

/** Reads the queue until it has given `count` messages, then once more to see there are no more. */
async function drain(queue: TestQueue, count: number): Promise<{ Body: string }[]> {
  const messages: { Body: string }[] = [];
  for (let round = 0; round < 10 && messages.length < count; round++) {
    messages.push(...(await queue.receive(1)));
  }
  messages.push(...(await queue.receive(1)));
  return messages;
}

async function createTopicQueue(name: string): Promise<{ topicArn: string; queue: TestQueue }> {
  const sns = new SNSClient(config);
  const { TopicArn: topicArn = '' } = await sns.send(new CreateTopicCommand({ Name: name }));
  const queue = await createQueue(moto.endpoint, REGION, `${name}-queue`);
  await queue.allow('sns.amazonaws.com', topicArn);
  await sns.send(
    new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn }),
  );
  return { topicArn, queue };
}

async function createBusQueue(name: string): Promise<{ busArn: string; queue: TestQueue }> {
  const events = new EventBridgeClient(config);
  const { EventBusArn: busArn = '' } = await events.send(new CreateEventBusCommand({ Name: name }));
  const { RuleArn: ruleArn = '' } = await events.send(
    new PutRuleCommand({
      Name: `${name}-incidents`,
      EventBusName: name,
      EventPattern: JSON.stringify({ source: ['lake-ingestion-guard'] }),
    }),
  );
  const queue = await createQueue(moto.endpoint, REGION, `${name}-queue`);
  await queue.allow('events.amazonaws.com', ruleArn);
  await events.send(
    new PutTargetsCommand({
      Rule: `${name}-incidents`,
      EventBusName: name,
      Targets: [{ Id: 'queue', Arn: queue.arn }],
    }),
  );
  return { busArn, queue };
}

/** Every finding Security Hub holds (moto ignores GetFindings filters: the test filters itself). */
async function allFindings(): Promise<AwsSecurityFinding[]> {
  const hub = new SecurityHubClient(config);
  const findings: AwsSecurityFinding[] = [];
  let NextToken: string | undefined;
  do {
    const page = await hub.send(
      new GetFindingsCommand({ MaxResults: 100, ...(NextToken && { NextToken }) }),
    );
    findings.push(...(page.Findings ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return findings;
}

const onStore = (arn: string) => (finding: AwsSecurityFinding) =>
  finding.Resources?.some((resource) => resource.Id === arn) === true;

beforeAll(async () => {
  moto = await startMoto();
  config = { region: REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS };
  await new SecurityHubClient(config).send(new EnableSecurityHubCommand({}));
}, 60_000);

afterAll(async () => {
  await moto?.stop();
  if (PAYLOADS_FILE !== undefined)
    await writeFile(PAYLOADS_FILE, `${JSON.stringify(payloads, null, 2)}\n`);
});

describe('Notifier: SNS, over HTTP to moto', () => {
  it('publishes exactly one message: the incident, with a subject and the severity attribute', async () => {
    // Prepare
    const { topicArn, queue } = await createTopicQueue('guard-incidents');
    const incident = incidentOf([store(), DRIFTED]);

    // Act
    const reports = await notifierOf({ topicArn }).notify(incident, [], deadline());

    // Assess
    expect(reports).toEqual([
      {
        sink: 'sns',
        ok: true,
        sent: expect.objectContaining({ TopicArn: topicArn }),
        answer: { MessageId: expect.any(String) },
      },
    ]);
    const messages = await drain(queue, 1);
    expect(messages).toHaveLength(1);
    const envelope = JSON.parse(messages[0]?.Body ?? '{}');
    expect(envelope).toMatchObject({
      Type: 'Notification',
      TopicArn: topicArn,
      Subject:
        '[HIGH] Ingestion stopped (+1 more) by assumed-role/Attacker/x on security-audit-trail, org-lake: ...',
      MessageAttributes: { severity: { Type: 'String', Value: 'HIGH' } },
    });
    expect(envelope.Subject).toHaveLength(100);
    expect(JSON.parse(envelope.Message)).toEqual(asJson(incident));
    payloads.sns = { sent: reports[0]?.sent, received: envelope };
  });

  it('keeps the subject printable ASCII on one line', async () => {
    // Prepare
    const { topicArn, queue } = await createTopicQueue('guard-subjects');
    const incident = incidentOf([store({ name: 'audit\nstore-ü' })]);

    // Act
    const [report] = await notifierOf({ topicArn }).notify(incident, [], deadline());

    // Assess
    expect(report?.ok).toBe(true);
    const [message] = await drain(queue, 1);
    const { Subject } = JSON.parse(message?.Body ?? '{}');
    expect(Subject).toBe(
      '[HIGH] Ingestion stopped by assumed-role/Attacker/x on audit store-?: resumed',
    );
    expect(subjectOf(incidentOf([store()], SCHEDULE_REQUEST))).toBe(
      '[HIGH] Ingestion stopped on security-audit-trail: resumed',
    );
  });
});

describe('Notifier: EventBridge, over HTTP to moto', () => {
  it('puts one event whose detail is the incident on the bus, by name or by ARN', async () => {
    // Prepare
    const { busArn, queue } = await createBusQueue('guard-bus');
    const incident = incidentOf([store()]);

    // Act
    const byName = await notifierOf({ eventBus: 'guard-bus' }).notify(incident, [], deadline());
    const byArn = await notifierOf({ eventBus: busArn }).notify(incident, [], deadline());

    // Assess
    for (const reports of [byName, byArn]) {
      expect(reports).toEqual([
        {
          sink: 'eventbridge',
          ok: true,
          sent: expect.anything(),
          answer: { EventId: expect.any(String), FailedEntryCount: 0 },
        },
      ]);
    }
    const events = (await drain(queue, 2)).map((message) => JSON.parse(message.Body));
    expect(events).toHaveLength(2);
    for (const event of events) {
      expect(event).toMatchObject({
        source: 'lake-ingestion-guard',
        'detail-type': 'Ingestion Guard Incident',
        time: '2026-11-25T03:00:00Z',
        region: REGION,
      });
      expect(event.detail).toEqual(asJson(incident));
    }
    payloads.eventbridge = { sent: byName[0]?.sent, received: events[0] };
  });
});

describe('Notifier: Security Hub, over HTTP to moto', () => {
  it('imports one finding per store and kind, saying who, from where, on what, and the outcome', async () => {
    // Prepare
    const incident = incidentOf([store(), DRIFTED]);

    // Act
    const [report] = await notifierOf({ securityHub: true }).notify(incident, [], deadline());

    // Assess
    expect(report).toMatchObject({
      sink: 'securityhub',
      ok: true,
      answer: { imported: 2, archived: 0, failed: 0 },
    });
    const findings = await allFindings();
    const stopped = findings.filter(onStore(AUDIT_ARN));
    const drifted = findings.filter(onStore(DRIFTED_ARN));
    expect(stopped.map((f) => f.GeneratorId)).toEqual(['lake-ingestion-guard/ingestion-stopped']);
    expect(drifted.map((f) => f.GeneratorId)).toEqual(['lake-ingestion-guard/retention-lowered']);
    for (const text of [ATTACKER, '203.0.113.7', AUDIT_ARN, 'Outcome: resumed']) {
      expect(stopped[0]?.Description).toContain(text);
    }
    expect(stopped[0]).toMatchObject({ RecordState: 'ACTIVE', Severity: { Label: 'HIGH' } });
    payloads.securityhub = {
      sent: (report?.sent as { imported: unknown[] } | undefined)?.imported[0],
      received: stopped[0],
    };
  });

  it('updates the same finding when the same incident is notified again', async () => {
    // Prepare
    const incident = incidentOf([store()]);
    const notifier = notifierOf({ securityHub: true });
    await notifier.notify(incident, [], deadline());
    const [before] = (await allFindings()).filter(onStore(AUDIT_ARN));
    await new Promise((resolve) => setTimeout(resolve, 20));

    // Act
    const [report] = await notifier.notify(incident, [], deadline());

    // Assess
    expect(report?.ok).toBe(true);
    const after = (await allFindings()).filter(onStore(AUDIT_ARN));
    expect(after).toHaveLength(1);
    expect(after[0]?.Id).toBe(before?.Id);
    expect(Date.parse(after[0]?.UpdatedAt ?? '')).toBeGreaterThan(
      Date.parse(before?.UpdatedAt ?? ''),
    );
  });

  it('archives the active findings of the stores found healthy, and only theirs', async () => {
    // Prepare
    const notifier = notifierOf({ securityHub: true });
    const [ours] = await notifier.notify(incidentOf([store(), DRIFTED]), [], deadline());
    const [imported] =
      (ours?.sent as { imported: AwsSecurityFinding[] } | undefined)?.imported ?? [];
    const foreign = {
      ...imported,
      Id: 'another-tool/finding-1',
      GeneratorId: 'another-tool/check',
    };
    await new SecurityHubClient(config).send(
      new BatchImportFindingsCommand({ Findings: [foreign as AwsSecurityFinding] }),
    );

    // Act
    const [report] = await notifier.notify(undefined, [AUDIT_ARN], deadline());

    // Assess
    expect(report).toMatchObject({
      sink: 'securityhub',
      ok: true,
      answer: { imported: 0, archived: 1, failed: 0 },
    });
    const findings = await allFindings();
    expect(findings.filter(onStore(AUDIT_ARN)).map((f) => [f.GeneratorId, f.RecordState])).toEqual([
      ['lake-ingestion-guard/ingestion-stopped', 'ARCHIVED'],
      ['another-tool/check', 'ACTIVE'],
    ]);
    expect(findings.filter(onStore(DRIFTED_ARN)).map((f) => f.RecordState)).toEqual(['ACTIVE']);
    payloads.securityhubArchived = (
      report?.sent as { archived: unknown[] } | undefined
    )?.archived[0];
  });

  it('imports more than 100 findings in batches and archives them all again', async () => {
    // Prepare
    const arns = Array.from({ length: 101 }, (_, i) =>
      storeArn(`batch-${String(i).padStart(3, '0')}`),
    );
    const incident = incidentOf(
      arns.map((arn) => store({ eventDataStore: arn, name: arn.slice(-9) })),
    );
    const notifier = notifierOf({ securityHub: true });

    // Act
    const [imported] = await notifier.notify(incident, [], deadline());
    const [archived] = await notifier.notify(undefined, arns, deadline());

    // Assess
    expect(imported?.answer).toEqual({ imported: 101, archived: 0, failed: 0 });
    expect(archived?.answer).toEqual({ imported: 0, archived: 101, failed: 0 });
    const ours = (await allFindings()).filter((f) => arns.some((arn) => onStore(arn)(f)));
    expect(ours).toHaveLength(101);
    expect(ours.every((f) => f.RecordState === 'ARCHIVED')).toBe(true);
  });
});

describe('Notifier: a failing sink', () => {
  it('reports the failure with its error name while the other sinks still deliver', async () => {
    // Prepare
    const { queue } = await createBusQueue('guard-bus-2');
    const missingTopic = `arn:aws:sns:${REGION}:${ACCOUNT}:no-such-topic`;
    const notifier = notifierOf({
      topicArn: missingTopic,
      eventBus: 'guard-bus-2',
      securityHub: true,
    });

    // Act
    const reports = await notifier.notify(incidentOf([store()]), [], deadline());

    // Assess
    const bySink = Object.fromEntries(reports.map((report) => [report.sink, report]));
    expect(bySink.sns).toEqual({
      sink: 'sns',
      ok: false,
      errorName: 'NotFoundException',
      errorMessage: expect.any(String),
    });
    expect(bySink.eventbridge?.ok).toBe(true);
    expect(bySink.securityhub?.ok).toBe(true);
    expect(await drain(queue, 1)).toHaveLength(1);
  });

  it('reports a bus that does not exist, and an expired deadline, without throwing', async () => {
    // Prepare
    const notifier = notifierOf({ eventBus: 'no-such-bus' });
    const expired = AbortSignal.abort();

    // Act
    const missing = await notifier.notify(incidentOf([store()]), [], deadline());
    const late = await notifierOf({ securityHub: true }).notify(incidentOf([store()]), [], expired);

    // Assess
    expect(missing).toEqual([
      {
        sink: 'eventbridge',
        ok: false,
        errorName: 'ResourceNotFoundException',
        errorMessage: expect.any(String),
      },
    ]);
    expect(late).toEqual([
      { sink: 'securityhub', ok: false, errorName: 'AbortError', errorMessage: expect.any(String) },
    ]);
  });
});

describe('Notifier: answers moto does not give (the SDK clients mocked)', () => {
  it.each([
    [
      'with its entry error',
      [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }],
      { errorName: 'ThrottlingException', errorMessage: 'Rate exceeded' },
    ],
    [
      'without one',
      [],
      { errorName: 'FailedEntry', errorMessage: 'EventBridge did not take the event' },
    ],
  ])('reports an event EventBridge did not take %s', async (_, Entries, error) => {
    // Prepare
    const events = mockClient(EventBridgeClient);
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries });

    // Act
    const reports = await notifierOf({ eventBus: 'guard-bus' }).notify(
      incidentOf([store()]),
      [],
      deadline(),
    );
    events.restore();

    // Assess
    expect(reports).toEqual([
      {
        sink: 'eventbridge',
        ok: false,
        sent: expect.anything(),
        answer: { EventId: undefined, FailedEntryCount: 1 },
        ...error,
      },
    ]);
  });

  it.each([
    [
      'with the first one’s error',
      { Id: 'x', ErrorCode: 'InvalidInput', ErrorMessage: 'Title too long' },
      { errorName: 'InvalidInput', errorMessage: '1 finding(s) not imported: x: Title too long' },
    ],
    [
      'without one',
      { Id: 'x' } as ImportFindingsError,
      { errorName: 'FailedFindings', errorMessage: '1 finding(s) not imported: x: undefined' },
    ],
  ])('reports findings Security Hub did not import %s', async (_, failure, error) => {
    // Prepare
    const hub = mockClient(SecurityHubClient);
    hub
      .on(BatchImportFindingsCommand)
      .resolves({ FailedCount: 1, SuccessCount: 0, FailedFindings: [failure] });

    // Act
    const [report] = await notifierOf({ securityHub: true }).notify(
      incidentOf([store()]),
      [],
      deadline(),
    );
    hub.restore();

    // Assess
    expect(report).toMatchObject({
      sink: 'securityhub',
      ok: false,
      answer: { imported: 1, failed: 1 },
      ...error,
    });
  });

  it('reports a rejection that is no Error by its text', async () => {
    // Prepare
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).callsFake(() => Promise.reject('connection refused'));

    // Act
    const reports = await notifierOf({ topicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:t` }).notify(
      incidentOf([store()]),
      [],
      deadline(),
    );
    sns.restore();

    // Assess
    expect(reports).toEqual([
      { sink: 'sns', ok: false, errorName: 'Error', errorMessage: 'connection refused' },
    ]);
  });
});

describe('Function: createNotifier', () => {
  it('builds no notifier when no sink is configured', () => {
    // Act
    const notifier = createNotifier({
      securityHub: false,
      region: REGION,
      partition: 'aws',
      accountId: ACCOUNT,
    });

    // Assess
    expect(notifier).toBeUndefined();
  });

  it('sends nothing when there is neither an incident nor a healthy store', async () => {
    // Prepare
    const notifier = notifierOf({
      topicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:t`,
      eventBus: 'b',
      securityHub: true,
    });

    // Act
    const reports: SinkReport[] = await notifier.notify(undefined, [], deadline());

    // Assess
    expect(reports).toEqual([]);
  });
});
