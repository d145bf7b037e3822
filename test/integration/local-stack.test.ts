/**
 * `npm run local-stack` as a user runs it, in a child process: what it serves, where it listens,
 * what it prints, and that it stops cleanly. It runs on free ports here (`--port 0`), so that a
 * stack the user left running on the default ports does not get in the way.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient, ListEventDataStoresCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DescribeEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DescribeHubCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PORT } from '../../local/local-servers.js';
import { type StackProcess, startStackProcess } from '../support/local-stack-process.js';
import { withoutMoto } from '../support/moto.js';

const CREDENTIALS = { accessKeyId: 'AKIDLOCALSTACKTEST', secretAccessKey: 'local-stack-test' };

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function storeArns(endpoint: string): Promise<string[]> {
  const client = new CloudTrailClient({ endpoint, region: 'us-east-1', credentials: CREDENTIALS });
  const page = await client.send(new ListEventDataStoresCommand({}));
  client.destroy();
  return (page.EventDataStores ?? []).map((store) => store.EventDataStoreArn ?? '');
}

const portOf = (url: string): number => Number(new URL(url).port);

describe('npm run local-stack', () => {
  let stack: StackProcess | undefined;

  afterEach(async () => {
    await stack?.stop('SIGKILL');
    stack = undefined;
  });

  it('prints its endpoints on 127.0.0.1 and the exact sam local invoke command', async () => {
    // Act
    stack = await startStackProcess(['--port', '0']);

    // Assess
    expect(stack.cloudtrail).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stack.dynamodb).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const command = stack.stdout.split('\n').find((line) => line.includes('sam local invoke'));
    expect(command?.trim()).toBe(
      'sam local invoke IngestionGuardFunction -e events/sns-stop-alert.json --env-vars env.json' +
        ` --region us-east-1${process.platform === 'linux' ? ' --add-host host.docker.internal:host-gateway' : ''}`,
    );
  });

  it('serves the stores moved to the account sam local gives the function, and env.json’s tables', async () => {
    // Prepare
    stack = await startStackProcess(['--port', '0']);
    const dynamo = new DynamoDBClient({
      endpoint: stack.dynamodb ?? '',
      region: 'us-east-1',
      credentials: CREDENTIALS,
    });

    // Act
    const arns = await storeArns(stack.cloudtrail);
    const { TableNames } = await dynamo.send(new ListTablesCommand({}));
    const { Table: state } = await dynamo.send(
      new DescribeTableCommand({ TableName: 'lake-ingestion-guard-state' }),
    );
    dynamo.destroy();

    // Assess
    expect(arns).toHaveLength(7);
    expect(arns.every((arn) => arn.split(':')[4] === '012345678912')).toBe(true);
    expect(TableNames?.sort()).toEqual([
      'lake-ingestion-guard-idempotency',
      'lake-ingestion-guard-state',
    ]);
    expect(stack.stdout).toContain(
      'tables: lake-ingestion-guard-idempotency, lake-ingestion-guard-state',
    );
    expect(state?.KeySchema).toEqual([{ AttributeName: 'storeArn', KeyType: 'HASH' }]);
  });

  it('leaves the deleted store out of the listing with --list-pending-deletion=false', async () => {
    // Act
    stack = await startStackProcess(['--port', '0', '--list-pending-deletion=false']);

    // Assess
    const arns = await storeArns(stack.cloudtrail);
    expect(arns).toHaveLength(6);
    expect(arns.some((arn) => arn.endsWith('/c4d2e3f4-7a8b-4c9d-8e0f-2a3b4c5d6e7f'))).toBe(false);
  });

  it('moves the stores to --account', async () => {
    // Act
    stack = await startStackProcess(['--port', '0', '--account', '111122223333']);

    // Assess
    const arns = await storeArns(stack.cloudtrail);
    expect(arns.every((arn) => arn.split(':')[4] === '111122223333')).toBe(true);
    expect(stack.stdout).toContain('stores of account 111122223333 (moved from 012345678912)');
  });

  it('listens on 127.0.0.1 only, unless --host says otherwise', async () => {
    // Prepare: this machine's other addresses, if it has any
    stack = await startStackProcess(['--port', '0']);
    const port = portOf(stack.cloudtrail);
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((address) => address !== undefined && address.family === 'IPv4' && !address.internal)
      .map((address) => address?.address ?? '');

    // Act
    const loopback = await accepts('127.0.0.1', port);
    const elsewhere = await Promise.all(others.map((address) => accepts(address, port)));

    // Assess
    expect(loopback).toBe(true);
    expect(elsewhere.filter(Boolean)).toEqual([]);
  });

  it('warns in one line when --host 0.0.0.0 opens it to every interface', async () => {
    // Act
    stack = await startStackProcess(['--port', '0', '--host', '0.0.0.0']);

    // Assess
    expect(stack.stderr()).toContain(
      '[local-stack] listening on every interface (0.0.0.0): other machines can reach the emulator and the tables\n',
    );
    expect(stack.cloudtrail).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('warns when env.json does not point at its ports', async () => {
    // Act
    stack = await startStackProcess(['--port', '0']);

    // Assess
    expect(stack.stderr()).toContain(
      `env.json sets AWS_ENDPOINT_URL_CLOUDTRAIL="http://host.docker.internal:${DEFAULT_PORT}", not port ${portOf(stack.cloudtrail)}`,
    );
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'stops cleanly on %s: exit 0, ports closed',
    async (signal) => {
      // Prepare
      const started = await startStackProcess(['--port', '0']);
      const ports = [portOf(started.cloudtrail), portOf(started.dynamodb ?? '')];

      // Act
      const code = await started.stop(signal);

      // Assess
      expect(code).toBe(0);
      expect(started.stderr()).toContain('[local-stack] stopped');
      expect(await Promise.all(ports.map((port) => accepts('127.0.0.1', port)))).toEqual([
        false,
        false,
      ]);
    },
  );

  it('exits 2 when its port is in use, saying so', async () => {
    // Prepare
    stack = await startStackProcess(['--port', '0']);

    // Act
    const second = await startStackProcess(['--port', String(portOf(stack.cloudtrail))]).catch(
      (error: { exit: number | null; stderr: string }) => error,
    );

    // Assess
    expect(second).toMatchObject({
      exit: 2,
      stderr: expect.stringContaining('address already in use'),
    });
  });

  it.each([
    ['-n', 'env.json'],
    ['--stores', 'stores.json'],
  ])('exits 2 naming %s and the file when it does not exist', async (option, name) => {
    // Act
    const run = await startStackProcess(['--port', '0', option, `/nonexistent/${name}`]).catch(
      (error: { exit: number | null; stderr: string }) => error,
    );

    // Assess
    expect(run).toMatchObject({
      exit: 2,
      stderr: `[local-stack] ${option} /nonexistent/${name}: no such file or directory\n`,
    });
  });

  it('listens by default on the ports env.json points at', () => {
    // Prepare
    const envJson = JSON.parse(readFileSync('env.json', 'utf8')) as {
      IngestionGuardFunction: Record<string, string>;
    };
    const section = envJson.IngestionGuardFunction;

    // Act
    const ports = [section.AWS_ENDPOINT_URL_CLOUDTRAIL, section.AWS_ENDPOINT_URL_DYNAMODB].map(
      (url) => new URL(url ?? '').port,
    );

    // Assess
    expect(ports).toEqual([String(DEFAULT_PORT), String(DEFAULT_PORT + 1)]);
    expect(section.AWS_ENDPOINT_URL_CLOUDTRAIL).toMatch(/^http:\/\/host\.docker\.internal:/);
  });

  it('with --moto also serves moto with the topic, the bus and Security Hub, and prints their ARNs', async () => {
    // Prepare
    stack = await startStackProcess(['--port', '0', '--moto']);
    const config = { endpoint: stack.moto ?? '', region: 'us-east-1', credentials: CREDENTIALS };

    // Act
    const { Topics } = await new SNSClient(config).send(new ListTopicsCommand({}));
    const bus = await new EventBridgeClient(config).send(
      new DescribeEventBusCommand({ Name: 'lake-ingestion-guard' }),
    );
    const hub = await new SecurityHubClient(config).send(new DescribeHubCommand({}));

    // Assess
    const topicArn = 'arn:aws:sns:us-east-1:012345678912:lake-ingestion-guard-incidents';
    expect(Topics).toEqual([{ TopicArn: topicArn }]);
    expect(bus.Arn).toBe('arn:aws:events:us-east-1:012345678912:event-bus/lake-ingestion-guard');
    expect(hub.HubArn).toEqual(expect.any(String));
    expect(stack.moto).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stack.stdout).toContain(`SNS topic ${topicArn}`);
    expect(stack.stdout).toContain(`"NOTIFY_TOPIC_ARN": "${topicArn}"`);
    expect(stack.stdout).toContain('"NOTIFY_EVENT_BUS": "lake-ingestion-guard"');
    expect(stack.stdout).toContain('"SECURITY_HUB": "true"');
  });

  it('with --moto stops moto too on SIGINT', async () => {
    // Prepare
    const started = await startStackProcess(['--port', '0', '--moto']);

    // Act
    const code = await started.stop('SIGINT');

    // Assess
    expect(code).toBe(0);
    expect(await accepts('127.0.0.1', portOf(started.moto ?? ''))).toBe(false);
  });

  it('exits 2 naming moto and requirements-dev.txt when --moto finds no moto', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'local-stack-'));
    const env = await withoutMoto(dir);

    // Act
    const run = await startStackProcess(['--port', '0', '--moto'], env).catch(
      (error: { exit: number | null; stderr: string }) => error,
    );
    await rm(dir, { recursive: true, force: true });

    // Assess
    expect(run).toMatchObject({
      exit: 2,
      stderr: expect.stringContaining(
        "[local-stack] moto's server is needed for this: pip install -r requirements-dev.txt",
      ),
    });
  });
});
