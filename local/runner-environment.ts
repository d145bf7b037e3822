/**
 * The function's environment in the runner: what `sam local invoke` would give it (SAM's
 * variables, the declared ones from env.json, the shell and the template), then pointed at the
 * runner's local servers — or, with `--aws`, at the real account, without env.json's local
 * endpoints and tables, and as a dry run unless `--apply`.
 */
import { IDEMPOTENCY_KEY, STATE_KEY, type TableSpec } from './dynamodb.js';
import { SINK_ENDPOINT_VARIABLES, sinkEndpoints } from './notification-sinks.js';
import type { RealAccount } from './real-account.js';
import { declaredVariables, samAwsVariables, samEnvironment } from './sam-environment.js';
import type { TemplateFunction } from './template-function.js';

type Env = Readonly<Record<string, string>>;
type Shell = Readonly<Record<string, string | undefined>>;

/** The variables that name the function's DynamoDB tables, and each table's partition key. */
export const TABLE_VARIABLES = {
  IDEMPOTENCY_TABLE: IDEMPOTENCY_KEY,
  STATE_TABLE: STATE_KEY,
} as const;

/** The variables that turn a notification sink on. */
export const SINK_VARIABLES = ['NOTIFY_TOPIC_ARN', 'NOTIFY_EVENT_BUS', 'SECURITY_HUB'] as const;

/**
 * The variables of env.json that only make sense against the local stack (its endpoints, its
 * tables, and the sinks it creates in moto).
 */
const LOCAL_ONLY: readonly string[] = [
  'AWS_ENDPOINT_URL_CLOUDTRAIL',
  'AWS_ENDPOINT_URL_DYNAMODB',
  ...SINK_ENDPOINT_VARIABLES,
  ...Object.keys(TABLE_VARIABLES),
  ...SINK_VARIABLES,
];

const isOn = (value: string | undefined): boolean =>
  ['true', '1', 'yes', 'on'].includes(value?.trim().toLowerCase() ?? '');

/** The sink variables that are set (SECURITY_HUB: on), so that a sink would be used. */
export function configuredSinks(env: Readonly<Record<string, string | undefined>>): string[] {
  return SINK_VARIABLES.filter((name) =>
    name === 'SECURITY_HUB' ? isOn(env[name]) : (env[name]?.trim() ?? '') !== '',
  );
}

/** The tables the function will use, as the declared variables name them. */
export function tablesOf(fn: TemplateFunction, envFile: Env, shell: Shell): TableSpec[] {
  const declared = declaredVariables(fn, envFile, shell);
  return Object.entries(TABLE_VARIABLES).flatMap(([variable, key]) => {
    const name = declared[variable]?.trim() ?? '';
    return name === '' ? [] : [{ name, key }];
  });
}

/** Where the local servers are; `sinks`: moto's sink variables (NOTIFY_*, endpoints). */
export interface LocalEndpoints {
  readonly region: string;
  readonly cloudtrail: string;
  readonly dynamodb?: string;
  readonly sinks?: Env;
}

/**
 * Against the local servers, with fake credentials: signed for real, checked for presence only.
 * Without moto, a sink that env.json or the shell turns on is an error: it would reach AWS.
 */
export function localEnvironment(
  fn: TemplateFunction,
  envFile: Env,
  shell: Shell,
  local: LocalEndpoints,
): Record<string, string> {
  const env = {
    ...samEnvironment(fn, {
      envFile,
      shell,
      credentials: { key: 'AKIDLOCALRUNNER', secret: 'local-runner-secret', region: local.region },
    }),
    AWS_ENDPOINT_URL_CLOUDTRAIL: local.cloudtrail,
    AWS_ENDPOINT_URL_DYNAMODB: local.dynamodb ?? '',
    ...sinkEndpoints(''),
    ...local.sinks,
  };
  const unreachable = local.sinks === undefined ? configuredSinks(env) : [];
  if (unreachable.length > 0) {
    throw new Error(
      `${unreachable.join(', ')} set: the function would notify AWS itself; add --moto (sinks in moto's server) or empty ${unreachable.length > 1 ? 'them' : 'it'}`,
    );
  }
  return env;
}

/** In the real account of the shell's credentials (never marked as sam local: that refuses it). */
export function realAccountEnvironment(
  fn: TemplateFunction,
  envFile: Env,
  shell: Shell,
  options: { readonly account: RealAccount; readonly apply: boolean },
): Record<string, string> {
  const { account } = options;
  const { AWS_SAM_LOCAL: _local, ...sam } = samAwsVariables(fn, {
    key: account.credentials.accessKeyId,
    secret: account.credentials.secretAccessKey,
    ...(account.credentials.sessionToken && { sessionToken: account.credentials.sessionToken }),
    region: account.region,
  });
  const ownFile = Object.fromEntries(
    Object.entries(envFile).filter(([name]) => !LOCAL_ONLY.includes(name)),
  );
  return {
    ...sam,
    AWS_ACCOUNT_ID: account.accountId,
    ...declaredVariables(fn, ownFile, shell),
    ...Object.fromEntries(Object.keys(TABLE_VARIABLES).map((name) => [name, ''])),
    ...(!options.apply && { DRY_RUN: 'true' }),
  };
}
