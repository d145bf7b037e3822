import { describe, expect, it } from 'vitest';
import { type Config, DEFAULTS, MIN_DEADLINE_MARGIN_MS, readConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

// The settings' defaults and bounds, by their values: each is written out here, so a changed
// default or bound fails a row.

type Env = Record<string, string | undefined>;

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
];

describe('Constant: DEFAULTS', () => {
  it('holds the documented defaults', () => {
    // Assess
    expect(DEFAULTS).toEqual({
      EXEMPT_TAG_KEY: 'ingestion-guard:exempt-until',
      DRY_RUN: false,
      MAX_ATTEMPTS: 5,
      RETRY_BASE_DELAY_MS: 200,
      RETRY_MAX_DELAY_MS: 5_000,
      DEADLINE_MARGIN_MS: 2_000,
      STORE_CONCURRENCY: 10,
      VERIFY_TIMEOUT_MS: 20_000,
      VERIFY_INTERVAL_MS: 1_000,
      IDEMPOTENCY_EXPIRY_SECONDS: 3_600,
    });
  });

  it('keeps the smallest DEADLINE_MARGIN_MS at 200 ms', () => {
    // Assess
    expect(MIN_DEADLINE_MARGIN_MS).toBe(200);
  });
});

describe('Function: readConfig', () => {
  it('applies the defaults when nothing is set', () => {
    // Act
    const config = readConfig(BASE);

    // Assess
    expect(config).toStrictEqual({
      region: 'eu-west-1',
      managedStores: ['a3f1c0de'],
      optInTag: undefined,
      exemptTagKey: 'ingestion-guard:exempt-until',
      authorizedStoppers: [],
      dryRun: false,
      maxAttempts: 5,
      retryBaseDelayMs: 200,
      retryMaxDelayMs: 5_000,
      deadlineMarginMs: 2_000,
      storeConcurrency: 10,
      verifyTimeoutMs: 20_000,
      verifyIntervalMs: 1_000,
      idempotencyTable: undefined,
      idempotencyExpirySeconds: 3_600,
    });
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
});
