/**
 * `npm start -- [options]`: the local twin of `sam local invoke`. Runs the built function
 * (dist/handler.mjs, the artifact SAM ships) in the environment sam local would give it, against
 * the CloudTrail Lake emulator and an embedded DynamoDB, or with --aws against the real account
 * of the shell's credentials. Logs go to stderr, the handler's return value (JSON) to stdout.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { readEnvFile } from './env-file.js';
import { readFaultsFile } from './faults.js';
import { notificationsOf, tellIncidents } from './invocation-summary.js';
import { type Invocation, invokeBundle } from './invoke-bundle.js';
import { readJsonFile } from './json-file.js';
import { createLambdaContext } from './lambda-context.js';
import { type LocalServers, parseListPendingDeletion, startLocalServers } from './local-servers.js';
import { withOptionFile } from './option-file.js';
import { checkRealAccount, type RealAccount } from './real-account.js';
import { localEnvironment, realAccountEnvironment, tablesOf } from './runner-environment.js';
import { accountAndRegionOf, readStoresFile } from './stores-file.js';
import { loadTemplateFunction, type TemplateFunction } from './template-function.js';

const USAGE = `Usage: npm start -- [options]

  -e, --event FILE      the event to invoke with            (default: events/sns-stop-alert.json)
  -n, --env-vars FILE   SAM env.json for the function       (default: env.json)
      --stores FILE     the emulator's stores               (default: local/stores.json)
      --faults FILE     fault rules for the emulator        (default: none)
      --list-pending-deletion=false
                        the emulator leaves PENDING_DELETION stores out of
                        ListEventDataStores                 (default: true, listed)
      --times N         invoke N times with the same event  (default: 1)
      --report FILE     write what happened as JSON, each notification's payload
                        and answer included                 (default: none)
      --moto            start moto's server for the run with an SNS topic, an EventBridge
                        bus and Security Hub, and turn the three sinks on (needs
                        pip install -r requirements-dev.txt)
      --aws             the real AWS account of the shell's credentials, not the emulator:
                        a dry run (DRY_RUN=true) without idempotency
      --apply           with --aws: resume stores for real
  -h, --help            this text

Exit codes:
  0  every invocation succeeded
  1  an invocation failed (the function threw: its error is the JSON line on stdout)
  2  the runner could not run (an option, a file, the local servers, --aws's checks, the report)`;

const say = (text: string) => process.stderr.write(`[runner] ${text}\n`);

interface RunnerOptions {
  readonly event: string;
  readonly envVars: string;
  readonly stores: string;
  readonly faults: string | undefined;
  readonly listPendingDeletion: boolean;
  readonly times: number;
  readonly report: string | undefined;
  readonly moto: boolean;
  readonly aws: boolean;
  readonly apply: boolean;
  /** Each option as it was spelled (`-e` or `--event`), for error messages. */
  readonly spelled: (name: string) => string;
}

/** Where the function runs: the account and region, and the local servers it talks to (if any). */
interface Target {
  readonly where: { accountId: string; region: string };
  readonly servers?: LocalServers;
}

/** The command line's options; undefined when --help asks for the usage. */
function parseOptions(): RunnerOptions | undefined {
  const { values, tokens } = parseArgs({
    options: {
      event: { type: 'string', short: 'e', default: 'events/sns-stop-alert.json' },
      'env-vars': { type: 'string', short: 'n', default: 'env.json' },
      stores: { type: 'string', default: 'local/stores.json' },
      faults: { type: 'string' },
      'list-pending-deletion': { type: 'string', default: 'true' },
      times: { type: 'string', default: '1' },
      report: { type: 'string' },
      moto: { type: 'boolean', default: false },
      aws: { type: 'boolean', default: false },
      apply: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    tokens: true,
  });
  if (values.help) return undefined;
  const times = Number(values.times);
  if (!Number.isInteger(times) || times < 1 || times > 1000) {
    throw new Error(`--times must be an integer from 1 to 1000, got "${values.times}"`);
  }
  if (values.apply && !values.aws) throw new Error('--apply goes with --aws');
  if (values.moto && values.aws) throw new Error('--moto goes without --aws');
  const spelled = new Map<string, string>(
    tokens.flatMap((token) => (token.kind === 'option' ? [[token.name, token.rawName]] : [])),
  );
  return {
    event: values.event,
    envVars: values['env-vars'],
    stores: values.stores,
    faults: values.faults,
    listPendingDeletion: parseListPendingDeletion(values['list-pending-deletion']),
    times,
    report: values.report,
    moto: values.moto,
    aws: values.aws,
    apply: values.apply,
    spelled: (name) => spelled.get(name) ?? `--${name}`,
  };
}

/** --aws: the function's variables, in the checked account of the shell's credentials. */
function useRealAccount(
  fn: TemplateFunction,
  envFile: Readonly<Record<string, string>>,
  account: RealAccount,
  apply: boolean,
): Target {
  const env = realAccountEnvironment(fn, envFile, process.env, { account, apply });
  if (env.AWS_SESSION_TOKEN === undefined) delete process.env.AWS_SESSION_TOKEN;
  // The resolved credentials are in the environment now; with AWS_PROFILE set, the SDK would
  // skip them for a profile the bundle cannot read.
  delete process.env.AWS_PROFILE;
  Object.assign(process.env, env);
  say(`--aws: the REAL account ${account.accountId} in ${account.region}; idempotency off.`);
  say(
    apply
      ? '--apply: StartEventDataStoreIngestion calls WILL change real event data stores.'
      : 'a dry run (DRY_RUN=true): nothing is started; add --apply to resume stores for real.',
  );
  return { where: { accountId: account.accountId, region: account.region } };
}

/** The emulator over the stores file, and the embedded DynamoDB with the function's tables. */
async function useLocalServers(
  fn: TemplateFunction,
  envFile: Readonly<Record<string, string>>,
  options: RunnerOptions,
): Promise<Target> {
  const stores = await withOptionFile(options.spelled('stores'), options.stores, readStoresFile);
  const where = accountAndRegionOf(stores);
  const faults =
    options.faults === undefined
      ? []
      : await withOptionFile(options.spelled('faults'), options.faults, readFaultsFile);
  const tables = tablesOf(fn, envFile, process.env);
  const servers = await startLocalServers({
    stores,
    faults,
    tables,
    listPendingDeletion: options.listPendingDeletion,
    ...(options.moto && { moto: where }),
  });
  const { emulator, dynamo, sinks } = servers;
  try {
    const env = localEnvironment(fn, envFile, process.env, {
      region: where.region,
      cloudtrail: emulator.url,
      ...(dynamo && { dynamodb: dynamo.endpoint }),
      ...(sinks && { sinks: sinks.variables }),
    });
    if (env.AWS_SESSION_TOKEN === undefined) delete process.env.AWS_SESSION_TOKEN;
    Object.assign(process.env, env);
  } catch (error) {
    await servers.close();
    throw error;
  }
  say(
    `emulator ${emulator.url} with ${stores.length} stores of ${where.accountId}/${where.region}` +
      (faults.length > 0 ? `, ${faults.length} fault rule(s)` : '') +
      (options.listPendingDeletion ? '' : ', PENDING_DELETION stores not listed') +
      (dynamo ? `; DynamoDB ${dynamo.endpoint} tables ${dynamo.tables.join(', ')}` : ''),
  );
  if (sinks) {
    say(
      `moto ${sinks.endpoint}: topic ${sinks.topicArn}, bus ${sinks.busArn}, Security Hub enabled`,
    );
  }
  return { where, servers };
}

/**
 * The --report file: the invocations, each notification (per invocation, numbered from 1), and
 * the emulator's calls and final stores.
 */
async function writeReport(
  path: string,
  invocations: readonly Invocation[],
  servers: LocalServers | undefined,
): Promise<void> {
  const { emulator, sinks } = servers ?? {};
  const report = {
    invocations,
    notifications: notificationsOf(invocations),
    ...(sinks && {
      sinks: { endpoint: sinks.endpoint, topicArn: sinks.topicArn, busArn: sinks.busArn },
    }),
    calls: emulator?.calls ?? [],
    stores: emulator?.stores() ?? [],
  };
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
  say(`report written to ${path}`);
}

/** Invokes `times` times, writes the report, and closes the servers whatever fails. */
async function invokeAndReport(
  fn: TemplateFunction,
  event: unknown,
  target: Target,
  options: RunnerOptions,
): Promise<Invocation[]> {
  let invocations: Invocation[] = [];
  try {
    const newContext = () =>
      createLambdaContext({
        ...target.where,
        timeoutMs: fn.timeout * 1000,
        functionName: fn.logicalId,
      });
    invocations = await invokeBundle(event, newContext, options.times);
    for (const line of tellIncidents(invocations)) say(line);
  } finally {
    try {
      const { report } = options;
      if (report !== undefined) {
        await withOptionFile(options.spelled('report'), report, (path) =>
          writeReport(path, invocations, target.servers),
        );
      }
    } finally {
      await target.servers?.close();
    }
  }
  return invocations;
}

/** The exit code: 0 when every invocation succeeded, 1 when one failed (2 when main throws). */
async function main(): Promise<number> {
  const options = parseOptions();
  if (options === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return 0;
  }
  // --aws checks the credentials, the region and the account before anything else.
  const account = options.aws ? await checkRealAccount() : undefined;
  const fn = await loadTemplateFunction();
  const event = await withOptionFile(options.spelled('event'), options.event, (path) =>
    readJsonFile(path, (json: unknown) => json),
  );
  const envFile = await withOptionFile(options.spelled('env-vars'), options.envVars, (path) =>
    readEnvFile(path, Object.keys(fn.variables)),
  );
  const target = account
    ? useRealAccount(fn, envFile, account, options.apply)
    : await useLocalServers(fn, envFile, options);
  const invocations = await invokeAndReport(fn, event, target, options);
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
