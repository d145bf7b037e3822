/**
 * The environment `sam local invoke` gives the function, as SAM CLI builds it
 * (samcli/local/lambdafn/env_vars.py): SAM's own `AWS_*` variables, then every variable the
 * template declares — the template's value, replaced by the shell's, replaced by env.json's.
 * A variable the template does not declare never reaches the function.
 */
import type { TemplateFunction } from './template-function.js';

/** The credentials and region SAM passes (from the profile, or these placeholders). */
export interface SamCredentials {
  readonly key: string;
  readonly secret: string;
  readonly sessionToken?: string;
  readonly region: string;
}

/** What SAM passes when it finds no credentials. */
export const SAM_PLACEHOLDER_CREDENTIALS: SamCredentials = {
  key: 'defaultkey',
  secret: 'defaultsecret',
  region: 'us-east-1',
};

/** The account in the `invokedFunctionArn` of sam local's runtime interface emulator. */
export const RIE_ACCOUNT = '012345678912';

/** The `invokedFunctionArn` sam local's runtime interface emulator gives the function. */
export const rieFunctionArn = (functionName: string): string =>
  `arn:aws:lambda:us-east-1:${RIE_ACCOUNT}:function:${functionName}`;

/** SAM's `AWS_*` variables for the function (its name is the template's logical id). */
export function samAwsVariables(
  fn: TemplateFunction,
  credentials: SamCredentials,
): Record<string, string> {
  return {
    AWS_SAM_LOCAL: 'true',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_FUNCTION_TIMEOUT: String(fn.timeout),
    AWS_LAMBDA_FUNCTION_HANDLER: fn.handler,
    AWS_LAMBDA_FUNCTION_NAME: fn.logicalId,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_LOG_GROUP_NAME: fn.logGroup ?? `aws/lambda/${fn.logicalId}`,
    AWS_LAMBDA_LOG_STREAM_NAME: '$LATEST',
    AWS_REGION: credentials.region,
    AWS_DEFAULT_REGION: credentials.region,
    AWS_ACCESS_KEY_ID: credentials.key,
    AWS_SECRET_ACCESS_KEY: credentials.secret,
    AWS_ACCOUNT_ID: '123456789012',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    ...(credentials.sessionToken && { AWS_SESSION_TOKEN: credentials.sessionToken }),
    ...(fn.logFormat !== undefined && { AWS_LAMBDA_LOG_FORMAT: fn.logFormat }),
    ...(fn.logFormat === 'JSON' && { AWS_LAMBDA_LOG_LEVEL: fn.applicationLogLevel ?? 'INFO' }),
  };
}

/** Each declared variable's value: env.json's, else the shell's, else the template's. */
export function declaredVariables(
  fn: TemplateFunction,
  envFile: Readonly<Record<string, string>>,
  shell: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fn.variables).map(([name, value]) => [
      name,
      envFile[name] ?? shell[name] ?? value,
    ]),
  );
}

/** The whole environment sam local gives the function, and nothing else. */
export function samEnvironment(
  fn: TemplateFunction,
  inputs: {
    readonly envFile: Readonly<Record<string, string>>;
    readonly shell: Readonly<Record<string, string | undefined>>;
    readonly credentials: SamCredentials;
  },
): Record<string, string> {
  return {
    ...samAwsVariables(fn, inputs.credentials),
    ...declaredVariables(fn, inputs.envFile, inputs.shell),
  };
}
