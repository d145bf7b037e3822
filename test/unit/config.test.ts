import { describe, expect, it } from 'vitest';
import { type Config, DEFAULTS, ENV_VARS, readConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

type Env = Record<string, string | undefined>;

const ARN = 'arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/a3f1c0de-5b2a-4c1e';
/** The least a valid configuration needs: a region and one managed store. */
const BASE: Env = { AWS_REGION: 'eu-west-1', MANAGED_EVENT_DATA_STORES: 'a3f1c0de' };

function readProblems(env: Env): readonly string[] {
  try {
    readConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

/** Every integer setting with its bounds; `env` is what a value at a bound needs besides. */
const BOUNDS: readonly {
  key: string;
  field: keyof Config;
  min: number;
  max: number;
  env?: Env;
}[] = [
  { key: 'MAX_ATTEMPTS', field: 'maxAttempts', min: 1, max: 20 },
  { key: 'READ_MAX_ATTEMPTS', field: 'readMaxAttempts', min: 1, max: 50 },
  {
    key: 'RETRY_BASE_DELAY_MS',
    field: 'retryBaseDelayMs',
    min: 1,
    max: 60_000,
    env: { RETRY_MAX_DELAY_MS: '60000' },
  },
  {
    key: 'RETRY_MAX_DELAY_MS',
    field: 'retryMaxDelayMs',
    min: 1,
    max: 300_000,
    env: { RETRY_BASE_DELAY_MS: '1' },
  },
  { key: 'DEADLINE_MARGIN_MS', field: 'deadlineMarginMs', min: 200, max: 60_000 },
  { key: 'STORE_CONCURRENCY', field: 'storeConcurrency', min: 1, max: 16 },
  { key: 'VERIFY_TIMEOUT_MS', field: 'verifyTimeoutMs', min: 0, max: 600_000 },
  { key: 'VERIFY_INTERVAL_MS', field: 'verifyIntervalMs', min: 10, max: 60_000 },
  {
    key: 'IDEMPOTENCY_EXPIRY_SECONDS',
    field: 'idempotencyExpirySeconds',
    min: 60,
    max: 2_592_000,
  },
  { key: 'MAX_EXEMPTION_HOURS', field: 'maxExemptionHours', min: 1, max: 8_760 },
  { key: 'RESTOP_THRESHOLD', field: 'restopThreshold', min: 2, max: 100 },
  { key: 'RESTOP_WINDOW_MINUTES', field: 'restopWindowMinutes', min: 1, max: 10_080 },
];

describe('Function: readConfig', () => {
  it('applies the documented defaults', () => {
    // Act
    const config = readConfig(BASE);

    // Assess — the defaults of the configuration table
    expect(config).toMatchObject({
      region: 'eu-west-1',
      managedStores: ['a3f1c0de'],
      optInTag: undefined,
      exemptTagKey: 'ingestion-guard:exempt-until',
      authorizedActors: [],
      dryRun: false,
      maxAttempts: 5,
      idempotencyTable: undefined,
    });
    // the project's own knobs, each with its documented default
    expect(config).toMatchObject({
      retryBaseDelayMs: DEFAULTS.RETRY_BASE_DELAY_MS,
      retryMaxDelayMs: DEFAULTS.RETRY_MAX_DELAY_MS,
      deadlineMarginMs: DEFAULTS.DEADLINE_MARGIN_MS,
      storeConcurrency: DEFAULTS.STORE_CONCURRENCY,
      verifyTimeoutMs: DEFAULTS.VERIFY_TIMEOUT_MS,
      verifyIntervalMs: DEFAULTS.VERIFY_INTERVAL_MS,
      idempotencyExpirySeconds: DEFAULTS.IDEMPOTENCY_EXPIRY_SECONDS,
    });
    // integrity and notifications: everything beyond resuming is off until it is set
    expect(config).toMatchObject({
      deprecatedAuthorizedStoppers: false,
      stateTable: undefined,
      restoreDeleted: false,
      enforceTerminationProtection: false,
      maxExemptionHours: 72,
      guardRoleArn: undefined,
      notifyTopicArn: undefined,
      notifyEventBus: undefined,
      securityHub: false,
      restopThreshold: 3,
      restopWindowMinutes: 60,
    });
  });

  it('prefers AUTHORIZED_ACTORS to the deprecated AUTHORIZED_STOPPERS, and says when only the old name is set', () => {
    // Prepare
    const actors = 'arn:aws:iam::123456789012:role/BreakGlass';
    const stoppers = 'arn:aws:iam::123456789012:role/Old';

    // Act
    const both = readConfig({ ...BASE, AUTHORIZED_ACTORS: actors, AUTHORIZED_STOPPERS: stoppers });
    const old = readConfig({ ...BASE, AUTHORIZED_STOPPERS: stoppers });

    // Assess
    expect(both).toMatchObject({ authorizedActors: [actors], deprecatedAuthorizedStoppers: false });
    expect(old).toMatchObject({ authorizedActors: [stoppers], deprecatedAuthorizedStoppers: true });
  });

  it.each(['GUARD_ROLE_ARN', 'NOTIFY_TOPIC_ARN'])('rejects a %s that is not an ARN', (key) => {
    // Act
    const problems = readProblems({ ...BASE, [key]: 'guard-role' });

    // Assess
    expect(problems).toEqual([`${key} must be an ARN, got "guard-role"`]);
  });

  it.each<{ key: string; raw: string; field: keyof Config; expected: unknown }>([
    {
      key: 'MANAGED_EVENT_DATA_STORES',
      raw: `${ARN},b7e2d1f0`,
      field: 'managedStores',
      expected: [ARN, 'b7e2d1f0'],
    },
    {
      key: 'OPT_IN_TAG',
      raw: 'ingestion-guard:managed=true',
      field: 'optInTag',
      expected: { key: 'ingestion-guard:managed', value: 'true' },
    },
    {
      key: 'OPT_IN_TAG',
      raw: 'owner=a=b',
      field: 'optInTag',
      expected: { key: 'owner', value: 'a=b' },
    },
    {
      key: 'OPT_IN_TAG',
      raw: 'managed=',
      field: 'optInTag',
      expected: { key: 'managed', value: '' },
    },
    { key: 'EXEMPT_TAG_KEY', raw: 'guard/exempt', field: 'exemptTagKey', expected: 'guard/exempt' },
    {
      key: 'AUTHORIZED_STOPPERS',
      raw: 'arn:aws:iam::123456789012:role/BreakGlass,arn:aws:sts::*:assumed-role/Ops/*',
      field: 'authorizedActors',
      expected: ['arn:aws:iam::123456789012:role/BreakGlass', 'arn:aws:sts::*:assumed-role/Ops/*'],
    },
    {
      key: 'AUTHORIZED_ACTORS',
      raw: 'arn:aws:iam::123456789012:role/BreakGlass',
      field: 'authorizedActors',
      expected: ['arn:aws:iam::123456789012:role/BreakGlass'],
    },
    { key: 'STATE_TABLE', raw: 'guard-state', field: 'stateTable', expected: 'guard-state' },
    { key: 'RESTORE_DELETED', raw: 'true', field: 'restoreDeleted', expected: true },
    {
      key: 'ENFORCE_TERMINATION_PROTECTION',
      raw: 'true',
      field: 'enforceTerminationProtection',
      expected: true,
    },
    {
      key: 'GUARD_ROLE_ARN',
      raw: 'arn:aws:iam::123456789012:role/guard',
      field: 'guardRoleArn',
      expected: 'arn:aws:iam::123456789012:role/guard',
    },
    {
      key: 'NOTIFY_TOPIC_ARN',
      raw: 'arn:aws:sns:us-east-1:123456789012:guard',
      field: 'notifyTopicArn',
      expected: 'arn:aws:sns:us-east-1:123456789012:guard',
    },
    { key: 'NOTIFY_EVENT_BUS', raw: 'security', field: 'notifyEventBus', expected: 'security' },
    { key: 'SECURITY_HUB', raw: 'true', field: 'securityHub', expected: true },
    { key: 'DRY_RUN', raw: 'true', field: 'dryRun', expected: true },
    { key: 'DRY_RUN', raw: 'TRUE', field: 'dryRun', expected: true },
    { key: 'DRY_RUN', raw: '1', field: 'dryRun', expected: true },
    { key: 'DRY_RUN', raw: 'yes', field: 'dryRun', expected: true },
    { key: 'DRY_RUN', raw: 'on', field: 'dryRun', expected: true },
    { key: 'DRY_RUN', raw: 'false', field: 'dryRun', expected: false },
    { key: 'DRY_RUN', raw: '0', field: 'dryRun', expected: false },
    { key: 'DRY_RUN', raw: 'no', field: 'dryRun', expected: false },
    { key: 'DRY_RUN', raw: 'off', field: 'dryRun', expected: false },
    { key: 'MAX_ATTEMPTS', raw: '1', field: 'maxAttempts', expected: 1 },
    { key: 'MAX_ATTEMPTS', raw: '8', field: 'maxAttempts', expected: 8 },
    { key: 'RETRY_BASE_DELAY_MS', raw: '50', field: 'retryBaseDelayMs', expected: 50 },
    { key: 'RETRY_MAX_DELAY_MS', raw: '9000', field: 'retryMaxDelayMs', expected: 9_000 },
    { key: 'DEADLINE_MARGIN_MS', raw: '200', field: 'deadlineMarginMs', expected: 200 },
    { key: 'DEADLINE_MARGIN_MS', raw: '3500', field: 'deadlineMarginMs', expected: 3_500 },
    { key: 'STORE_CONCURRENCY', raw: '2', field: 'storeConcurrency', expected: 2 },
    { key: 'VERIFY_TIMEOUT_MS', raw: '0', field: 'verifyTimeoutMs', expected: 0 },
    { key: 'VERIFY_TIMEOUT_MS', raw: '30000', field: 'verifyTimeoutMs', expected: 30_000 },
    { key: 'VERIFY_INTERVAL_MS', raw: '250', field: 'verifyIntervalMs', expected: 250 },
    {
      key: 'IDEMPOTENCY_TABLE',
      raw: 'guard-idempotency',
      field: 'idempotencyTable',
      expected: 'guard-idempotency',
    },
    {
      key: 'IDEMPOTENCY_EXPIRY_SECONDS',
      raw: '7200',
      field: 'idempotencyExpirySeconds',
      expected: 7_200,
    },
  ])('reads $key=$raw into $field', ({ key, raw, field, expected }) => {
    // Act
    const config = readConfig({ ...BASE, [key]: raw });

    // Assess
    expect(config[field]).toEqual(expected);
  });

  it.each(BOUNDS.flatMap((row) => [row.min, row.max].map((value) => ({ ...row, value }))))(
    'accepts $key=$value (a bound)',
    ({ key, field, value, env }) => {
      // Act
      const config = readConfig({ ...BASE, ...env, [key]: String(value) });

      // Assess
      expect(config[field]).toBe(value);
    },
  );

  it.each(BOUNDS.flatMap((row) => [row.min - 1, row.max + 1].map((value) => ({ ...row, value }))))(
    'rejects $key=$value (just past a bound), naming the bounds',
    ({ key, min, max, value, env }) => {
      // Act
      const problems = readProblems({ ...BASE, ...env, [key]: String(value) });

      // Assess
      expect(problems).toEqual([`${key} must be an integer from ${min} to ${max}, got "${value}"`]);
    },
  );

  it('takes the region from AWS_DEFAULT_REGION when AWS_REGION is unset', () => {
    // Act
    const config = readConfig({
      MANAGED_EVENT_DATA_STORES: 'abc',
      AWS_DEFAULT_REGION: 'ap-south-1',
    });

    // Assess
    expect(config.region).toBe('ap-south-1');
  });

  it('reports every bad value at once, in one ConfigError', () => {
    // Prepare
    const bad: Env = {
      MANAGED_EVENT_DATA_STORES: 'good-store,bad store!',
      OPT_IN_TAG: 'no-equals-sign',
      AUTHORIZED_STOPPERS: 'arn:aws:iam::123456789012:role/Ok,BreakGlass',
      DRY_RUN: 'maybe',
      MAX_ATTEMPTS: '0',
      RETRY_BASE_DELAY_MS: 'fast',
      DEADLINE_MARGIN_MS: '-1',
      STORE_CONCURRENCY: '2.5',
      VERIFY_TIMEOUT_MS: 'NaN',
      VERIFY_INTERVAL_MS: '1e9',
      IDEMPOTENCY_EXPIRY_SECONDS: '59',
    };

    // Act
    const act = () => readConfig(bad);

    // Assess
    expect(act).toThrow(ConfigError);
    const problems = readProblems(bad);
    const named = ['AWS_REGION', ...Object.keys(bad)];
    expect(problems).toHaveLength(named.length);
    for (const key of named) {
      expect(
        problems.filter((problem) => problem.includes(key)),
        key,
      ).toHaveLength(1);
    }
    expect(problems.join('\n')).toContain('"bad store!"');
    expect(problems.join('\n')).toContain('"BreakGlass"');
  });

  it('puts every problem in the message as well', () => {
    // Act
    const act = () => readConfig({ ...BASE, MAX_ATTEMPTS: 'x', DRY_RUN: 'y' });

    // Assess
    expect(act).toThrow(/MAX_ATTEMPTS.*DRY_RUN|DRY_RUN.*MAX_ATTEMPTS/);
  });

  it.each([
    { case: 'both unset', env: { AWS_REGION: 'us-east-1' } },
    {
      case: 'both blank',
      env: { AWS_REGION: 'us-east-1', MANAGED_EVENT_DATA_STORES: '  ', OPT_IN_TAG: '' },
    },
    {
      case: 'a list of only commas',
      env: { AWS_REGION: 'us-east-1', MANAGED_EVENT_DATA_STORES: ' , ,' },
    },
  ])('fails without MANAGED_EVENT_DATA_STORES or OPT_IN_TAG ($case)', ({ env }) => {
    // Act
    const problems = readProblems(env);

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('MANAGED_EVENT_DATA_STORES');
    expect(problems[0]).toContain('OPT_IN_TAG');
  });

  it('accepts OPT_IN_TAG alone as the way stores are managed', () => {
    // Act
    const config = readConfig({ AWS_REGION: 'us-east-1', OPT_IN_TAG: 'guard=on' });

    // Assess
    expect(config.managedStores).toEqual([]);
    expect(config.optInTag).toEqual({ key: 'guard', value: 'on' });
  });

  it.each(['managed', '=true', ' = true'])(
    'rejects OPT_IN_TAG="%s", which is not key=value',
    (raw) => {
      // Act
      const problems = readProblems({ ...BASE, OPT_IN_TAG: raw });

      // Assess
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^OPT_IN_TAG must be key=value/);
    },
  );

  it.each([
    { key: 'MAX_ATTEMPTS', raw: '21' },
    { key: 'MAX_ATTEMPTS', raw: '-1' },
    { key: 'MAX_ATTEMPTS', raw: 'five' },
    { key: 'MAX_ATTEMPTS', raw: '3.5' },
    { key: 'MAX_ATTEMPTS', raw: 'Infinity' },
    { key: 'RETRY_BASE_DELAY_MS', raw: '0' },
    { key: 'STORE_CONCURRENCY', raw: '0' },
    { key: 'STORE_CONCURRENCY', raw: '17' },
    { key: 'VERIFY_INTERVAL_MS', raw: '9' },
    { key: 'DEADLINE_MARGIN_MS', raw: '60001' },
    // Below middy's early timeout (5 ms) plus the time to finish, middy would answer first
    // and the function's own result would be lost.
    { key: 'DEADLINE_MARGIN_MS', raw: '4' },
    { key: 'DEADLINE_MARGIN_MS', raw: '199' },
    { key: 'IDEMPOTENCY_EXPIRY_SECONDS', raw: '2592001' },
    { key: 'DRY_RUN', raw: 'enabled' },
    { key: 'MANAGED_EVENT_DATA_STORES', raw: 'ab' },
    { key: 'MANAGED_EVENT_DATA_STORES', raw: `${'x'.repeat(257)}` },
    {
      key: 'MANAGED_EVENT_DATA_STORES',
      raw: 'arn:aws:cloudtrail:eu-west-1:123456789012:eventdatastore/x/../a3f1c0de',
    },
    { key: 'MANAGED_EVENT_DATA_STORES', raw: 'arn:aws:cloudtrail:eu-west-1:123456789012:trail/t1' },
    { key: 'MANAGED_EVENT_DATA_STORES', raw: 'x/../a3f1c0de' },
    { key: 'AUTHORIZED_STOPPERS', raw: '*' },
  ])('rejects $key=$raw', ({ key, raw }) => {
    // Act
    const problems = readProblems({ ...BASE, [key]: raw });

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(key);
  });

  it('rejects a RETRY_MAX_DELAY_MS below RETRY_BASE_DELAY_MS', () => {
    // Act
    const problems = readProblems({
      ...BASE,
      RETRY_BASE_DELAY_MS: '1000',
      RETRY_MAX_DELAY_MS: '999',
    });

    // Assess
    expect(problems).toEqual(['RETRY_MAX_DELAY_MS must not be below RETRY_BASE_DELAY_MS']);
  });

  it('accepts a RETRY_MAX_DELAY_MS equal to RETRY_BASE_DELAY_MS', () => {
    // Act
    const config = readConfig({ ...BASE, RETRY_BASE_DELAY_MS: '1000', RETRY_MAX_DELAY_MS: '1000' });

    // Assess
    expect(config).toMatchObject({ retryBaseDelayMs: 1_000, retryMaxDelayMs: 1_000 });
  });

  it('trims whitespace around every value and list item', () => {
    // Prepare
    const env: Env = {
      AWS_REGION: ' eu-central-1 ',
      MANAGED_EVENT_DATA_STORES: ` ${ARN} ,, b7e2d1f0 ,`,
      OPT_IN_TAG: '  team = secops  ',
      EXEMPT_TAG_KEY: '\tguard:until\n',
      AUTHORIZED_STOPPERS: ' arn:aws:iam::123456789012:role/A ,  ',
      DRY_RUN: ' yes ',
      MAX_ATTEMPTS: ' 7 ',
      IDEMPOTENCY_TABLE: ' table ',
    };

    // Act
    const config = readConfig(env);

    // Assess
    expect(config).toMatchObject({
      region: 'eu-central-1',
      managedStores: [ARN, 'b7e2d1f0'],
      optInTag: { key: 'team', value: 'secops' },
      exemptTagKey: 'guard:until',
      authorizedActors: ['arn:aws:iam::123456789012:role/A'],
      dryRun: true,
      maxAttempts: 7,
      idempotencyTable: 'table',
    });
  });

  it('treats a blank value as unset', () => {
    // Act
    const config = readConfig({
      ...BASE,
      EXEMPT_TAG_KEY: '   ',
      IDEMPOTENCY_TABLE: '',
      MAX_ATTEMPTS: ' ',
    });

    // Assess
    expect(config.exemptTagKey).toBe(DEFAULTS.EXEMPT_TAG_KEY);
    expect(config.idempotencyTable).toBeUndefined();
    expect(config.maxAttempts).toBe(DEFAULTS.MAX_ATTEMPTS);
  });

  it('returns a config frozen all the way down', () => {
    // Prepare
    const config = readConfig({
      ...BASE,
      OPT_IN_TAG: 'k=v',
      AUTHORIZED_STOPPERS: 'arn:aws:iam::123456789012:role/A',
    });

    // Act
    const mutations = [
      () => Object.assign(config, { dryRun: true }),
      () => (config.managedStores as string[]).push('intruder'),
      () => (config.authorizedActors as string[]).push('arn:*'),
      () => Object.assign(config.optInTag ?? {}, { value: 'x' }),
    ];

    // Assess
    expect(Object.isFrozen(config)).toBe(true);
    for (const mutate of mutations) expect(mutate).toThrow(TypeError);
    expect(config.dryRun).toBe(false);
    expect(config.managedStores).toEqual(['a3f1c0de']);
  });

  it('does not read process.env, only the env it is given', () => {
    // Prepare
    process.env.DRY_RUN = 'true';

    // Act
    const config = readConfig(BASE);

    // Assess
    expect(config.dryRun).toBe(false);
  });
});

describe('Constant: ENV_VARS', () => {
  it('lists exactly the variables readConfig reads (besides the region, which Lambda sets)', () => {
    // Prepare
    const read = new Set<string>();
    const env = new Proxy<Env>(
      { ...BASE },
      {
        get(target, key) {
          if (typeof key === 'string') read.add(key);
          return typeof key === 'string' ? target[key] : undefined;
        },
      },
    );

    // Act
    readConfig(env);

    // Assess
    const own = [...read].filter((key) => key !== 'AWS_REGION' && key !== 'AWS_DEFAULT_REGION');
    expect(own.sort()).toEqual([...ENV_VARS].sort());
    expect(new Set(ENV_VARS).size).toBe(ENV_VARS.length);
  });

  it.each([...ENV_VARS])('has %s change the outcome when it is set', (key) => {
    // Prepare
    const baseline = readConfig(BASE);
    const env: Env = { ...BASE, [key]: '!bad value!' };

    // Act
    const problems = readProblems(env);

    // Assess: either it is rejected, naming the variable, or it is accepted and changes the config
    if (problems.length > 0) {
      expect(problems.some((problem) => problem.includes(key))).toBe(true);
    } else {
      expect(readConfig(env)).not.toEqual(baseline);
    }
  });
});
