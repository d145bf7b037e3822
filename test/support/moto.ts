/**
 * moto's server (`python3 -m moto.server`) as a stand-in for SNS, SQS, EventBridge and Security
 * Hub: one process per test file, on a free port of 127.0.0.1, stopped afterwards. moto keeps
 * everything in memory, accepts any credentials and puts every resource in account 123456789012.
 * Queues are read over SQS's JSON protocol with `fetch` (the project has no SQS client).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';

export const MOTO_CREDENTIALS = {
  accessKeyId: 'AKIDMOTOTEST',
  secretAccessKey: 'moto-test-secret',
};

const PYTHON = 'python3';
const INSTALL_HINT =
  "moto's server is needed for this test: pip install -r requirements-dev.txt (moto[server])";

export interface Moto {
  /** `http://127.0.0.1:<port>`: every service's endpoint. */
  readonly endpoint: string;
  /** Kills the server and resolves once it exited. */
  stop(): Promise<void>;
}

/** Throws naming moto and how to install it when Python cannot import moto's server. */
async function checkMotoInstalled(): Promise<void> {
  try {
    await promisify(execFile)(PYTHON, ['-c', 'import moto, moto.server']);
  } catch (error) {
    const reason =
      (error as { stderr?: string }).stderr?.trim().split('\n').at(-1) ?? String(error);
    throw new Error(`${INSTALL_HINT} (python3 -c "import moto.server" failed: ${reason})`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));

/** Resolves once the server answers HTTP; rejects when it exits first or after `ms`. */
async function answering(endpoint: string, child: ChildProcess, ms: number, output: () => string) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null)
      throw new Error(`moto server exited ${child.exitCode}: ${output()}`);
    try {
      await fetch(`${endpoint}/moto-api/data.json`);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`moto server did not answer within ${ms} ms: ${output()}`);
}

/** Starts moto's server; resolves once it answers. */
export async function startMoto(): Promise<Moto> {
  await checkMotoInstalled();
  const port = await freePort();
  const child = spawn(PYTHON, ['-m', 'moto.server', '-p', String(port), '-H', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output = (output + chunk).slice(-4_000);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output = (output + chunk).slice(-4_000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.kill('SIGTERM');
    await exited(child);
  };
  try {
    await answering(endpoint, child, 20_000, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, stop };
}

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
