/**
 * `npm start -- [options]`: the local twin of `sam local invoke`.
 * Runs the built function (dist/handler.mjs, the artifact SAM ships) against the CloudTrail Lake
 * emulator and an embedded DynamoDB, or with --aws against the real account of the ambient
 * credentials. Logs go to stderr, the handler's return value (JSON) to stdout.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Context } from 'aws-lambda';
import { type LocalDynamo, startLocalDynamo } from './dynamodb.js';
import { type Emulator, startEmulator } from './emulator.js';
import { readEnvFile } from './env-file.js';
import { readFaultsFile } from './faults.js';
import { createLambdaContext } from './lambda-context.js';
import { accountAndRegionOf, readStoresFile } from './stores-file.js';

const USAGE = `Usage: npm start -- [options]

  -e, --event FILE      the event to invoke with            (default: events/sns-stop-alert.json)
  -n, --env-vars FILE   SAM env.json for the function       (default: env.json)
      --stores FILE     the emulator's stores               (default: local/stores.json)
      --faults FILE     fault rules for the emulator        (default: none)
      --times N         invoke N times with the same event  (default: 1)
      --report FILE     write what happened as JSON         (default: none)
      --aws             use the real AWS account of the ambient credentials, not the emulator
  -h, --help            this text`;

type Handler = (event: unknown, context: Context) => Promise<unknown>;

interface Invocation {
  result: unknown;
  error: Record<string, unknown> | null;
}

const say = (text: string) => process.stderr.write(`[runner] ${text}\n`);

/** The function's timeout from template.yaml, so the context's remaining time is realistic. */
async function readTimeoutMs(): Promise<number> {
  const template = await readFile('template.yaml', 'utf8').catch(() => '');
  const seconds = /^\s+Timeout:\s*(\d+)\s*$/m.exec(template)?.[1];
  return (seconds === undefined ? 60 : Number(seconds)) * 1000;
}

/** What `sam local invoke` prints for a thrown error, plus the result a ResumeFailedError carries. */
function describeError(error: unknown): Record<string, unknown> {
  const e = error instanceof Error ? error : new Error(String(error));
  const extra = e as Error & { result?: unknown; problems?: unknown; field?: unknown };
  return {
    errorType: e.name,
    errorMessage: e.message,
    ...(extra.field !== undefined && { field: extra.field }),
    ...(extra.problems !== undefined && { problems: extra.problems }),
    ...(extra.result !== undefined && { result: extra.result }),
    stackTrace: (e.stack ?? '')
      .split('\n')
      .slice(1, 6)
      .map((line) => line.trim()),
  };
}

interface RunnerOptions {
  readonly event: string;
  readonly envVars: string;
  readonly stores: string;
  readonly faults: string | undefined;
  readonly times: number;
  readonly report: string | undefined;
  readonly aws: boolean;
}

/** Where the function runs: the account and region, and the local servers it talks to (if any). */
interface Target {
  readonly where: { accountId: string; region: string };
  readonly emulator?: Emulator;
  readonly dynamo?: LocalDynamo;
}

/** The command line's options; undefined when --help asks for the usage. */
function parseOptions(): RunnerOptions | undefined {
  const { values } = parseArgs({
    options: {
      event: { type: 'string', short: 'e', default: 'events/sns-stop-alert.json' },
      'env-vars': { type: 'string', short: 'n', default: 'env.json' },
      stores: { type: 'string', default: 'local/stores.json' },
      faults: { type: 'string' },
      times: { type: 'string', default: '1' },
      report: { type: 'string' },
      aws: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return undefined;
  const times = Number(values.times);
  if (!Number.isInteger(times) || times < 1 || times > 1000) {
    throw new Error(`--times must be an integer from 1 to 1000, got "${values.times}"`);
  }
  return {
    event: values.event,
    envVars: values['env-vars'],
    stores: values.stores,
    faults: values.faults,
    times,
    report: values.report,
    aws: values.aws,
  };
}

/** --aws: the function's variables, in the account of the ambient credentials. */
function useRealAccount(env: Readonly<Record<string, string>>): Target {
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const accountId = process.env.AWS_ACCOUNT_ID;
  if (region === undefined || accountId === undefined) {
    throw new Error(
      '--aws needs AWS_REGION and AWS_ACCOUNT_ID (the account the credentials belong to)',
    );
  }
  say(`--aws: using the REAL account ${accountId} in ${region} with the ambient credentials.`);
  say('StartEventDataStoreIngestion calls will change real event data stores.');
  if (env.IDEMPOTENCY_TABLE)
    say(`idempotency uses the real DynamoDB table ${env.IDEMPOTENCY_TABLE}`);
  // env.json's endpoints are the local stack's, for sam local invoke: never the real account's.
  const { AWS_ENDPOINT_URL_CLOUDTRAIL, AWS_ENDPOINT_URL_DYNAMODB, ...real } = env;
  Object.assign(process.env, real, { AWS_REGION: region });
  return { where: { accountId, region } };
}

/**
 * The emulator over the stores file, and the embedded DynamoDB when the function has an
 * idempotency table; the function's variables point the SDK clients at them.
 */
async function startLocalServers(
  options: RunnerOptions,
  env: Readonly<Record<string, string>>,
): Promise<Target> {
  const stores = await readStoresFile(options.stores);
  const where = accountAndRegionOf(stores);
  const faults = options.faults === undefined ? [] : await readFaultsFile(options.faults);
  const emulator = await startEmulator({ stores, faults });
  Object.assign(process.env, env, {
    AWS_REGION: where.region,
    AWS_ENDPOINT_URL_CLOUDTRAIL: emulator.url,
    // Fake credentials: requests are signed for real, and checked only for presence.
    AWS_ACCESS_KEY_ID: 'AKIDLOCALRUNNER',
    AWS_SECRET_ACCESS_KEY: 'local-runner-secret',
    AWS_SESSION_TOKEN: '',
  });
  let dynamo: LocalDynamo | undefined;
  if (env.IDEMPOTENCY_TABLE) {
    dynamo = await startLocalDynamo(env.IDEMPOTENCY_TABLE);
    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
  }
  say(
    `emulator ${emulator.url} with ${stores.length} stores of ${where.accountId}/${where.region}` +
      (faults.length > 0 ? `, ${faults.length} fault rule(s)` : '') +
      (dynamo ? `; DynamoDB ${dynamo.endpoint} table ${env.IDEMPOTENCY_TABLE}` : ''),
  );
  return { where, emulator, ...(dynamo && { dynamo }) };
}

/**
 * Like sam local invoke: the function's logs (Powertools writes to stdout) go to stderr while
 * `run` runs; `run` gets the real stdout to write the results on.
 */
async function withLogsOnStderr<T>(
  run: (writeResult: (text: string) => void) => Promise<T>,
): Promise<T> {
  const writeResult = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  try {
    return await run(writeResult);
  } finally {
    process.stdout.write = writeResult as typeof process.stdout.write;
  }
}

/** The handler of the built bundle, dist/handler.mjs (its cold start runs here). */
async function loadHandler(): Promise<Handler> {
  const bundle = resolve('dist/handler.mjs');
  const { handler } = (await import(pathToFileURL(bundle).href)) as { handler: Handler };
  return handler;
}

/** One invocation: what the report holds, and what stdout gets (the result or the error). */
async function invokeOnce(
  handler: Handler,
  event: unknown,
  context: Context,
): Promise<[Invocation, unknown]> {
  try {
    const result = await handler(event, context);
    return [{ result, error: null }, result];
  } catch (error) {
    const described = describeError(error);
    return [{ result: described.result ?? null, error: described }, described];
  }
}

/** Loads the built bundle and invokes its handler `times` times; each outcome is a stdout line. */
function invokeTimes(event: unknown, where: Target['where'], times: number): Promise<Invocation[]> {
  return withLogsOnStderr(async (writeResult) => {
    const invocations: Invocation[] = [];
    const emit = (invocation: Invocation, printed: unknown): void => {
      invocations.push(invocation);
      writeResult(`${JSON.stringify(printed)}\n`);
    };
    try {
      const handler = await loadHandler();
      const timeoutMs = await readTimeoutMs();
      for (let i = 0; i < times; i++) {
        const context = createLambdaContext({ ...where, timeoutMs });
        emit(...(await invokeOnce(handler, event, context)));
      }
    } catch (error) {
      // The cold start failed (e.g. a ConfigError): nothing was invoked.
      const described = describeError(error);
      emit({ result: null, error: described }, described);
    }
    return invocations;
  });
}

/** The --report file: the invocations, and the emulator's calls and final stores. */
async function writeReport(
  path: string,
  invocations: readonly Invocation[],
  emulator: Emulator | undefined,
): Promise<void> {
  const report = {
    invocations,
    calls: emulator?.calls ?? [],
    stores: emulator?.stores() ?? [],
  };
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
  say(`report written to ${path}`);
}

async function closeServers({ emulator, dynamo }: Target): Promise<void> {
  await emulator?.close();
  await dynamo?.close();
}

/** The exit code: 0 when every invocation succeeded, 1 when one failed (2 when main throws). */
async function main(): Promise<number> {
  const options = parseOptions();
  if (options === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return 0;
  }
  const event: unknown = JSON.parse(await readFile(options.event, 'utf8'));
  const env = await readEnvFile(options.envVars);
  const target = options.aws ? useRealAccount(env) : await startLocalServers(options, env);
  let invocations: Invocation[] = [];
  try {
    invocations = await invokeTimes(event, target.where, options.times);
  } finally {
    if (options.report !== undefined)
      await writeReport(options.report, invocations, target.emulator);
    await closeServers(target);
  }
  return invocations.some((invocation) => invocation.error !== null) ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    say(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
  },
);
