import { ConfigError } from './errors.js';
import { isStoreReference } from './identifiers.js';

export interface Config {
  /** AWS region the function runs in (Lambda sets `AWS_REGION`). */
  readonly region: string;
  /** ARNs or ID suffixes of managed stores (`MANAGED_EVENT_DATA_STORES`). */
  readonly managedStores: readonly string[];
  /** `OPT_IN_TAG` as key and value: a store with this tag is managed. */
  readonly optInTag: { readonly key: string; readonly value: string } | undefined;
  /** Tag whose ISO-8601 value exempts a store until then. */
  readonly exemptTagKey: string;
  /**
   * ARN patterns (`*` = any run of characters) of the actors whose stops, deletes, changes and
   * exemptions are respected (`AUTHORIZED_ACTORS`, or its deprecated alias `AUTHORIZED_STOPPERS`).
   */
  readonly authorizedActors: readonly string[];
  /** Only the deprecated `AUTHORIZED_STOPPERS` is set: warned about at cold start. */
  readonly deprecatedAuthorizedStoppers: boolean;
  /** DynamoDB table of baselines (and stop counts); undefined: drift is not tracked. */
  readonly stateTable: string | undefined;
  /** Restore a deleted (PENDING_DELETION) managed store. */
  readonly restoreDeleted: boolean;
  /** Turn termination protection back on when it is found off. */
  readonly enforceTerminationProtection: boolean;
  /** An exemption ending further ahead than this is no exemption. */
  readonly maxExemptionHours: number;
  /** The function's own role: calls it made are recognised (`own-action`). */
  readonly guardRoleArn: string | undefined;
  /** SNS topic the incident is published to. */
  readonly notifyTopicArn: string | undefined;
  /** EventBridge bus (name or ARN) the incident is put on. */
  readonly notifyEventBus: string | undefined;
  /** Import findings into Security Hub (CSPM, ASFF). */
  readonly securityHub: boolean;
  /** Stops of one store within the window that make the incident CRITICAL. */
  readonly restopThreshold: number;
  readonly restopWindowMinutes: number;
  /** Decide and log, never start. */
  readonly dryRun: boolean;
  /** Attempts per store, all retries of every layer together. */
  readonly maxAttempts: number;
  /** Requests per read call (GetEventDataStore, ListTags, the listing), retries included. */
  readonly readMaxAttempts: number;
  /** Base of the exponential backoff between our attempts. */
  readonly retryBaseDelayMs: number;
  /** Cap of one backoff delay. */
  readonly retryMaxDelayMs: number;
  /** Time kept back before the Lambda deadline: no attempt or poll starts inside it. */
  readonly deadlineMarginMs: number;
  /** Stores handled at the same time in one invocation. */
  readonly storeConcurrency: number;
  /** How long to poll GetEventDataStore after a start, and between polls. */
  readonly verifyTimeoutMs: number;
  readonly verifyIntervalMs: number;
  /** DynamoDB table for idempotency; undefined disables idempotency. */
  readonly idempotencyTable: string | undefined;
  /** How long a delivery's stored result is kept. */
  readonly idempotencyExpirySeconds: number;
}

/**
 * Every environment variable the function reads itself (Powertools reads its own
 * `POWERTOOLS_*` variables; the SDK reads `AWS_*`). The template sets exactly these.
 */
export const ENV_VARS = [
  'MANAGED_EVENT_DATA_STORES',
  'OPT_IN_TAG',
  'EXEMPT_TAG_KEY',
  'AUTHORIZED_ACTORS',
  'AUTHORIZED_STOPPERS',
  'DRY_RUN',
  'MAX_ATTEMPTS',
  'READ_MAX_ATTEMPTS',
  'RETRY_BASE_DELAY_MS',
  'RETRY_MAX_DELAY_MS',
  'DEADLINE_MARGIN_MS',
  'STORE_CONCURRENCY',
  'VERIFY_TIMEOUT_MS',
  'VERIFY_INTERVAL_MS',
  'IDEMPOTENCY_TABLE',
  'IDEMPOTENCY_EXPIRY_SECONDS',
  'STATE_TABLE',
  'RESTORE_DELETED',
  'ENFORCE_TERMINATION_PROTECTION',
  'MAX_EXEMPTION_HOURS',
  'GUARD_ROLE_ARN',
  'NOTIFY_TOPIC_ARN',
  'NOTIFY_EVENT_BUS',
  'SECURITY_HUB',
  'RESTOP_THRESHOLD',
  'RESTOP_WINDOW_MINUTES',
] as const;

export type EnvVar = (typeof ENV_VARS)[number];

/** Defaults, documented in the README's configuration table. */
export const DEFAULTS = {
  EXEMPT_TAG_KEY: 'ingestion-guard:exempt-until',
  DRY_RUN: false,
  MAX_ATTEMPTS: 5,
  // Reads are idempotent and cheap: at 30 % transient faults, 10 attempts leave 6 in a million
  // reads unanswered, where 5 left a sweep's listing unanswered in 1 round of 400.
  READ_MAX_ATTEMPTS: 10,
  RETRY_BASE_DELAY_MS: 200,
  RETRY_MAX_DELAY_MS: 5_000,
  DEADLINE_MARGIN_MS: 2_000,
  // The default quota is 10 stores per region: a sweep touches every store at once (the SDK
  // retries throttling within the attempt budget).
  STORE_CONCURRENCY: 10,
  VERIFY_TIMEOUT_MS: 20_000,
  VERIFY_INTERVAL_MS: 1_000,
  IDEMPOTENCY_EXPIRY_SECONDS: 3_600,
  RESTORE_DELETED: false,
  ENFORCE_TERMINATION_PROTECTION: false,
  MAX_EXEMPTION_HOURS: 72,
  SECURITY_HUB: false,
  RESTOP_THRESHOLD: 3,
  RESTOP_WINDOW_MINUTES: 60,
} as const;

/**
 * The smallest DEADLINE_MARGIN_MS: middy answers with its own TimeoutError 5 ms before the Lambda
 * deadline (`timeoutEarlyInMillis`), so the function's deadline must fall well before that,
 * leaving time to abort the calls in flight, build the result and record it.
 */
export const MIN_DEADLINE_MARGIN_MS = 200;

type Env = Readonly<Record<string, string | undefined>>;

/** Small typed readers over the environment; each bad value is added to `problems`. */
function createReaders(env: Env, problems: string[]) {
  const text = (key: string): string | undefined => {
    const value = env[key]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const list = (key: EnvVar): string[] =>
    (text(key) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  const integer = (key: EnvVar, fallback: number, min: number, max: number): number => {
    const raw = text(key);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${key} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };
  const boolean = (key: EnvVar, fallback: boolean): boolean => {
    const raw = text(key)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['true', '1', 'yes', 'on'].includes(raw)) return true;
    if (['false', '0', 'no', 'off'].includes(raw)) return false;
    problems.push(`${key} must be true or false, got "${text(key)}"`);
    return fallback;
  };
  return { text, list, integer, boolean };
}

type Readers = ReturnType<typeof createReaders>;

/** Which stores are managed: the listed ones and/or those with the opt-in tag. */
function readManagement(read: Readers, problems: string[]) {
  const managedStores = read.list('MANAGED_EVENT_DATA_STORES');
  for (const store of managedStores) {
    if (!isStoreReference(store)) {
      problems.push(
        `MANAGED_EVENT_DATA_STORES holds "${store}", which is neither an ARN nor an ID`,
      );
    }
  }
  let optInTag: Config['optInTag'];
  const rawTag = read.text('OPT_IN_TAG');
  if (rawTag !== undefined) {
    const at = rawTag.indexOf('=');
    const key = rawTag.slice(0, at).trim();
    if (at < 1 || key === '') problems.push(`OPT_IN_TAG must be key=value, got "${rawTag}"`);
    else optInTag = { key, value: rawTag.slice(at + 1).trim() };
  }
  if (managedStores.length === 0 && rawTag === undefined) {
    problems.push('set MANAGED_EVENT_DATA_STORES and/or OPT_IN_TAG: no store is managed');
  }
  return { managedStores, optInTag };
}

/** `AUTHORIZED_ACTORS`, or the deprecated `AUTHORIZED_STOPPERS` when only it is set. */
function readAuthorizedActors(read: Readers, problems: string[]) {
  const deprecated = read.text('AUTHORIZED_ACTORS') === undefined;
  const key = deprecated ? 'AUTHORIZED_STOPPERS' : 'AUTHORIZED_ACTORS';
  const patterns = read.list(key);
  for (const pattern of patterns) {
    if (!pattern.startsWith('arn:')) {
      problems.push(`${key} holds "${pattern}", which is not an ARN pattern`);
    }
  }
  return {
    authorizedActors: patterns,
    deprecatedAuthorizedStoppers: deprecated && read.text('AUTHORIZED_STOPPERS') !== undefined,
  };
}

/** An optional ARN setting: unset, or an ARN. */
function readArn(read: Readers, key: EnvVar, problems: string[]): string | undefined {
  const value = read.text(key);
  if (value !== undefined && !value.startsWith('arn:')) {
    problems.push(`${key} must be an ARN, got "${value}"`);
  }
  return value;
}

/** Baselines, remediation beyond starting, exemptions, notifications and re-stop escalation. */
function readIntegrity(read: Readers, problems: string[]) {
  return {
    stateTable: read.text('STATE_TABLE'),
    restoreDeleted: read.boolean('RESTORE_DELETED', DEFAULTS.RESTORE_DELETED),
    enforceTerminationProtection: read.boolean(
      'ENFORCE_TERMINATION_PROTECTION',
      DEFAULTS.ENFORCE_TERMINATION_PROTECTION,
    ),
    maxExemptionHours: read.integer('MAX_EXEMPTION_HOURS', DEFAULTS.MAX_EXEMPTION_HOURS, 1, 8_760),
    guardRoleArn: readArn(read, 'GUARD_ROLE_ARN', problems),
    notifyTopicArn: readArn(read, 'NOTIFY_TOPIC_ARN', problems),
    notifyEventBus: read.text('NOTIFY_EVENT_BUS'),
    securityHub: read.boolean('SECURITY_HUB', DEFAULTS.SECURITY_HUB),
    restopThreshold: read.integer('RESTOP_THRESHOLD', DEFAULTS.RESTOP_THRESHOLD, 2, 100),
    restopWindowMinutes: read.integer(
      'RESTOP_WINDOW_MINUTES',
      DEFAULTS.RESTOP_WINDOW_MINUTES,
      1,
      10_080,
    ),
  };
}

/** Attempts, backoff, deadline margin, concurrency and verification. */
function readRetries(read: Readers, problems: string[]) {
  const retryBaseDelayMs = read.integer(
    'RETRY_BASE_DELAY_MS',
    DEFAULTS.RETRY_BASE_DELAY_MS,
    1,
    60_000,
  );
  const retryMaxDelayMs = read.integer(
    'RETRY_MAX_DELAY_MS',
    DEFAULTS.RETRY_MAX_DELAY_MS,
    1,
    300_000,
  );
  if (retryMaxDelayMs < retryBaseDelayMs) {
    problems.push('RETRY_MAX_DELAY_MS must not be below RETRY_BASE_DELAY_MS');
  }
  return {
    maxAttempts: read.integer('MAX_ATTEMPTS', DEFAULTS.MAX_ATTEMPTS, 1, 20),
    readMaxAttempts: read.integer('READ_MAX_ATTEMPTS', DEFAULTS.READ_MAX_ATTEMPTS, 1, 50),
    retryBaseDelayMs,
    retryMaxDelayMs,
    deadlineMarginMs: read.integer(
      'DEADLINE_MARGIN_MS',
      DEFAULTS.DEADLINE_MARGIN_MS,
      MIN_DEADLINE_MARGIN_MS,
      60_000,
    ),
    storeConcurrency: read.integer('STORE_CONCURRENCY', DEFAULTS.STORE_CONCURRENCY, 1, 16),
    verifyTimeoutMs: read.integer('VERIFY_TIMEOUT_MS', DEFAULTS.VERIFY_TIMEOUT_MS, 0, 600_000),
    verifyIntervalMs: read.integer('VERIFY_INTERVAL_MS', DEFAULTS.VERIFY_INTERVAL_MS, 10, 60_000),
  };
}

/** Reads and checks the whole configuration; a `ConfigError` lists every problem at once. */
export function readConfig(env: Env): Readonly<Config> {
  const problems: string[] = [];
  const read = createReaders(env, problems);
  const region = read.text('AWS_REGION') ?? read.text('AWS_DEFAULT_REGION');
  if (region === undefined) problems.push('AWS_REGION is not set');
  const config: Config = {
    region: region ?? '',
    ...readManagement(read, problems),
    exemptTagKey: read.text('EXEMPT_TAG_KEY') ?? DEFAULTS.EXEMPT_TAG_KEY,
    ...readAuthorizedActors(read, problems),
    dryRun: read.boolean('DRY_RUN', DEFAULTS.DRY_RUN),
    ...readRetries(read, problems),
    idempotencyTable: read.text('IDEMPOTENCY_TABLE'),
    idempotencyExpirySeconds: read.integer(
      'IDEMPOTENCY_EXPIRY_SECONDS',
      DEFAULTS.IDEMPOTENCY_EXPIRY_SECONDS,
      60,
      30 * 86_400,
    ),
    ...readIntegrity(read, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  // Frozen all the way down: the config lives at module scope across invocations.
  Object.freeze(config.managedStores);
  Object.freeze(config.authorizedActors);
  if (config.optInTag !== undefined) Object.freeze(config.optInTag);
  return Object.freeze(config);
}
