/**
 * `sam local invoke` runs the function in a container with the user's own credentials, and SAM
 * marks it with `AWS_SAM_LOCAL=true`. There the function refuses to start unless its SDK clients
 * are pointed somewhere (`npm run local-stack` and `--env-vars env.json`): without an endpoint,
 * the SDK would call the real AWS account of those credentials. Deployed, nothing changes: Lambda
 * never sets `AWS_SAM_LOCAL`.
 */
import type { Config } from './config.js';
import { ConfigError } from './errors.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The SDK's endpoint variables for the clients the function uses (the template declares them). */
export const ENDPOINT_VARS = {
  cloudtrail: 'AWS_ENDPOINT_URL_CLOUDTRAIL',
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  sns: 'AWS_ENDPOINT_URL_SNS',
  eventbridge: 'AWS_ENDPOINT_URL_EVENTBRIDGE',
  securityhub: 'AWS_ENDPOINT_URL_SECURITYHUB',
} as const;

type EndpointConfig = Pick<
  Config,
  'idempotencyTable' | 'stateTable' | 'notifyTopicArn' | 'notifyEventBus' | 'securityHub'
>;

/** The endpoint variables the clients this configuration switches on need. */
function neededEndpoints(config: EndpointConfig): string[] {
  const usesDynamo = config.idempotencyTable !== undefined || config.stateTable !== undefined;
  return [
    ENDPOINT_VARS.cloudtrail,
    ...(usesDynamo ? [ENDPOINT_VARS.dynamodb] : []),
    ...(config.notifyTopicArn === undefined ? [] : [ENDPOINT_VARS.sns]),
    ...(config.notifyEventBus === undefined ? [] : [ENDPOINT_VARS.eventbridge]),
    ...(config.securityHub ? [ENDPOINT_VARS.securityhub] : []),
  ];
}

/** The SDK's endpoint for every service, read after the service's own. */
const ANY_SERVICE = 'AWS_ENDPOINT_URL';

const isSet = (env: Env, key: string): boolean => (env[key]?.trim() ?? '') !== '';

/** Throws a ConfigError naming each endpoint variable sam local leaves the function without. */
export function checkSamLocalEndpoints(env: Env, config: EndpointConfig): void {
  if (env.AWS_SAM_LOCAL?.trim() !== 'true' || isSet(env, ANY_SERVICE)) return;
  const problems = neededEndpoints(config)
    .filter((key) => !isSet(env, key))
    .map(
      (key) =>
        `${key} is not set under sam local (AWS_SAM_LOCAL=true): the function would call the ` +
        'real AWS account of your credentials; start `npm run local-stack` and pass ' +
        '--env-vars env.json',
    );
  if (problems.length > 0) throw new ConfigError(problems);
}
