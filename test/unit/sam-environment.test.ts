import { describe, expect, it } from 'vitest';
import {
  rieFunctionArn,
  SAM_PLACEHOLDER_CREDENTIALS,
  samEnvironment,
} from '../../local/sam-environment.js';
import type { TemplateFunction } from '../../local/template-function.js';

const FUNCTION: TemplateFunction = {
  logicalId: 'IngestionGuardFunction',
  handler: 'handler.handler',
  architectures: ['arm64'],
  memorySize: 256,
  timeout: 60,
  variables: { DRY_RUN: 'false', MAX_ATTEMPTS: '5', OPT_IN_TAG: '' },
  logFormat: 'JSON',
  applicationLogLevel: 'WARN',
  logGroup: 'LogGroup',
};

describe('Function: samEnvironment', () => {
  it("gives each declared variable env.json's value, else the shell's, else the template's", () => {
    // Act
    const env = samEnvironment(FUNCTION, {
      envFile: { DRY_RUN: 'true' },
      shell: { DRY_RUN: 'false', MAX_ATTEMPTS: '9' },
      credentials: SAM_PLACEHOLDER_CREDENTIALS,
    });

    // Assess
    expect(env).toMatchObject({ DRY_RUN: 'true', MAX_ATTEMPTS: '9', OPT_IN_TAG: '' });
  });

  it('passes no variable the template does not declare, from the shell or from env.json', () => {
    // Act
    const env = samEnvironment(FUNCTION, {
      envFile: { DRYRUN: 'true' },
      shell: { PATH: '/usr/bin', HOME: '/home/me', AWS_PROFILE: 'prod' },
      credentials: SAM_PLACEHOLDER_CREDENTIALS,
    });

    // Assess: SAM's own AWS_* variables and the declared ones, nothing else
    const own = Object.keys(env).filter((key) => !(key in FUNCTION.variables));
    expect(own.every((key) => key.startsWith('AWS_'))).toBe(true);
    expect(env).not.toHaveProperty('DRYRUN');
    expect(env).not.toHaveProperty('PATH');
    expect(env).not.toHaveProperty('AWS_PROFILE');
  });

  it("sets SAM's variables: sam local, cold start, the function, its log format and level", () => {
    // Act
    const env = samEnvironment(FUNCTION, {
      envFile: {},
      shell: {},
      credentials: SAM_PLACEHOLDER_CREDENTIALS,
    });

    // Assess
    expect(env).toMatchObject({
      AWS_SAM_LOCAL: 'true',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_LAMBDA_FUNCTION_NAME: 'IngestionGuardFunction',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_LAMBDA_FUNCTION_TIMEOUT: '60',
      AWS_LAMBDA_FUNCTION_HANDLER: 'handler.handler',
      AWS_LAMBDA_LOG_FORMAT: 'JSON',
      AWS_LAMBDA_LOG_LEVEL: 'WARN',
      AWS_LAMBDA_LOG_GROUP_NAME: 'LogGroup',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'defaultkey',
      AWS_SECRET_ACCESS_KEY: 'defaultsecret',
    });
    expect(env).not.toHaveProperty('AWS_SESSION_TOKEN');
  });

  it('passes a session token only when the credentials have one', () => {
    // Act
    const env = samEnvironment(FUNCTION, {
      envFile: {},
      shell: {},
      credentials: { key: 'ASIAKEY', secret: 's', sessionToken: 'token', region: 'eu-west-1' },
    });

    // Assess
    expect(env).toMatchObject({ AWS_SESSION_TOKEN: 'token', AWS_REGION: 'eu-west-1' });
  });

  it('logs at INFO with JSON logs and no application level, and sets no level for text logs', () => {
    // Act
    const json = samEnvironment(
      { ...FUNCTION, applicationLogLevel: undefined },
      { envFile: {}, shell: {}, credentials: SAM_PLACEHOLDER_CREDENTIALS },
    );
    const text = samEnvironment(
      { ...FUNCTION, logFormat: 'Text' },
      { envFile: {}, shell: {}, credentials: SAM_PLACEHOLDER_CREDENTIALS },
    );

    // Assess
    expect(json.AWS_LAMBDA_LOG_LEVEL).toBe('INFO');
    expect(text).not.toHaveProperty('AWS_LAMBDA_LOG_LEVEL');
  });
});

describe('Function: rieFunctionArn', () => {
  it("is the runtime interface emulator's ARN: us-east-1, account 012345678912", () => {
    expect(rieFunctionArn('IngestionGuardFunction')).toBe(
      'arn:aws:lambda:us-east-1:012345678912:function:IngestionGuardFunction',
    );
  });
});
