/**
 * The local runner's error paths and its likeness to `sam local invoke`: every error names what
 * is wrong and exits (never hangs), env.json is checked against the template, and `--aws` looks
 * before it acts. The real account of `--aws` is stood in for by an emulator that the shell's
 * `AWS_ENDPOINT_URL_CLOUDTRAIL` points at, as a user's own endpoint configuration would.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../local/emulator.js';
import { readStoresFile } from '../../local/stores-file.js';
import { jsonLines, logLines, resultLines, runRunner } from '../support/run-runner.js';

const START = 'StartEventDataStoreIngestion';
const MANAGED_ARN =
  'arn:aws:cloudtrail:us-east-1:012345678912:eventdatastore/a3f1c0de-5b2a-4c1e-9f3d-0e7a1b2c3d4e';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runner-traps-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** env.json with the function's section changed: `undefined` removes a key. */
async function envFileWith(name: string, changes: Record<string, string | undefined>) {
  const envJson = JSON.parse(await readFile('env.json', 'utf8')) as {
    IngestionGuardFunction: Record<string, string>;
  };
  const section = envJson.IngestionGuardFunction;
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete section[key];
    else section[key] = value;
  }
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(envJson));
  return path;
}

const storeOf = (result: unknown): Record<string, unknown> | undefined =>
  (result as { stores: Record<string, unknown>[] }).stores.find(
    (store) => store.eventDataStore === MANAGED_ARN,
  );

describe('The local runner: env.json is checked against the template', () => {
  it.each([
    ['DRYRUN', 'DRY_RUN'],
    ['MAX_ATTEMTPS', 'MAX_ATTEMPTS'],
  ])(
    'rejects %s, a key the template does not declare, naming the closest one (%s)',
    async (typo, known) => {
      // Prepare: sam local invoke would drop the key without a word
      const envFile = await envFileWith(`typo-${typo}.json`, { [typo]: 'true' });

      // Act
      const run = await runRunner(['-n', envFile]);

      // Assess
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(envFile);
      expect(run.stderr).toContain(`"${typo}"`);
      expect(run.stderr).toContain(`did you mean ${known}?`);
    },
  );
});

describe('The local runner: every file error names the file and the option', () => {
  it.each([['-e'], ['-n'], ['--stores'], ['--faults']])(
    'exits 2 naming the file and %s when the file is not JSON',
    async (option) => {
      // Prepare
      const path = join(dir, `broken${option}.json`);
      await writeFile(path, '{ "not": json');

      // Act
      const run = await runRunner([option, path]);

      // Assess
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${option} ${path}: not valid JSON`);
    },
  );

  it('exits 2 naming the file and the option when the file does not exist', async () => {
    // Prepare
    const path = join(dir, 'no-such-event.json');

    // Act
    const run = await runRunner(['--event', path]);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--event ${path}: no such file`);
  });
});

describe('The local runner: no hang on any error path', () => {
  it('exits 2 naming --report and the file when the report cannot be written', async () => {
    // Prepare
    const path = join(dir, 'no-such-directory', 'r.json');

    // Act
    const run = await runRunner(['--report', path]);

    // Assess: the invocation's result is printed, then the report's failure; every server closed
    expect(run.hung).toBe(false);
    expect(run.code).toBe(2);
    expect(storeOf(resultLines(run)[0])).toMatchObject({ action: 'resumed' });
    expect(run.stderr).toContain(`--report ${path}: no such file or directory`);
  });

  it('exits 2 naming the table when the embedded DynamoDB cannot create it', async () => {
    // Prepare: DynamoDB table names have 3 to 255 characters
    const envFile = await envFileWith('bad-table.json', { IDEMPOTENCY_TABLE: 'x' });

    // Act
    const run = await runRunner(['-n', envFile]);

    // Assess
    expect(run.hung).toBe(false);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"x"');
  });

  it('exits 1 with the ConfigError on stdout when the cold start fails', async () => {
    // Prepare
    const envFile = await envFileWith('bad-config.json', { MAX_ATTEMPTS: '0' });

    // Act
    const run = await runRunner(['-n', envFile]);

    // Assess
    expect(run.hung).toBe(false);
    expect(run.code).toBe(1);
    expect(resultLines(run)).toEqual([
      expect.objectContaining({
        errorType: 'ConfigError',
        problems: [expect.stringContaining('MAX_ATTEMPTS')],
      }),
    ]);
  });

  it('lists its exit codes in --help', async () => {
    // Act
    const run = await runRunner(['--help']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('Exit codes:');
    expect(run.stderr).toMatch(/^ {2}0 {2}every invocation succeeded$/m);
    expect(run.stderr).toMatch(/^ {2}1 {2}an invocation failed/m);
    expect(run.stderr).toMatch(/^ {2}2 {2}the runner could not run/m);
  });
});

describe('The local runner as the twin of sam local invoke', () => {
  it('reports a cold start on the first invocation only, with one ColdStart metric', async () => {
    // Act
    const run = await runRunner(['--times', '2']);

    // Assess: Powertools counts a cold start when AWS_LAMBDA_INITIALIZATION_TYPE is on-demand
    expect(run.code).toBe(0);
    const received = logLines(run).filter((line) => line.message === 'trigger received');
    expect(received.map((line) => line.cold_start)).toEqual([true, false]);
    const coldStarts = jsonLines(run).filter((line) => 'ColdStart' in line);
    expect(coldStarts).toHaveLength(1);
  });

  it("logs at the template's level, which Lambda and SAM set as AWS_LAMBDA_LOG_LEVEL", async () => {
    // Prepare: Powertools obeys AWS_LAMBDA_LOG_LEVEL (INFO, the LogLevel default) over this
    const envFile = await envFileWith('log-level.json', { POWERTOOLS_LOG_LEVEL: 'ERROR' });

    // Act
    const run = await runRunner(['-n', envFile]);

    // Assess
    expect(run.code).toBe(0);
    expect(logLines(run).map((line) => line.message)).toContain('store resumed');
  });

  it("names the function and its ARN as sam local's emulator does", async () => {
    // Act
    const run = await runRunner([]);

    // Assess: the account and region still come from the stores file
    expect(run.code).toBe(0);
    expect(logLines(run).find((line) => line.message === 'store resumed')).toMatchObject({
      function_name: 'IngestionGuardFunction',
      function_arn: 'arn:aws:lambda:us-east-1:012345678912:function:IngestionGuardFunction',
    });
  });

  it("uses the template's value of a variable env.json leaves out, as sam local does", async () => {
    // Prepare: sam local resolves `!Ref IdempotencyTable` to the logical id
    const envFile = await envFileWith('no-table.json', { IDEMPOTENCY_TABLE: undefined });

    // Act
    const run = await runRunner(['-n', envFile, '--times', '2']);

    // Assess: idempotency is on (with that table): the second invocation is the first's result
    expect(run.code).toBe(0);
    expect(logLines(run).map((line) => line.message)).not.toContain('idempotency disabled');
    expect(run.stderr).toContain('IdempotencyTable');
  });
});

describe('The local runner with --aws', () => {
  let emulator: Emulator;
  let shell: Record<string, string>;

  beforeAll(async () => {
    await mkdir(join(dir, 'aws'), { recursive: true });
  });

  afterEach(async () => {
    await emulator?.close();
  });

  /** The stand-in for the real account, and a shell whose credentials and endpoint reach it. */
  async function realAccount(): Promise<void> {
    emulator = await startEmulator({ stores: await readStoresFile('local/stores.json') });
    shell = {
      AWS_ENDPOINT_URL_CLOUDTRAIL: emulator.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCOUNT_ID: '012345678912',
      AWS_ACCESS_KEY_ID: 'AKIDREALACCOUNT',
      AWS_SECRET_ACCESS_KEY: 'real-account-secret',
      AWS_CONFIG_FILE: join(dir, 'aws', 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws', 'no-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  }

  const without = (env: Record<string, string>, key: string) =>
    Object.fromEntries(Object.entries(env).filter(([name]) => name !== key));

  it.each([
    ['credentials', 'AWS_ACCESS_KEY_ID', /no AWS credentials/],
    ['region', 'AWS_REGION', /no AWS region/],
    ['account', 'AWS_ACCOUNT_ID', /AWS_ACCOUNT_ID/],
  ])('checks the %s before anything else: exits 2 without them', async (_what, key, message) => {
    // Prepare: not even the event file exists; the check comes first
    await realAccount();

    // Act
    const run = await runRunner(['--aws', '-e', join(dir, 'missing.json')], {
      env: without(shell, key),
    });

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toContain('missing.json');
    expect(emulator.calls.filter((call) => call.operation === START)).toEqual([]);
  });

  it('exits 2 when the credentials reach another account than AWS_ACCOUNT_ID', async () => {
    // Prepare
    await realAccount();

    // Act
    const run = await runRunner(['--aws', '-e', 'events/direct-request.json'], {
      env: { ...shell, AWS_ACCOUNT_ID: '111122223333' },
    });

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('111122223333');
    expect(run.stderr).toContain('012345678912');
    expect(emulator.calls.filter((call) => call.operation === START)).toEqual([]);
  });

  it('is a dry run unless --apply is given', async () => {
    // Prepare
    await realAccount();

    // Act
    const run = await runRunner(['--aws', '-e', 'events/direct-request.json'], { env: shell });

    // Assess
    expect(run.code).toBe(0);
    const [result] = resultLines(run);
    expect(result).toMatchObject({ dryRun: true });
    expect(storeOf(result)).toMatchObject({ action: 'would-resume', reason: 'dry-run' });
    expect(emulator.calls.filter((call) => call.operation === START)).toEqual([]);
    expect(run.stderr).toContain('--apply');
  });

  it('resumes the store with --apply', async () => {
    // Prepare
    await realAccount();

    // Act
    const run = await runRunner(['--aws', '--apply', '-e', 'events/direct-request.json'], {
      env: shell,
    });

    // Assess
    expect(run.code).toBe(0);
    expect(storeOf(resultLines(run)[0])).toMatchObject({ action: 'resumed' });
    expect(emulator.calls.filter((call) => call.operation === START)).toHaveLength(1);
  });

  it("never uses env.json's local endpoints and tables", async () => {
    // Prepare: a DynamoDB endpoint of the shell that nothing answers; env.json names a table
    await realAccount();

    // Act
    const run = await runRunner(['--aws', '-e', 'events/sns-stop-alert.json'], {
      env: { ...shell, AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:1' },
    });

    // Assess: idempotency is off (no table of the real account is assumed), nothing failed
    expect(run.code).toBe(0);
    expect(logLines(run).map((line) => line.message)).toContain('idempotency disabled');
    expect(storeOf(resultLines(run)[0])).toMatchObject({ action: 'would-resume' });
  });

  it("reads a profile's credentials itself (no aws configure export-credentials)", async () => {
    // Prepare: the credentials only in a shared credentials file, as `aws configure` writes them
    await realAccount();
    const credentials = join(dir, 'aws', 'credentials');
    await writeFile(
      credentials,
      '[guard]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n',
    );
    const env = {
      ...without(without(shell, 'AWS_ACCESS_KEY_ID'), 'AWS_SECRET_ACCESS_KEY'),
      AWS_SHARED_CREDENTIALS_FILE: credentials,
      AWS_PROFILE: 'guard',
    };

    // Act
    const run = await runRunner(['--aws', '-e', 'events/direct-request.json'], { env });

    // Assess
    expect(run.code).toBe(0);
    expect(storeOf(resultLines(run)[0])).toMatchObject({ action: 'would-resume' });
  });
});
