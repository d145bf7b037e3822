/**
 * `npm start -- [options]`: the local twin of `sam local invoke` (DESIGN §10).
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
      --stores FILE     the emulator's stores               (default: events/stores.json)
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

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      event: { type: 'string', short: 'e', default: 'events/sns-stop-alert.json' },
      'env-vars': { type: 'string', short: 'n', default: 'env.json' },
      stores: { type: 'string', default: 'events/stores.json' },
      faults: { type: 'string' },
      times: { type: 'string', default: '1' },
      report: { type: 'string' },
      aws: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    return 0;
  }
  const times = Number(values.times);
  if (!Number.isInteger(times) || times < 1 || times > 1000) {
    throw new Error(`--times must be an integer from 1 to 1000, got "${values.times}"`);
  }
  const event: unknown = JSON.parse(await readFile(values.event, 'utf8'));
  const env = await readEnvFile(values['env-vars']);

  let emulator: Emulator | undefined;
  let dynamo: LocalDynamo | undefined;
  let where: { accountId: string; region: string };
  if (values.aws) {
    const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    const accountId = process.env.AWS_ACCOUNT_ID;
    if (region === undefined || accountId === undefined) {
      throw new Error(
        '--aws needs AWS_REGION and AWS_ACCOUNT_ID (the account the credentials belong to)',
      );
    }
    where = { accountId, region };
    say(`--aws: using the REAL account ${accountId} in ${region} with the ambient credentials.`);
    say('StartEventDataStoreIngestion calls will change real event data stores.');
    if (env.IDEMPOTENCY_TABLE)
      say(`idempotency uses the real DynamoDB table ${env.IDEMPOTENCY_TABLE}`);
    Object.assign(process.env, env, { AWS_REGION: region });
  } else {
    const stores = await readStoresFile(values.stores);
    where = accountAndRegionOf(stores);
    const faults = values.faults === undefined ? [] : await readFaultsFile(values.faults);
    emulator = await startEmulator({ stores, faults });
    Object.assign(process.env, env, {
      AWS_REGION: where.region,
      AWS_ENDPOINT_URL_CLOUDTRAIL: emulator.url,
      // Fake credentials: requests are signed for real, and checked only for presence.
      AWS_ACCESS_KEY_ID: 'AKIDLOCALRUNNER',
      AWS_SECRET_ACCESS_KEY: 'local-runner-secret',
      AWS_SESSION_TOKEN: '',
    });
    if (env.IDEMPOTENCY_TABLE) {
      dynamo = await startLocalDynamo(env.IDEMPOTENCY_TABLE);
      process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
    }
    say(
      `emulator ${emulator.url} with ${stores.length} stores of ${where.accountId}/${where.region}` +
        (faults.length > 0 ? `, ${faults.length} fault rule(s)` : '') +
        (dynamo ? `; DynamoDB ${dynamo.endpoint} table ${env.IDEMPOTENCY_TABLE}` : ''),
    );
  }

  // Like sam local invoke: the function's logs (Powertools writes to stdout) go to stderr.
  const writeResult = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;

  const invocations: Invocation[] = [];
  try {
    const bundle = resolve('dist/handler.mjs');
    const { handler } = (await import(pathToFileURL(bundle).href)) as { handler: Handler };
    const timeoutMs = await readTimeoutMs();
    for (let i = 0; i < times; i++) {
      const context = createLambdaContext({ ...where, timeoutMs });
      try {
        const result = await handler(event, context);
        invocations.push({ result, error: null });
        writeResult(`${JSON.stringify(result)}\n`);
      } catch (error) {
        const described = describeError(error);
        invocations.push({ result: described.result ?? null, error: described });
        writeResult(`${JSON.stringify(described)}\n`);
      }
    }
  } catch (error) {
    // The cold start failed (e.g. a ConfigError): nothing was invoked.
    const described = describeError(error);
    invocations.push({ result: null, error: described });
    writeResult(`${JSON.stringify(described)}\n`);
  } finally {
    process.stdout.write = writeResult as typeof process.stdout.write;
    if (values.report !== undefined) {
      const report = {
        invocations,
        calls: emulator?.calls ?? [],
        stores: emulator?.stores() ?? [],
      };
      await writeFile(values.report, `${JSON.stringify(report, null, 2)}\n`);
      say(`report written to ${values.report}`);
    }
    await emulator?.close();
    await dynamo?.close();
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
