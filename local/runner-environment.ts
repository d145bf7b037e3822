/**
 * The function's environment in the runner: what `sam local invoke` would give it (SAM's
 * variables, the declared ones from env.json, the shell and the template), then pointed at the
 * runner's local servers — or, with `--aws`, at the real account, without env.json's local
 * endpoints and tables, and as a dry run unless `--apply`.
 */
import { IDEMPOTENCY_KEY, STATE_KEY, type TableSpec } from './dynamodb.js';
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

/** The variables of env.json that only make sense against the local stack. */
const LOCAL_ONLY = [
  'AWS_ENDPOINT_URL_CLOUDTRAIL',
  'AWS_ENDPOINT_URL_DYNAMODB',
  ...Object.keys(TABLE_VARIABLES),
];

/** The tables the function will use, as the declared variables name them. */
export function tablesOf(fn: TemplateFunction, envFile: Env, shell: Shell): TableSpec[] {
  const declared = declaredVariables(fn, envFile, shell);
  return Object.entries(TABLE_VARIABLES).flatMap(([variable, key]) => {
    const name = declared[variable]?.trim() ?? '';
    return name === '' ? [] : [{ name, key }];
  });
}

/** Against the local servers, with fake credentials: signed for real, checked for presence only. */
export function localEnvironment(
  fn: TemplateFunction,
  envFile: Env,
  shell: Shell,
  local: { readonly region: string; readonly cloudtrail: string; readonly dynamodb?: string },
): Record<string, string> {
  return {
    ...samEnvironment(fn, {
      envFile,
      shell,
      credentials: { key: 'AKIDLOCALRUNNER', secret: 'local-runner-secret', region: local.region },
    }),
    AWS_ENDPOINT_URL_CLOUDTRAIL: local.cloudtrail,
    AWS_ENDPOINT_URL_DYNAMODB: local.dynamodb ?? '',
  };
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
