/**
 * `npm run local-stack -- [options]`: the CloudTrail Lake emulator and the embedded DynamoDB
 * (with the tables env.json names) as one long-running process, for `sam local invoke` to reach
 * from its container (`host.docker.internal`). The stores are moved to the account sam local's
 * emulator gives the function. Prints the endpoints and the command to run; Ctrl-C stops it.
 */
import { parseArgs } from 'node:util';
import { readEnvFile } from './env-file.js';
import { readFaultsFile } from './faults.js';
import {
  DEFAULT_PORT,
  type LocalServers,
  parseListPendingDeletion,
  startLocalServers,
} from './local-servers.js';
import { BUS_NAME, SINK_ENDPOINT_VARIABLES, TOPIC_NAME } from './notification-sinks.js';
import { withOptionFile } from './option-file.js';
import { rehomeStores } from './rehome-stores.js';
import { tablesOf } from './runner-environment.js';
import { describeStack, type StackDescription } from './sam-command.js';
import { RIE_ACCOUNT } from './sam-environment.js';
import { accountAndRegionOf, readStoresFile } from './stores-file.js';
import { loadTemplateFunction } from './template-function.js';

const USAGE = `Usage: npm run local-stack -- [options]

      --host H          the address to listen on     (default: 127.0.0.1; Docker on Linux: 0.0.0.0)
      --port P          the emulator's port; DynamoDB listens on P+1 (default: ${DEFAULT_PORT}; 0: any free)
      --stores FILE     the emulator's stores        (default: local/stores.json)
      --account ID      the account the stores move to (default: ${RIE_ACCOUNT}, sam local's)
      --faults FILE     fault rules for the emulator (default: none)
      --list-pending-deletion=false
                        the emulator leaves PENDING_DELETION stores out of
                        ListEventDataStores          (default: true, listed)
  -n, --env-vars FILE   the env.json sam local will use: its tables are created, its
                        endpoints checked            (default: env.json)
      --moto            also moto's server on P+2 (8613) with the SNS topic
                        ${TOPIC_NAME}, the EventBridge bus
                        ${BUS_NAME} and Security Hub enabled (needs
                        pip install -r requirements-dev.txt)
  -h, --help            this text

Exit codes:
  0  stopped by Ctrl-C (SIGINT) or SIGTERM
  2  could not start (an option, a file, a port in use)`;

const warn = (text: string) => process.stderr.write(`[local-stack] ${text}\n`);

interface StackOptions {
  readonly host: string;
  readonly port: number;
  readonly stores: string;
  readonly account: string;
  readonly faults: string | undefined;
  readonly listPendingDeletion: boolean;
  readonly envVars: string;
  readonly moto: boolean;
  /** How the env.json option was spelled (`-n` or `--env-vars`), for error messages. */
  readonly envVarsOption: string;
}

function parseOptions(): StackOptions | undefined {
  const { values, tokens } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: String(DEFAULT_PORT) },
      stores: { type: 'string', default: 'local/stores.json' },
      account: { type: 'string', default: RIE_ACCOUNT },
      faults: { type: 'string' },
      'list-pending-deletion': { type: 'string', default: 'true' },
      'env-vars': { type: 'string', short: 'n', default: 'env.json' },
      moto: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    tokens: true,
  });
  if (values.help) return undefined;
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65534) {
    throw new Error(`--port must be 0 or a port from 1 to 65534, got "${values.port}"`);
  }
  return {
    host: values.host,
    port,
    stores: values.stores,
    account: values.account,
    faults: values.faults,
    listPendingDeletion: parseListPendingDeletion(values['list-pending-deletion']),
    envVars: values['env-vars'],
    moto: values.moto,
    envVarsOption:
      tokens.find((token) => token.kind === 'option' && token.name === 'env-vars')?.rawName ??
      '--env-vars',
  };
}

/** Warnings about what would keep the function's container from reaching the stack. */
function reachability(options: StackOptions, architectures: readonly string[]): string[] {
  const warnings: string[] = [];
  if (options.host === '0.0.0.0' || options.host === '::') {
    warnings.push(
      `listening on every interface (${options.host}): other machines can reach the emulator and the tables`,
    );
  } else if (process.platform === 'linux' && /^(127\.|localhost$|::1$)/.test(options.host)) {
    warnings.push(
      'on Linux a container reaches this machine at the docker0 address, not 127.0.0.1: ' +
        'start with --host 0.0.0.0 (or --host 172.17.0.1) for sam local invoke',
    );
  }
  if (process.arch === 'x64' && architectures.includes('arm64')) {
    warnings.push(
      'the function is arm64: Docker runs it through QEMU on this x86_64 machine ' +
        '(once: docker run --privileged --rm tonistiigi/binfmt --install arm64)',
    );
  }
  return warnings;
}

/** A warning for each endpoint of env.json that does not point at this stack's port. */
function endpointWarnings(envFile: Readonly<Record<string, string>>, servers: LocalServers) {
  const ports: [string, string | undefined][] = [
    ['AWS_ENDPOINT_URL_CLOUDTRAIL', servers.emulator.url],
    ['AWS_ENDPOINT_URL_DYNAMODB', servers.dynamo?.endpoint],
    ...SINK_ENDPOINT_VARIABLES.map((name): [string, string | undefined] => [
      name,
      servers.sinks?.endpoint,
    ]),
  ];
  return ports.flatMap(([name, url]) => {
    const port = url === undefined ? undefined : new URL(url).port;
    const configured = envFile[name] ?? '';
    if (port === undefined || (configured !== '' && new URL(configured).port === port)) return [];
    return [`env.json sets ${name}="${configured}", not port ${port}: sam local would miss it`];
  });
}

/** Starts the stack and prints it; resolves with the servers once they listen. */
async function start(options: StackOptions): Promise<LocalServers> {
  const fn = await loadTemplateFunction();
  const envFile = await withOptionFile(options.envVarsOption, options.envVars, (path) =>
    readEnvFile(path, Object.keys(fn.variables)),
  );
  const given = await withOptionFile('--stores', options.stores, readStoresFile);
  const from = accountAndRegionOf(given);
  const stores = rehomeStores(given, options.account);
  const faults =
    options.faults === undefined
      ? []
      : await withOptionFile('--faults', options.faults, readFaultsFile);
  const tables = tablesOf(fn, envFile, process.env);
  for (const warning of reachability(options, fn.architectures)) warn(warning);
  const servers = await startLocalServers({
    stores,
    faults,
    tables,
    listPendingDeletion: options.listPendingDeletion,
    host: options.host,
    port: options.port,
    ...(options.moto && { moto: { accountId: options.account, region: from.region } }),
  });
  for (const warning of endpointWarnings(envFile, servers)) warn(warning);
  const description: StackDescription = {
    cloudtrail: servers.emulator.url,
    dynamodb: servers.dynamo?.endpoint,
    tables: tables.map((table) => table.name),
    stores: stores.length,
    accountId: options.account,
    movedFrom: from.accountId === options.account ? undefined : from.accountId,
    region: from.region,
    envVars: options.envVars,
    platform: process.platform,
    sinks: servers.sinks,
  };
  process.stdout.write(`${describeStack(description).join('\n')}\n`);
  return servers;
}

/**
 * A signal this soon after the first is the same one, passed on: tsx relays Ctrl-C to this
 * process some time after the terminal's own, later still on a busy machine (500 ms was not
 * enough under CI's load, and stopping moto's server exited 130).
 */
const SAME_SIGNAL_MS = 5_000;

/** Closes the servers on SIGINT or SIGTERM; a signal well after the first exits at once. */
function stopOnSignal(servers: LocalServers): void {
  const stop = (signal: NodeJS.Signals) => {
    const first = Date.now();
    // Ctrl-C reaches this process twice (from the terminal, and passed on by tsx): only a signal
    // SAME_SIGNAL_MS later is a second Ctrl-C, which gives up on stopping cleanly.
    const again = () => {
      if (Date.now() - first < SAME_SIGNAL_MS) process.once(signal, again);
      else process.exit(130);
    };
    process.once(signal, again);
    servers.close().then(
      () => warn('stopped'),
      (error: unknown) => {
        warn(`stopping failed: ${(error as Error).message}`);
        process.exitCode = 2;
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function main(): Promise<void> {
  const options = parseOptions();
  if (options === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  stopOnSignal(await start(options));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const inUse = (error as { code?: unknown }).code === 'EADDRINUSE';
  warn(inUse ? `${message} (another local stack? choose another --port)` : message);
  process.exitCode = 2;
});
