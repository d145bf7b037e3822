import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { checkSamLocalEndpoints } from '../../src/local-endpoints.js';

type Env = Record<string, string | undefined>;

const LOCAL = {
  AWS_ENDPOINT_URL_CLOUDTRAIL: 'http://host.docker.internal:8611',
  AWS_ENDPOINT_URL_DYNAMODB: 'http://host.docker.internal:8612',
};

/** The problems checkSamLocalEndpoints reports; [] when it accepts the environment. */
function problemsOf(
  env: Env,
  idempotencyTable?: string,
  more: Partial<Parameters<typeof checkSamLocalEndpoints>[1]> = {},
): readonly string[] {
  const config = {
    idempotencyTable,
    stateTable: undefined,
    notifyTopicArn: undefined,
    notifyEventBus: undefined,
    securityHub: false,
    ...more,
  };
  try {
    checkSamLocalEndpoints(env, config);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('Function: checkSamLocalEndpoints', () => {
  it.each([
    {
      setting: 'STATE_TABLE',
      more: { stateTable: 'guard-state' },
      variable: 'AWS_ENDPOINT_URL_DYNAMODB',
    },
    {
      setting: 'NOTIFY_TOPIC_ARN',
      more: { notifyTopicArn: 'arn:aws:sns:us-east-1:012345678912:t' },
      variable: 'AWS_ENDPOINT_URL_SNS',
    },
    {
      setting: 'NOTIFY_EVENT_BUS',
      more: { notifyEventBus: 'security' },
      variable: 'AWS_ENDPOINT_URL_EVENTBRIDGE',
    },
    {
      setting: 'SECURITY_HUB',
      more: { securityHub: true },
      variable: 'AWS_ENDPOINT_URL_SECURITYHUB',
    },
  ])(
    'asks for $variable under sam local when $setting switches its client on',
    ({ more, variable }) => {
      // Act
      const env = {
        AWS_SAM_LOCAL: 'true',
        AWS_ENDPOINT_URL_CLOUDTRAIL: LOCAL.AWS_ENDPOINT_URL_CLOUDTRAIL,
      };
      const problems = problemsOf(env, undefined, more);
      const without = problemsOf(env, undefined);

      // Assess
      expect(problems).toEqual([expect.stringContaining(variable)]);
      expect(without).toEqual([]);
    },
  );

  it.each<[string, Env, string | undefined, string[]]>([
    [
      'both endpoints missing, with a table',
      { AWS_SAM_LOCAL: 'true' },
      'guard-idempotency',
      ['AWS_ENDPOINT_URL_CLOUDTRAIL', 'AWS_ENDPOINT_URL_DYNAMODB'],
    ],
    [
      'the CloudTrail endpoint empty, as the template declares it',
      {
        AWS_SAM_LOCAL: 'true',
        AWS_ENDPOINT_URL_CLOUDTRAIL: ' ',
        AWS_ENDPOINT_URL_DYNAMODB: LOCAL.AWS_ENDPOINT_URL_DYNAMODB,
      },
      'guard-idempotency',
      ['AWS_ENDPOINT_URL_CLOUDTRAIL'],
    ],
    [
      'the DynamoDB endpoint missing while a table is set',
      { AWS_SAM_LOCAL: 'true', AWS_ENDPOINT_URL_CLOUDTRAIL: LOCAL.AWS_ENDPOINT_URL_CLOUDTRAIL },
      'guard-idempotency',
      ['AWS_ENDPOINT_URL_DYNAMODB'],
    ],
  ])(
    'refuses to start under sam local with %s, naming each variable',
    (_label, env, table, named) => {
      // Act
      const problems = problemsOf(env, table);

      // Assess: one problem per variable, saying why and what to do
      expect(problems).toHaveLength(named.length);
      for (const [index, variable] of named.entries()) {
        expect(problems[index]).toContain(variable);
        expect(problems[index]).toContain('real AWS account');
        expect(problems[index]).toContain('npm run local-stack');
      }
    },
  );

  it.each<[string, Env, string | undefined]>([
    ['both endpoints set', { AWS_SAM_LOCAL: 'true', ...LOCAL }, 'guard-idempotency'],
    [
      'the CloudTrail endpoint and no table',
      { AWS_SAM_LOCAL: 'true', AWS_ENDPOINT_URL_CLOUDTRAIL: LOCAL.AWS_ENDPOINT_URL_CLOUDTRAIL },
      undefined,
    ],
    [
      "the SDK's AWS_ENDPOINT_URL for every service",
      { AWS_SAM_LOCAL: 'true', AWS_ENDPOINT_URL: 'http://host.docker.internal:4566' },
      'guard-idempotency',
    ],
    [
      'no endpoint outside sam local (as deployed)',
      { AWS_ENDPOINT_URL_CLOUDTRAIL: '', AWS_ENDPOINT_URL_DYNAMODB: '' },
      'guard-idempotency',
    ],
    [
      'AWS_SAM_LOCAL set to something else than true',
      { AWS_SAM_LOCAL: 'false' },
      'guard-idempotency',
    ],
  ])('accepts %s', (_label, env, table) => {
    // Act
    const problems = problemsOf(env, table);

    // Assess
    expect(problems).toEqual([]);
  });
});
