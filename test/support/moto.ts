/**
 * moto's server (local/moto-server.ts) as a stand-in for SNS, SQS, EventBridge and Security Hub
 * in tests: one process per test file, on a free port of 127.0.0.1, stopped afterwards. moto
 * keeps everything in memory, accepts any credentials and puts every resource in account
 * 123456789012 (unless started with `accountId`).
 * Queues are read over SQS's JSON protocol with `fetch` (the project has no SQS client).
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  type AwsSecurityFinding,
  GetFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';

export { type Moto, type MotoOptions, startMoto } from '../../local/moto-server.js';

export const MOTO_CREDENTIALS = {
  accessKeyId: 'AKIDMOTOTEST',
  secretAccessKey: 'moto-test-secret',
};

/** One SQS JSON-protocol call to moto (which reads the region from the credential scope). */
async function sqs<T>(endpoint: string, region: string, action: string, input: object): Promise<T> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AmazonSQS.${action}`,
      authorization: `AWS4-HMAC-SHA256 Credential=${MOTO_CREDENTIALS.accessKeyId}/20260101/${region}/sqs/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(input),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`SQS ${action}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

export interface TestQueue {
  readonly url: string;
  readonly arn: string;
  /** Lets `service` (`sns.amazonaws.com`, `events.amazonaws.com`) send from `sourceArn`. */
  allow(service: string, sourceArn: string): Promise<void>;
  /** Every message received within `waitSeconds` (long polling, up to 10 per call). */
  receive(waitSeconds?: number): Promise<{ Body: string }[]>;
}

/** Creates an SQS queue in moto. */
export async function createQueue(
  endpoint: string,
  region: string,
  name: string,
): Promise<TestQueue> {
  const { QueueUrl: url } = await sqs<{ QueueUrl: string }>(endpoint, region, 'CreateQueue', {
    QueueName: name,
  });
  const { Attributes } = await sqs<{ Attributes: { QueueArn: string } }>(
    endpoint,
    region,
    'GetQueueAttributes',
    { QueueUrl: url, AttributeNames: ['QueueArn'] },
  );
  const arn = Attributes.QueueArn;
  return {
    url,
    arn,
    allow: async (service, sourceArn) => {
      const Policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: service },
            Action: 'sqs:SendMessage',
            Resource: arn,
            Condition: { ArnEquals: { 'aws:SourceArn': sourceArn } },
          },
        ],
      });
      await sqs(endpoint, region, 'SetQueueAttributes', { QueueUrl: url, Attributes: { Policy } });
    },
    receive: async (waitSeconds = 1) => {
      const out = await sqs<{ Messages?: { Body: string }[] }>(endpoint, region, 'ReceiveMessage', {
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: waitSeconds,
      });
      return out.Messages ?? [];
    },
  };
}

const clientConfig = (endpoint: string, region: string) => ({
  endpoint,
  region,
  credentials: MOTO_CREDENTIALS,
});

/** A queue subscribed to the topic (raw delivery off: each message is SNS's JSON envelope). */
export async function subscribeQueue(
  endpoint: string,
  region: string,
  topicArn: string,
  name: string,
): Promise<TestQueue> {
  const queue = await createQueue(endpoint, region, name);
  await queue.allow('sns.amazonaws.com', topicArn);
  const sns = new SNSClient(clientConfig(endpoint, region));
  await sns.send(
    new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn }),
  );
  sns.destroy();
  return queue;
}

/** A queue that a rule on the bus sends every event of `source` to. */
export async function routeToQueue(
  endpoint: string,
  region: string,
  bus: { readonly name: string; readonly source: string },
  name: string,
): Promise<TestQueue> {
  const events = new EventBridgeClient(clientConfig(endpoint, region));
  const rule = { Name: `${name}-rule`, EventBusName: bus.name };
  const { RuleArn: ruleArn = '' } = await events.send(
    new PutRuleCommand({ ...rule, EventPattern: JSON.stringify({ source: [bus.source] }) }),
  );
  const queue = await createQueue(endpoint, region, name);
  await queue.allow('events.amazonaws.com', ruleArn);
  await events.send(
    new PutTargetsCommand({
      Rule: rule.Name,
      EventBusName: bus.name,
      Targets: [{ Id: 'queue', Arn: queue.arn }],
    }),
  );
  events.destroy();
  return queue;
}

/** Every finding Security Hub holds (moto ignores GetFindings filters: filter the answer). */
export async function allFindings(endpoint: string, region: string): Promise<AwsSecurityFinding[]> {
  const hub = new SecurityHubClient(clientConfig(endpoint, region));
  const findings: AwsSecurityFinding[] = [];
  let NextToken: string | undefined;
  do {
    const page = await hub.send(
      new GetFindingsCommand({ MaxResults: 100, ...(NextToken && { NextToken }) }),
    );
    findings.push(...(page.Findings ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  hub.destroy();
  return findings;
}

/**
 * The environment of a machine without moto: a `python3` first on the PATH (in `dir`) that
 * cannot import it.
 */
export async function withoutMoto(dir: string): Promise<Record<string, string>> {
  const bin = join(dir, 'no-moto-bin');
  await mkdir(bin, { recursive: true });
  const python = join(bin, 'python3');
  await writeFile(
    python,
    `#!/bin/sh\necho "ModuleNotFoundError: No module named 'moto'" >&2\nexit 1\n`,
  );
  await chmod(python, 0o755);
  return { PATH: `${bin}:${process.env.PATH ?? ''}` };
}
