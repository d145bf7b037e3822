import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBundle, buildOptions } from '../../esbuild.config.js';
import { readTemplateFunction } from '../../local/template-function.js';
import { DEFAULTS, ENV_VARS, readConfig } from '../../src/config.js';
import { ENDPOINT_VARS } from '../../src/local-endpoints.js';
import { parseTrigger } from '../../src/trigger.js';
import { matchesEventPattern } from '../support/event-pattern.js';
import {
  at,
  type CfnTemplate,
  grantLines,
  inlineStatements,
  onlyResource,
  ROOT,
  readJson,
  readSources,
  resource,
  resourcesOfType,
  runCfnLint,
  sdkOperationsImported,
  TEMPLATE_PATH,
  type TranslatedTemplate,
  translateTemplate,
} from '../support/template.js';

const FUNCTION_ID = 'IngestionGuardFunction';
const POWERTOOLS_VARS = [
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_LOG_LEVEL',
  'POWERTOOLS_METRICS_NAMESPACE',
] as const;
/** The rule the template must hold: successful stops only. */
const STOP_PATTERN = {
  source: ['aws.cloudtrail'],
  'detail-type': ['AWS API Call via CloudTrail'],
  detail: {
    eventSource: ['cloudtrail.amazonaws.com'],
    eventName: ['StopEventDataStoreIngestion'],
    errorCode: [{ exists: false }],
  },
};
const STORES_ARN = {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string
  'Fn::Sub': 'arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:eventdatastore/*',
};
const TABLE_ARN = { 'Fn::GetAtt': ['IdempotencyTable', 'Arn'] };
const DLQ_ARN = { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] };
const FUNCTION_ARN = { 'Fn::GetAtt': [FUNCTION_ID, 'Arn'] };
const ALERT_TOPIC_ARN = {
  'Fn::If': ['CreateAlertTopic', { Ref: 'AlertTopic' }, { Ref: 'ExistingAlertTopicArn' }],
};
const IDEMPOTENCY_ITEM_ACTIONS = ['DeleteItem', 'GetItem', 'PutItem', 'UpdateItem'];

// One transform for the whole file; a missing tool fails every test that needs it, by name.
let translated: TranslatedTemplate | undefined;
const load = (): TranslatedTemplate => {
  translated ??= translateTemplate();
  return translated;
};
const cfn = (): CfnTemplate => load().cfn;
const sam = (): CfnTemplate => load().sam;
const functionProperties = (): unknown => resource(cfn(), FUNCTION_ID).Properties;
const functionVariables = (): Record<string, unknown> =>
  (at(functionProperties(), 'Environment', 'Variables') ?? {}) as Record<string, unknown>;
const functionRole = () => {
  const roleId = at(functionProperties(), 'Role', 'Fn::GetAtt', 0);
  if (typeof roleId !== 'string') throw new Error('the function has no role of its own');
  return resource(cfn(), roleId);
};
const lambdaSubscriptions = (): unknown[] =>
  resourcesOfType(cfn(), 'AWS::SNS::Subscription')
    .map(([, item]) => item.Properties)
    .filter((properties) => at(properties, 'Protocol') === 'lambda');
const actionsOf = (service: string): string[] =>
  inlineStatements(functionRole())
    .flatMap((statement) =>
      typeof statement.Action === 'string' ? [statement.Action] : statement.Action,
    )
    .filter((action) => action.startsWith(`${service}:`))
    .sort();

describe('Template: cfn-lint', () => {
  it('passes cfn-lint without a finding', () => {
    // Act
    const run = runCfnLint();

    // Assess
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('Template: the SAM transform', () => {
  it('leaves no serverless resource behind', () => {
    // Act
    const types = Object.values(cfn().Resources).map((item) => item.Type);

    // Assess
    expect(types.filter((type) => type.startsWith('AWS::Serverless::'))).toEqual([]);
    expect(onlyResource(cfn(), 'AWS::Lambda::Function').id).toBe(FUNCTION_ID);
  });

  it('runs the handler on Node.js 24 and arm64, built by the makefile, logging JSON to its own log group', () => {
    // Act
    const fn = resource(cfn(), FUNCTION_ID);

    // Assess
    expect(fn.Metadata).toEqual({ BuildMethod: 'makefile' });
    expect(fn.Properties).toMatchObject({
      Handler: 'handler.handler',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      LoggingConfig: expect.objectContaining({ LogFormat: 'JSON', LogGroup: { Ref: 'LogGroup' } }),
    });
    expect(at(fn.Properties, 'MemorySize')).toBeLessThanOrEqual(512);
    expect(at(fn.Properties, 'Timeout')).toBeGreaterThanOrEqual(
      (DEFAULTS.VERIFY_TIMEOUT_MS + DEFAULTS.DEADLINE_MARGIN_MS) / 1000,
    );
  });

  it.each(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL'])(
    "logs at LogLevel=%s: Lambda's ApplicationLogLevel and POWERTOOLS_LOG_LEVEL say the same level",
    async (level) => {
      // Prepare: what Lambda sets from LoggingConfig (AWS_LAMBDA_LOG_LEVEL), which Powertools
      // obeys over POWERTOOLS_LOG_LEVEL
      const fn = resource(cfn(), FUNCTION_ID);
      const logging = at(fn.Properties, 'LoggingConfig') as Record<string, unknown>;
      const variables = at(fn.Properties, 'Environment', 'Variables') as Record<string, unknown>;
      expect(sam().Parameters?.LogLevel?.AllowedValues).toContain(level);
      expect(variables.POWERTOOLS_LOG_LEVEL).toEqual({ Ref: 'LogLevel' });
      expect(logging.ApplicationLogLevel).toEqual({
        'Fn::FindInMap': ['LogLevels', { Ref: 'LogLevel' }, 'ApplicationLogLevel'],
      });
      const mapped = at(sam(), 'Mappings', 'LogLevels', level, 'ApplicationLogLevel');
      expect(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']).toContain(mapped);
      const { Logger } = await import('@aws-lambda-powertools/logger');
      process.env.AWS_LAMBDA_LOG_LEVEL = String(mapped);
      process.env.POWERTOOLS_LOG_LEVEL = level;

      // Act
      const levelName = new Logger().getLevelName();
      delete process.env.AWS_LAMBDA_LOG_LEVEL;
      delete process.env.POWERTOOLS_LOG_LEVEL;

      // Assess
      expect(levelName).toBe(level);
    },
  );

  it('keeps the log group for the days the retention parameter says', () => {
    // Act
    const logGroup = resource(cfn(), 'LogGroup');

    // Assess
    expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup.Properties).toEqual({ RetentionInDays: { Ref: 'LogRetentionInDays' } });
    expect(sam().Parameters?.LogRetentionInDays?.AllowedValues).toContain(
      sam().Parameters?.LogRetentionInDays?.Default,
    );
  });

  it('invokes the function on a Scheduler schedule with its execution id, retries and a dead-letter queue', () => {
    // Act
    const { resource: schedule } = onlyResource(cfn(), 'AWS::Scheduler::Schedule');

    // Assess
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: { Ref: 'ScheduleExpression' },
      ScheduleExpressionTimezone: { Ref: 'ScheduleTimezone' },
      Target: {
        Arn: FUNCTION_ARN,
        Input: '{"executionId":"<aws.scheduler.execution-id>"}',
        RetryPolicy: { MaximumRetryAttempts: expect.any(Number) },
        DeadLetterConfig: { Arn: DLQ_ARN },
      },
    });
    expect(at(schedule.Properties, 'Name')).toBeUndefined();
    const roleId = at(schedule.Properties, 'Target', 'RoleArn', 'Fn::GetAtt', 0) as string;
    expect(grantLines(inlineStatements(resource(cfn(), roleId)))).toEqual([
      `lambda:InvokeFunction on ${JSON.stringify(FUNCTION_ARN)}`,
      `sqs:SendMessage on ${JSON.stringify(DLQ_ARN)}`,
    ]);
  });

  it('subscribes the function to the alert topic, created unless an existing topic is given', () => {
    // Act
    const subscriptions = lambdaSubscriptions();

    // Assess
    expect(subscriptions).toEqual([
      expect.objectContaining({
        Protocol: 'lambda',
        Endpoint: FUNCTION_ARN,
        TopicArn: ALERT_TOPIC_ARN,
        RedrivePolicy: { deadLetterTargetArn: DLQ_ARN },
      }),
    ]);
    expect(resource(cfn(), 'AlertTopic')).toMatchObject({
      Type: 'AWS::SNS::Topic',
      Condition: 'CreateAlertTopic',
    });
    expect(cfn().Conditions?.CreateAlertTopic).toEqual({
      'Fn::Equals': [{ Ref: 'ExistingAlertTopicArn' }, ''],
    });
    const permissions = resourcesOfType(cfn(), 'AWS::Lambda::Permission').map(([, item]) => item);
    expect(permissions.map((item) => item.Properties)).toContainEqual(
      expect.objectContaining({ Principal: 'sns.amazonaws.com', SourceArn: ALERT_TOPIC_ARN }),
    );
  });

  it('sends successful StopEventDataStoreIngestion calls to the function with the reference pattern', () => {
    // Act
    const { id, resource: rule } = onlyResource(cfn(), 'AWS::Events::Rule');

    // Assess
    expect(at(rule.Properties, 'EventPattern')).toEqual(STOP_PATTERN);
    expect(at(rule.Properties, 'Name')).toBeUndefined();
    expect(at(rule.Properties, 'Targets')).toEqual([
      expect.objectContaining({
        Arn: FUNCTION_ARN,
        RetryPolicy: expect.objectContaining({ MaximumRetryAttempts: expect.any(Number) }),
        DeadLetterConfig: { Arn: DLQ_ARN },
      }),
    ]);
    // EventBridge sends a target's dead letters with the queue's resource policy.
    const queuePolicy = at(
      onlyResource(cfn(), 'AWS::SQS::QueuePolicy').resource.Properties,
      'PolicyDocument',
      'Statement',
    );
    expect(queuePolicy).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: DLQ_ARN,
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [id, 'Arn'] } } },
      }),
    );
  });

  it('keeps idempotency records in an on-demand, encrypted, recoverable table keyed on id with TTL on expiration', () => {
    // Act
    const table = resource(cfn(), 'IdempotencyTable');

    // Assess
    expect(table.Type).toBe('AWS::DynamoDB::Table');
    expect(table.Properties).toEqual({
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    expect(functionVariables().IDEMPOTENCY_TABLE).toEqual({ Ref: 'IdempotencyTable' });
  });

  it('sends failed asynchronous invocations to the encrypted dead-letter queue', () => {
    // Act
    const { resource: invokeConfig } = onlyResource(cfn(), 'AWS::Lambda::EventInvokeConfig');

    // Assess
    expect(invokeConfig.Properties).toMatchObject({
      FunctionName: { Ref: FUNCTION_ID },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: expect.any(Number),
      MaximumEventAgeInSeconds: expect.any(Number),
      DestinationConfig: { OnFailure: { Destination: DLQ_ARN } },
    });
    expect(resource(cfn(), 'DeadLetterQueue')).toMatchObject({
      Type: 'AWS::SQS::Queue',
      Properties: { SqsManagedSseEnabled: true },
    });
    expect(grantLines(inlineStatements(functionRole()))).toContain(
      `sqs:SendMessage on ${JSON.stringify(DLQ_ARN)}`,
    );
  });

  it('alarms on function errors, dead-letter queue depth, ResumeFailures and every resume, on the alarm topic', () => {
    // Act
    const alarms = resourcesOfType(cfn(), 'AWS::CloudWatch::Alarm').map(
      ([, alarm]) => alarm.Properties,
    );

    // Assess
    expect(
      alarms.map((alarm) => [
        at(alarm, 'Namespace'),
        at(alarm, 'MetricName'),
        at(alarm, 'Dimensions'),
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['AWS/Lambda', 'Errors', [{ Name: 'FunctionName', Value: { Ref: FUNCTION_ID } }]],
        [
          'AWS/SQS',
          'ApproximateNumberOfMessagesVisible',
          [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] } }],
        ],
        [
          { Ref: 'MetricsNamespace' },
          'ResumeFailures',
          [{ Name: 'service', Value: { Ref: 'ServiceName' } }],
        ],
        [
          { Ref: 'MetricsNamespace' },
          'StoresResumed',
          [{ Name: 'service', Value: { Ref: 'ServiceName' } }],
        ],
      ]),
    );
    expect(alarms).toHaveLength(4);
    for (const alarm of alarms) {
      expect(at(alarm, 'AlarmActions')).toEqual([{ Ref: 'AlarmTopic' }]);
    }
    // The custom metric is the one Powertools emits: its namespace and service dimension.
    expect(functionVariables()).toMatchObject({
      POWERTOOLS_METRICS_NAMESPACE: { Ref: 'MetricsNamespace' },
      POWERTOOLS_SERVICE_NAME: { Ref: 'ServiceName' },
    });
    // The function never listens to the alarm topic (its error alarm would re-invoke it).
    expect(lambdaSubscriptions().map((subscription) => at(subscription, 'TopicArn'))).toEqual([
      ALERT_TOPIC_ARN,
    ]);
  });

  it('grants the function only its CloudTrail, DynamoDB and dead-letter actions, on its own resources', () => {
    // Act
    const role = functionRole();

    // Assess
    expect(grantLines(inlineStatements(role))).toEqual(
      [
        ...['GetEventDataStore', 'ListTags', 'StartEventDataStoreIngestion'].map(
          (op) => `cloudtrail:${op} on ${JSON.stringify(STORES_ARN)}`,
        ),
        'cloudtrail:ListEventDataStores on "*"',
        ...IDEMPOTENCY_ITEM_ACTIONS.map((op) => `dynamodb:${op} on ${JSON.stringify(TABLE_ARN)}`),
        `sqs:SendMessage on ${JSON.stringify(DLQ_ARN)}`,
      ].sort(),
    );
    expect(at(role.Properties, 'ManagedPolicyArns')).toEqual([
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    ]);
  });

  it('names no resource, so that stacks in many accounts and regions never collide', () => {
    // Prepare
    const nameProperty: Record<string, string> = {
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::IAM::Role': 'RoleName',
      'AWS::DynamoDB::Table': 'TableName',
      'AWS::SQS::Queue': 'QueueName',
      'AWS::SNS::Topic': 'TopicName',
      'AWS::Logs::LogGroup': 'LogGroupName',
      'AWS::Scheduler::Schedule': 'Name',
      'AWS::Events::Rule': 'Name',
      'AWS::CloudWatch::Alarm': 'AlarmName',
    };

    // Act
    const named = Object.entries(cfn().Resources)
      .filter(([, item]) => {
        const property = nameProperty[item.Type];
        return property !== undefined && at(item.Properties, property) !== undefined;
      })
      .map(([id]) => id);

    // Assess
    expect(named).toEqual([]);
  });

  it('documents every parameter, gives it a default, and requires some managed stores', () => {
    // Act
    const parameters = Object.entries(sam().Parameters ?? {});

    // Assess
    expect(parameters.length).toBeGreaterThan(0);
    for (const [name, parameter] of parameters) {
      expect(parameter.Description, name).toMatch(/\S/);
      expect(parameter.Default, name).toBeDefined();
    }
    expect(JSON.stringify(sam().Rules)).toContain('{"Ref":"ManagedEventDataStores"}');
    expect(JSON.stringify(sam().Rules)).toContain('{"Ref":"OptInTag"}');
  });

  it('outputs the function, the topics, the table, the dead-letter queue and the schedule', () => {
    // Act
    const outputs = cfn().Outputs ?? {};
    const { id: scheduleId } = onlyResource(cfn(), 'AWS::Scheduler::Schedule');

    // Assess
    expect(
      Object.fromEntries(Object.entries(outputs).map(([name, output]) => [name, output.Value])),
    ).toMatchObject({
      FunctionArn: FUNCTION_ARN,
      AlertTopicArn: ALERT_TOPIC_ARN,
      AlarmTopicArn: { Ref: 'AlarmTopic' },
      IdempotencyTableName: { Ref: 'IdempotencyTable' },
      DeadLetterQueueUrl: { Ref: 'DeadLetterQueue' },
      DeadLetterQueueArn: DLQ_ARN,
      ScheduleName: { Ref: scheduleId },
    });
  });
});

describe('Template: consistency with the code', () => {
  it('points the handler at the entry output of the one build definition', () => {
    // Prepare
    const [entry] = buildOptions.entryPoints;
    const makefile = readFileSync(path.join(ROOT, 'Makefile'), 'utf8');

    // Act
    const [file, exported] = String(at(functionProperties(), 'Handler')).split('.');
    const output = path.posix.join(
      buildOptions.outdir,
      `${path.parse(entry ?? '').name}${buildOptions.outExtension['.js']}`,
    );

    // Assess
    expect(output).toBe('dist/handler.mjs');
    expect(`${file}${buildOptions.outExtension['.js']}`).toBe(path.posix.basename(output));
    expect(exported).toBe('handler');
    expect(makefile).toMatch(/^build-IngestionGuardFunction:/m);
    expect(makefile).toMatch(/^\tnpm run build$/m);
    expect(makefile).toMatch(/^\tcp dist\/\*\.mjs "\$\(ARTIFACTS_DIR\)\/"$/m);
  });

  it('bundles an ESM handler with the SDK inside and only Node.js builtins outside', async () => {
    // Act
    const result = await buildBundle({ write: false });

    // Assess
    const outputs = Object.entries(result.metafile.outputs);
    const entryOutput = outputs.find(([, output]) => output.entryPoint === 'src/handler.ts');
    expect(entryOutput?.[0]).toBe('dist/handler.mjs');
    expect(entryOutput?.[1].exports).toContain('handler');
    const external = new Set(
      outputs.flatMap(([, output]) =>
        output.imports.filter((item) => item.external).map((item) => item.path),
      ),
    );
    const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    expect([...external].filter((name) => !builtins.has(name))).toEqual([]);
    expect(outputs.every(([file]) => file.endsWith('.mjs'))).toBe(true);
  });

  it("sets exactly the environment variables the code reads, Powertools' own and the SDK's endpoints", () => {
    // Act
    const keys = Object.keys(functionVariables()).sort();

    // Assess
    expect(keys).toEqual([...ENV_VARS, ...POWERTOOLS_VARS, ...Object.values(ENDPOINT_VARS)].sort());
  });

  it("declares the SDK's endpoint variables empty: deployed, the clients use the real endpoints", () => {
    // Act
    const variables = functionVariables();

    // Assess: empty is what the SDK reads as unset (test/integration/sdk-endpoints.test.ts)
    for (const name of Object.values(ENDPOINT_VARS)) expect(variables[name], name).toBe('');
  });

  it('is read by the local runner as sam local resolves it (the translator says what it holds)', () => {
    // Prepare: a parameter's Ref is its default, a resource's its logical id, FindInMap the map
    const parameters = sam().Parameters ?? {};
    const resolve = (value: unknown): unknown => {
      const ref = at(value, 'Ref');
      if (typeof ref === 'string') return String(parameters[ref]?.Default ?? ref);
      const find = at(value, 'Fn::FindInMap');
      if (Array.isArray(find)) {
        const [map, top, second] = find.map(resolve) as string[];
        return at(sam(), 'Mappings', map ?? '', top ?? '', second ?? '');
      }
      return typeof value === 'number' ? value : String(value);
    };
    const logging = at(functionProperties(), 'LoggingConfig');

    // Act
    const fn = readTemplateFunction(readFileSync(TEMPLATE_PATH, 'utf8'));

    // Assess
    expect(fn).toEqual({
      logicalId: FUNCTION_ID,
      handler: at(functionProperties(), 'Handler'),
      architectures: at(functionProperties(), 'Architectures'),
      memorySize: at(functionProperties(), 'MemorySize'),
      timeout: at(functionProperties(), 'Timeout'),
      variables: Object.fromEntries(
        Object.entries(functionVariables()).map(([name, value]) => [name, resolve(value)]),
      ),
      logFormat: resolve(at(logging, 'LogFormat')),
      applicationLogLevel: resolve(at(logging, 'ApplicationLogLevel')),
      logGroup: resolve(at(logging, 'LogGroup')),
    });
    expect(fn.variables.IDEMPOTENCY_TABLE).toBe('IdempotencyTable');
  });

  it('defaults every setting to the default of src/config.ts', () => {
    // Prepare
    const variables = functionVariables();
    const parameters = sam().Parameters ?? {};
    const parameterOf = (variable: string): string => {
      const ref = at(variables, variable, 'Ref');
      if (typeof ref !== 'string' || parameters[ref] === undefined) {
        throw new Error(`${variable} is not set from a parameter`);
      }
      return ref;
    };

    // Act
    const templateDefaults = Object.fromEntries(
      Object.keys(DEFAULTS).map((variable) => [
        variable,
        String(parameters[parameterOf(variable)]?.Default),
      ]),
    );
    const unset = ENV_VARS.filter(
      (variable) => !(variable in DEFAULTS) && variable !== 'IDEMPOTENCY_TABLE',
    );

    // Assess
    expect(templateDefaults).toEqual(
      Object.fromEntries(
        Object.entries(DEFAULTS).map(([variable, value]) => [variable, String(value)]),
      ),
    );
    expect(unset).toEqual(['MANAGED_EVENT_DATA_STORES', 'OPT_IN_TAG', 'AUTHORIZED_STOPPERS']);
    for (const variable of unset) {
      expect(parameters[parameterOf(variable)]?.Default, variable).toBe('');
    }
  });

  it('keeps env.json to variables the function declares, as a configuration the code accepts', () => {
    // Prepare
    const envJson = readJson('env.json') as Record<string, Record<string, unknown>>;
    const declared = new Set(Object.keys(functionVariables()));

    // Act
    const sections = Object.keys(envJson);
    const variables = { ...envJson.Parameters, ...envJson[FUNCTION_ID] };

    // Assess
    expect(sections.every((section) => section === 'Parameters' || section === FUNCTION_ID)).toBe(
      true,
    );
    expect(Object.keys(variables).filter((key) => !declared.has(key))).toEqual([]);
    expect(Object.values(variables).every((value) => typeof value === 'string')).toBe(true);
    expect(() =>
      readConfig({ AWS_REGION: 'us-east-1', ...(variables as Record<string, string>) }),
    ).not.toThrow();
  });

  it('grants exactly the CloudTrail actions the code sends', () => {
    // Prepare
    const sources = readSources('src');

    // Act
    const importers = sources.filter(({ source }) =>
      source.includes("'@aws-sdk/client-cloudtrail'"),
    );
    const sent = [
      ...new Set(
        importers.flatMap(({ source }) =>
          sdkOperationsImported(source, '@aws-sdk/client-cloudtrail'),
        ),
      ),
    ].map((op) => `cloudtrail:${op}`);

    // Assess
    expect(importers.map(({ file }) => file)).toContain(path.join('src', 'cloudtrail.ts'));
    expect(sent.length).toBeGreaterThan(0);
    expect(actionsOf('cloudtrail')).toEqual(sent.sort());
  });

  it('grants exactly the DynamoDB item actions of the idempotency persistence layer', () => {
    // Prepare
    const persistenceLayer = readFileSync(
      path.join(
        ROOT,
        'node_modules/@aws-lambda-powertools/idempotency/lib/esm/persistence/DynamoDBPersistenceLayer.js',
      ),
      'utf8',
    );
    const ownCalls = readSources('src').flatMap(({ source }) =>
      ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'].flatMap((client) =>
        sdkOperationsImported(source, client),
      ),
    );

    // Act
    const sent = sdkOperationsImported(persistenceLayer, '@aws-sdk/client-dynamodb');

    // Assess
    expect(sent).toEqual(IDEMPOTENCY_ITEM_ACTIONS);
    expect(ownCalls).toEqual([]);
    expect(actionsOf('dynamodb')).toEqual(sent.map((op) => `dynamodb:${op}`));
  });

  it('sends a schedule input that parses as a schedule trigger keyed on the execution id', () => {
    // Prepare
    const executionId = randomUUID();
    const { resource: schedule } = onlyResource(cfn(), 'AWS::Scheduler::Schedule');
    const input = String(at(schedule.Properties, 'Target', 'Input'));

    // Act
    const request = parseTrigger(
      JSON.parse(input.replace('<aws.scheduler.execution-id>', executionId)),
    );

    // Assess
    expect(request).toMatchObject({ kind: 'schedule', scope: 'managed', deliveryId: executionId });
  });

  it.each([
    ['events/eventbridge-stop.json', true],
    ['events/eventbridge-stop-id-suffix.json', true],
    ['events/eventbridge-stop-failed.json', false],
    ['events/eventbridge-stop-logging.json', false],
    ['events/schedule-eventbridge-rule.json', false],
  ])('routes %s to the function: %s', (file, routed) => {
    // Prepare
    const { resource: rule } = onlyResource(cfn(), 'AWS::Events::Rule');

    // Act
    const matched = matchesEventPattern(at(rule.Properties, 'EventPattern'), readJson(file));

    // Assess
    expect(matched).toBe(routed);
  });
});

describe('Support: EventBridge pattern matcher', () => {
  const event = {
    source: 'aws.cloudtrail',
    detail: {
      eventName: 'StopEventDataStoreIngestion',
      tags: ['a', 'b'],
      errorCode: null,
      nested: {},
    },
  };

  it.each([
    ['a literal equal to the value', { source: ['aws.cloudtrail'] }, true],
    ['a literal that differs (case-sensitive)', { source: ['AWS.cloudtrail'] }, false],
    ['any of several literals', { source: ['aws.events', 'aws.cloudtrail'] }, true],
    ['a literal inside an array value', { detail: { tags: ['b'] } }, true],
    ['a literal missing from an array value', { detail: { tags: ['c'] } }, false],
    [
      'every field of a nested object',
      { source: ['aws.cloudtrail'], detail: { eventName: ['StopEventDataStoreIngestion'] } },
      true,
    ],
    [
      'one failing field among several',
      { source: ['aws.cloudtrail'], detail: { eventName: ['StopLogging'] } },
      false,
    ],
    ['a nested object the event lacks', { requestParameters: { eventDataStore: ['x'] } }, false],
    ['exists false on an absent field', { detail: { errorMessage: [{ exists: false }] } }, true],
    ['exists false on a present field', { detail: { eventName: [{ exists: false }] } }, false],
    [
      'exists false on a field present as null',
      { detail: { errorCode: [{ exists: false }] } },
      false,
    ],
    ['exists true on a present field', { detail: { eventName: [{ exists: true }] } }, true],
    ['exists true on an absent field', { detail: { errorMessage: [{ exists: true }] } }, false],
    ['exists true on an object (not a leaf)', { detail: { nested: [{ exists: true }] } }, false],
    ['null on a null field', { detail: { errorCode: [null] } }, true],
    ['a prefix', { source: [{ prefix: 'aws.' }] }, true],
    ['a prefix that differs', { source: [{ prefix: 'custom.' }] }, false],
    ['anything-but another value', { source: [{ 'anything-but': ['aws.events'] }] }, true],
    ['anything-but the value', { source: [{ 'anything-but': 'aws.cloudtrail' }] }, false],
  ])('matches %s: %s', (_name, pattern, expected) => {
    // Act
    const matched = matchesEventPattern(pattern, event);

    // Assess
    expect(matched).toBe(expected);
  });

  it.each([
    ['a leaf that is not an array', { source: 'aws.cloudtrail' }],
    ['an empty array', { source: [] }],
    ['an unsupported operator', { source: [{ numeric: ['>', 1] }] }],
    ['two operators in one object', { source: [{ prefix: 'a', suffix: 'b' }] }],
    ['a pattern that is not an object', ['aws.cloudtrail']],
  ])('refuses %s rather than guess', (_name, pattern) => {
    // Act
    const act = () => matchesEventPattern(pattern, event);

    // Assess
    expect(act).toThrow(TypeError);
  });
});

describe('samconfig.toml', () => {
  const samconfig = (): Record<string, Record<string, { parameters: Record<string, unknown> }>> =>
    JSON.parse(
      execFileSync('python3', [
        '-c',
        'import json,sys,tomllib;print(json.dumps(tomllib.load(open(sys.argv[1],"rb"))))',
        path.join(ROOT, 'samconfig.toml'),
      ]).toString(),
    );

  it('validates with lint, builds cached and in parallel, deploys with IAM capabilities', () => {
    // Act
    const config = samconfig().default;

    // Assess
    expect(config?.global?.parameters).toEqual({ stack_name: 'lake-ingestion-guard' });
    expect(config?.validate?.parameters).toMatchObject({ lint: true });
    expect(config?.build?.parameters).toMatchObject({ cached: true, parallel: true });
    expect(config?.deploy?.parameters).toMatchObject({
      capabilities: 'CAPABILITY_IAM',
      confirm_changeset: true,
      resolve_s3: true,
    });
  });

  it('holds no account-specific value (account, region, bucket, profile)', () => {
    // Act
    const text = readFileSync(path.join(ROOT, 'samconfig.toml'), 'utf8');

    // Assess
    expect(text).not.toMatch(/\d{12}/);
    expect(text).not.toMatch(/^\s*(region|s3_bucket|profile|image_repositories)\s*=/m);
  });
});
