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
import { parseTrigger, STORE_EVENT_NAMES, TRAIL_EVENT_NAMES } from '../../src/trigger.js';
import { matchesEventPattern } from '../support/event-pattern.js';
import {
  at,
  type CfnResource,
  type CfnTemplate,
  conditionHolds,
  dependencyCycle,
  generatedDeployment,
  grantLines,
  inlineStatements,
  onlyResource,
  ROOT,
  readJson,
  readSources,
  resolveDeployed,
  resource,
  resourcesOfType,
  runCfnLint,
  sdkOperationsImported,
  TEMPLATE_PATH,
  type TranslatedTemplate,
  translateTemplate,
  withConditions,
} from '../support/template.js';

const FUNCTION_ID = 'IngestionGuardFunction';
const POWERTOOLS_VARS = [
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_LOG_LEVEL',
  'POWERTOOLS_METRICS_NAMESPACE',
] as const;
/** The CloudTrail calls the rule sends to the function: those the trigger reads. */
const RULE_EVENT_NAMES: readonly string[] = [...STORE_EVENT_NAMES, ...TRAIL_EVENT_NAMES];
/** The rule SAM makes of the function's EventBridgeRule event. */
const STOP_RULE_ID = 'IngestionGuardFunctionStopIngestionCall';
/** The rule the template must hold: those calls, successful ones only. */
const RULE_PATTERN = {
  source: ['aws.cloudtrail'],
  'detail-type': ['AWS API Call via CloudTrail'],
  detail: {
    eventSource: ['cloudtrail.amazonaws.com'],
    eventName: RULE_EVENT_NAMES,
    errorCode: [{ exists: false }],
  },
};
const STORES_ARN = {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string
  'Fn::Sub': 'arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:eventdatastore/*',
};
const TABLE_ARN = { 'Fn::GetAtt': ['IdempotencyTable', 'Arn'] };
const STATE_TABLE_ARN = { 'Fn::GetAtt': ['StateTable', 'Arn'] };
const DLQ_ARN = { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] };
const FUNCTION_ARN = { 'Fn::GetAtt': [FUNCTION_ID, 'Arn'] };
const ALERT_TOPIC_ARN = {
  'Fn::If': ['CreateAlertTopic', { Ref: 'AlertTopic' }, { Ref: 'ExistingAlertTopicArn' }],
};
const IDEMPOTENCY_ITEM_ACTIONS = ['DeleteItem', 'GetItem', 'PutItem', 'UpdateItem'];
/** The CloudTrail actions granted only when the setting that uses them is on. */
const OPT_IN_ACTIONS = {
  RestoreDeleted: 'cloudtrail:RestoreEventDataStore',
  EnforceTerminationProtection: 'cloudtrail:UpdateEventDataStore',
} as const;
const EVERY_OPT_IN_ON = { RestoreDeleted: 'true', EnforceTerminationProtection: 'true' };
/** A stack instance as a StackSet names it: long, so the generated names are too. */
const STACK = {
  name: 'StackSet-lake-ingestion-guard-6f1c0d4e-9b2a-4c7d-8e3f-0a1b2c3d4e5f',
  account: '111122223333',
  region: 'eu-west-1',
} as const;
const NOTIFY_TOPIC = 'arn:aws:sns:eu-west-1:111122223333:incidents';
/** Each notification sink: the SDK client its code sends with, the parameters that turn it on. */
const SINKS = [
  { service: 'sns', client: '@aws-sdk/client-sns', on: { NotifyTopicArn: NOTIFY_TOPIC } },
  { service: 'events', client: '@aws-sdk/client-eventbridge', on: { NotifyEventBus: 'incidents' } },
  { service: 'securityhub', client: '@aws-sdk/client-securityhub', on: { SecurityHub: 'true' } },
] as const;
/** lib-dynamodb's command names, as the DynamoDB actions they send. */
const DOCUMENT_ACTIONS: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  Scan: 'Scan',
  Query: 'Query',
};

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
/** The function role's statements as deployed with these parameter values (else the defaults). */
const deployedStatements = (parameters: Record<string, string> = {}) =>
  withConditions(cfn(), inlineStatements(functionRole()), parameters) as ReturnType<
    typeof inlineStatements
  >;
const actionsOf = (service: string, parameters: Record<string, string> = {}): string[] =>
  deployedStatements(parameters)
    .flatMap((statement) =>
      typeof statement.Action === 'string' ? [statement.Action] : statement.Action,
    )
    .filter((action) => action.startsWith(`${service}:`))
    .sort();
/** The function role's grants as deployed as STACK with these parameter values. */
const deployedGrants = (service: string, parameters: Record<string, string> = {}): string[] =>
  grantLines(
    resolveDeployed(
      cfn(),
      inlineStatements(functionRole()),
      generatedDeployment(cfn(), STACK, parameters),
    ) as ReturnType<typeof inlineStatements>,
  ).filter((line) => line.startsWith(`${service}:`));
const actionsOn = (service: string, resource: unknown, parameters: Record<string, string> = {}) =>
  deployedStatements(parameters)
    .filter((statement) => JSON.stringify(statement.Resource) === JSON.stringify(resource))
    .flatMap((statement) =>
      typeof statement.Action === 'string' ? [statement.Action] : statement.Action,
    )
    .filter((action) => action.startsWith(`${service}:`))
    .map((action) => action.slice(service.length + 1))
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

  it('sends the successful CloudTrail calls that can blind a store or a trail to the function with the reference pattern', () => {
    // Act
    const [id, rule] = [STOP_RULE_ID, resource(cfn(), STOP_RULE_ID)];

    // Assess
    expect(at(rule.Properties, 'EventPattern')).toEqual(RULE_PATTERN);
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

  it('keeps the baselines in an on-demand, encrypted, recoverable table keyed on storeArn, kept when the stack goes', () => {
    // Act
    const table = resource(cfn(), 'StateTable');

    // Assess
    expect(table).toMatchObject({
      Type: 'AWS::DynamoDB::Table',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(table.Properties).toEqual({
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'storeArn', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'storeArn', KeyType: 'HASH' }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    expect(functionVariables().STATE_TABLE).toEqual({ Ref: 'StateTable' });
  });

  it("tells the function its own role, SAM's, without a circular dependency", () => {
    // Act
    const roleArn = functionVariables().GUARD_ROLE_ARN;

    // Assess
    expect(roleArn).toEqual({
      'Fn::GetAtt': [at(functionProperties(), 'Role', 'Fn::GetAtt', 0), 'Arn'],
    });
    expect(functionRole().Type).toBe('AWS::IAM::Role');
    expect(dependencyCycle(cfn())).toEqual([]);
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

  it('alarms on function errors, missing invocations, dead-letter queue depth, ResumeFailures, every resume, drift finding, restore, notification failure and escalation, on the alarm topic', () => {
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
        ['AWS/Lambda', 'Invocations', [{ Name: 'FunctionName', Value: { Ref: FUNCTION_ID } }]],
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
        [
          { Ref: 'MetricsNamespace' },
          'DriftFindings',
          [{ Name: 'service', Value: { Ref: 'ServiceName' } }],
        ],
        [
          { Ref: 'MetricsNamespace' },
          'StoresRestored',
          [{ Name: 'service', Value: { Ref: 'ServiceName' } }],
        ],
        [
          { Ref: 'MetricsNamespace' },
          'NotificationFailures',
          [{ Name: 'service', Value: { Ref: 'ServiceName' } }],
        ],
        [
          { Ref: 'MetricsNamespace' },
          'RestopEscalations',
          [{ Name: 'service', Value: { Ref: 'ServiceName' } }],
        ],
      ]),
    );
    expect(alarms).toHaveLength(9);
    for (const alarm of alarms) {
      expect(at(alarm, 'AlarmActions')).toEqual([{ Ref: 'AlarmTopic' }]);
    }
    const customAlarms = [
      'DriftFindingsAlarm',
      'StoresRestoredAlarm',
      'NotificationFailuresAlarm',
      'RestopEscalationsAlarm',
    ];
    for (const id of customAlarms) {
      expect(resource(cfn(), id).Properties, id).toMatchObject({
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
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
    // Act: deployed with the defaults
    const role = functionRole();

    // Assess
    expect(grantLines(deployedStatements())).toEqual(
      [
        ...['GetEventDataStore', 'ListTags', 'StartEventDataStoreIngestion'].map(
          (op) => `cloudtrail:${op} on ${JSON.stringify(STORES_ARN)}`,
        ),
        'cloudtrail:ListEventDataStores on "*"',
        ...IDEMPOTENCY_ITEM_ACTIONS.map((op) => `dynamodb:${op} on ${JSON.stringify(TABLE_ARN)}`),
        ...['GetItem', 'UpdateItem', 'Scan'].map(
          (op) => `dynamodb:${op} on ${JSON.stringify(STATE_TABLE_ARN)}`,
        ),
        `sqs:SendMessage on ${JSON.stringify(DLQ_ARN)}`,
      ].sort(),
    );
    expect(at(role.Properties, 'ManagedPolicyArns')).toEqual([
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    ]);
  });

  it.each([
    ['false', 'false'],
    ['true', 'false'],
    ['false', 'true'],
    ['true', 'true'],
  ])(
    'grants RestoreEventDataStore only with RestoreDeleted=true and UpdateEventDataStore only with EnforceTerminationProtection=true (%s, %s)',
    (restoreDeleted, enforceProtection) => {
      // Prepare
      const parameters = {
        RestoreDeleted: restoreDeleted,
        EnforceTerminationProtection: enforceProtection,
      };
      const expected = [
        ...(restoreDeleted === 'true' ? [OPT_IN_ACTIONS.RestoreDeleted] : []),
        ...(enforceProtection === 'true' ? [OPT_IN_ACTIONS.EnforceTerminationProtection] : []),
      ];

      // Act
      const lines = grantLines(deployedStatements(parameters));

      // Assess: on the account's and region's stores, like the Start permission
      const optIn = lines.filter((line) =>
        Object.values(OPT_IN_ACTIONS).some((action) => line.startsWith(`${action} `)),
      );
      expect(optIn).toEqual(
        expected.map((action) => `${action} on ${JSON.stringify(STORES_ARN)}`).sort(),
      );
      expect(lines).toContain(
        `cloudtrail:StartEventDataStoreIngestion on ${JSON.stringify(STORES_ARN)}`,
      );
    },
  );

  it('reads the opt-in settings as the function does: only "true" turns them on', () => {
    // Act
    const holds = (condition: string, value: string) =>
      conditionHolds(sam(), condition, {
        RestoreDeleted: value,
        EnforceTerminationProtection: value,
      });

    // Assess
    expect(sam().Parameters?.RestoreDeleted?.AllowedValues).toEqual(['false', 'true']);
    expect(sam().Parameters?.EnforceTerminationProtection?.AllowedValues).toEqual([
      'false',
      'true',
    ]);
    expect([
      holds('RestoresDeletedStores', 'true'),
      holds('RestoresDeletedStores', 'false'),
    ]).toEqual([true, false]);
    expect([
      holds('EnforcesTerminationProtection', 'true'),
      holds('EnforcesTerminationProtection', 'false'),
    ]).toEqual([true, false]);
    expect(functionVariables()).toMatchObject({
      RESTORE_DELETED: { Ref: 'RestoreDeleted' },
      ENFORCE_TERMINATION_PROTECTION: { Ref: 'EnforceTerminationProtection' },
    });
  });

  it.each(SINKS)(
    'grants the $service sink exactly the actions its code sends, and only when it is configured',
    ({ service, client, on }) => {
      // Prepare
      const sent = [
        ...new Set(
          readSources('src').flatMap(({ source }) => sdkOperationsImported(source, client)),
        ),
      ].map((op) => `${service}:${op}`);

      // Act
      const [off, configured] = [actionsOf(service), actionsOf(service, on)];

      // Assess
      expect(sent.length).toBeGreaterThan(0);
      expect(off).toEqual([]);
      expect(configured).toEqual(sent.sort());
    },
  );

  it('grants sns:Publish on the NotifyTopicArn only', () => {
    // Act
    const lines = deployedGrants('sns', { NotifyTopicArn: NOTIFY_TOPIC });

    // Assess
    expect(lines).toEqual([`sns:Publish on "${NOTIFY_TOPIC}"`]);
    expect(deployedGrants('sns')).toEqual([]);
  });

  it.each([
    [
      'a name, on this account and region',
      'incidents',
      'arn:aws:events:eu-west-1:111122223333:event-bus/incidents',
    ],
    ['a bus named "arn", as a name', 'arn', 'arn:aws:events:eu-west-1:111122223333:event-bus/arn'],
    [
      'an ARN, as given',
      'arn:aws:events:us-east-1:444455556666:event-bus/central',
      'arn:aws:events:us-east-1:444455556666:event-bus/central',
    ],
  ])('grants events:PutEvents on the NotifyEventBus given as %s', (_how, bus, arn) => {
    // Act
    const lines = deployedGrants('events', { NotifyEventBus: bus });

    // Assess
    expect(lines).toEqual([`events:PutEvents on "${arn}"`]);
    expect(sam().Parameters?.NotifyEventBus?.AllowedPattern).toBeDefined();
    expect(new RegExp(String(sam().Parameters?.NotifyEventBus?.AllowedPattern)).test(bus)).toBe(
      true,
    );
  });

  it('grants no events action without a NotifyEventBus, and refuses a bus that is neither a name nor a bus ARN', () => {
    // Prepare
    const pattern = new RegExp(String(sam().Parameters?.NotifyEventBus?.AllowedPattern));

    // Act
    const lines = deployedGrants('events', { NotifyEventBus: '' });

    // Assess
    expect(lines).toEqual([]);
    expect(pattern.test('')).toBe(true);
    expect(pattern.test(NOTIFY_TOPIC)).toBe(false);
    expect(pattern.test('two words')).toBe(false);
  });

  it.each([
    [
      'true',
      [
        'securityhub:BatchImportFindings on "arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default"',
        'securityhub:GetFindings on "*"',
      ],
    ],
    ['false', []],
  ])(
    "grants Security Hub's import on the account's default product and GetFindings (no resource type) with SecurityHub=%s",
    (securityHub, expected) => {
      // Act
      const lines = deployedGrants('securityhub', { SecurityHub: securityHub });

      // Assess
      expect(lines).toEqual(expected);
      expect(sam().Parameters?.SecurityHub?.AllowedValues).toEqual(['false', 'true']);
    },
  );

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

  it('shows every parameter in exactly one group of the console, and marks AuthorizedStoppers deprecated', () => {
    // Prepare
    const groups = at(sam(), 'Metadata', 'AWS::CloudFormation::Interface', 'ParameterGroups') as {
      Parameters: string[];
    }[];

    // Act
    const grouped = groups.flatMap((group) => group.Parameters);

    // Assess
    expect([...grouped].sort()).toEqual(Object.keys(sam().Parameters ?? {}).sort());
    expect(new Set(grouped).size).toBe(grouped.length);
    expect(sam().Parameters?.AuthorizedStoppers?.Description).toMatch(
      /^Deprecated: use AuthorizedActors/,
    );
    expect(functionVariables()).toMatchObject({
      AUTHORIZED_ACTORS: { Ref: 'AuthorizedActors' },
      AUTHORIZED_STOPPERS: { Ref: 'AuthorizedStoppers' },
    });
  });

  it("bounds every number parameter as the function's configuration does", () => {
    // Prepare: each variable set from a number parameter, with the parameter's bounds
    const numbers = Object.entries(functionVariables()).flatMap(([variable, value]) => {
      const parameter = sam().Parameters?.[String(at(value, 'Ref'))];
      return parameter?.Type === 'Number' && parameter.MinValue !== undefined
        ? [{ variable, min: parameter.MinValue, max: parameter.MaxValue ?? Number.NaN }]
        : [];
    });
    const accepts = (variable: string, value: number) => {
      try {
        // The backoff's base and cap bound each other: the other one is left widest.
        const widest = { RETRY_BASE_DELAY_MS: '1', RETRY_MAX_DELAY_MS: '300000' };
        readConfig({
          AWS_REGION: 'us-east-1',
          OPT_IN_TAG: 'a=b',
          ...widest,
          [variable]: String(value),
        });
        return true;
      } catch {
        return false;
      }
    };

    // Act
    const verdicts = numbers.map(({ variable, min, max }) => [
      variable,
      [
        accepts(variable, min - 1),
        accepts(variable, min),
        accepts(variable, max),
        accepts(variable, max + 1),
      ],
    ]);

    // Assess
    expect(numbers.map(({ variable }) => variable)).toEqual(
      expect.arrayContaining(['MAX_EXEMPTION_HOURS', 'RESTOP_THRESHOLD', 'RESTOP_WINDOW_MINUTES']),
    );
    expect(Object.fromEntries(verdicts)).toEqual(
      Object.fromEntries(numbers.map(({ variable }) => [variable, [false, true, true, false]])),
    );
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
      StateTableName: { Ref: 'StateTable' },
      DeadLetterQueueUrl: { Ref: 'DeadLetterQueue' },
      DeadLetterQueueArn: DLQ_ARN,
      ScheduleName: { Ref: scheduleId },
    });
  });
});

describe('Template: the guard watches itself', () => {
  const SELF_RULES = [
    'SelfProtectionRule',
    'SelfProtectionTablesRule',
    'SelfProtectionTopicsRule',
  ] as const;
  const SHARED_ALERTS = 'arn:aws:sns:eu-west-1:111122223333:shared-alerts';
  const deployment = (parameters: Record<string, string> = {}) =>
    generatedDeployment(cfn(), STACK, parameters);
  const deployedPattern = (id: string, parameters: Record<string, string> = {}) =>
    resolveDeployed(
      cfn(),
      at(resource(cfn(), id).Properties, 'EventPattern'),
      deployment(parameters),
    );
  /** The self-protection rules that page for this event, deployed with these parameters. */
  const paging = (event: unknown, parameters: Record<string, string> = {}) =>
    SELF_RULES.filter((id) => matchesEventPattern(deployedPattern(id, parameters), event));
  /** An `AWS API Call via CloudTrail` event of `source` (aws.lambda, aws.sns, …). */
  const apiCall = (
    source: string,
    eventName: string,
    requestParameters: Record<string, unknown>,
    errorCode?: string,
  ) => ({
    version: '0',
    id: randomUUID(),
    'detail-type': 'AWS API Call via CloudTrail',
    source,
    account: STACK.account,
    region: STACK.region,
    time: '2025-06-01T12:00:00Z',
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/Intruder/mallory',
      },
      eventTime: '2025-06-01T12:00:00Z',
      eventSource: `${source.slice('aws.'.length)}.amazonaws.com`,
      eventName,
      sourceIPAddress: '203.0.113.7',
      requestParameters,
      eventID: randomUUID(),
      ...(errorCode !== undefined && { errorCode }),
    },
  });
  type Names = { refs: Readonly<Record<string, string>>; arns: Readonly<Record<string, string>> };
  const named = (): Names => deployment();
  const fn = (n: Names) => n.refs[FUNCTION_ID] ?? '';
  const fnArn = (n: Names) => n.arns[FUNCTION_ID] ?? '';

  it.each<[string, (n: Names) => unknown, readonly string[]]>([
    [
      "PutFunctionConcurrency on the guard's function, by name",
      (n) =>
        apiCall('aws.lambda', 'PutFunctionConcurrency20171031', {
          functionName: fn(n),
          reservedConcurrentExecutions: 0,
        }),
      ['SelfProtectionRule'],
    ],
    [
      "PutFunctionConcurrency on the guard's function, by ARN",
      (n) => apiCall('aws.lambda', 'PutFunctionConcurrency20171031', { functionName: fnArn(n) }),
      ['SelfProtectionRule'],
    ],
    [
      "DeleteFunctionConcurrency on the guard's function, by partial ARN",
      (n) =>
        apiCall('aws.lambda', 'DeleteFunctionConcurrency20171031', {
          functionName: `${STACK.account}:function:${fn(n)}`,
        }),
      ['SelfProtectionRule'],
    ],
    [
      "PutFunctionEventInvokeConfig on the guard's $LATEST, by ARN with a qualifier",
      (n) =>
        apiCall('aws.lambda', 'PutFunctionEventInvokeConfig', {
          functionName: `${fnArn(n)}:$LATEST`,
        }),
      ['SelfProtectionRule'],
    ],
    [
      "RemovePermission on the guard's function, by name with a qualifier",
      (n) =>
        apiCall('aws.lambda', 'RemovePermission20150331v2', {
          functionName: `${fn(n)}:$LATEST`,
          statementId: 'x',
        }),
      ['SelfProtectionRule'],
    ],
    [
      "a denied UpdateFunctionConfiguration on the guard's function",
      (n) =>
        apiCall(
          'aws.lambda',
          'UpdateFunctionConfiguration20150331v2',
          { functionName: fn(n) },
          'AccessDenied',
        ),
      ['SelfProtectionRule'],
    ],
    [
      'PutFunctionConcurrency on another function',
      () => apiCall('aws.lambda', 'PutFunctionConcurrency20171031', { functionName: 'billing' }),
      [],
    ],
    [
      "PutFunctionConcurrency on a function whose name begins with the guard's",
      (n) => apiCall('aws.lambda', 'PutFunctionConcurrency20171031', { functionName: `${fn(n)}2` }),
      [],
    ],
    [
      "GetFunction (a read) on the guard's function",
      (n) => apiCall('aws.lambda', 'GetFunction20150331v2', { functionName: fn(n) }),
      [],
    ],
    [
      "UpdateSchedule on the guard's schedule",
      (n) =>
        apiCall('aws.scheduler', 'UpdateSchedule', {
          name: n.refs.IngestionGuardFunctionReEnableSchedule,
          groupName: 'default',
        }),
      ['SelfProtectionRule'],
    ],
    [
      'DeleteSchedule on another schedule',
      () => apiCall('aws.scheduler', 'DeleteSchedule', { name: 'nightly-report' }),
      [],
    ],
    [
      "DisableRule on the guard's CloudTrail rule",
      (n) => apiCall('aws.events', 'DisableRule', { name: n.refs[STOP_RULE_ID] }),
      ['SelfProtectionTopicsRule'],
    ],
    [
      'RemoveTargets on the self-protection rule of the function',
      (n) =>
        apiCall('aws.events', 'RemoveTargets', {
          rule: n.refs.SelfProtectionRule,
          ids: ['AlarmTopic'],
        }),
      ['SelfProtectionTopicsRule'],
    ],
    [
      'DeleteRule on the self-protection rule of the tables',
      (n) => apiCall('aws.events', 'DeleteRule', { name: n.refs.SelfProtectionTablesRule }),
      ['SelfProtectionTopicsRule'],
    ],
    [
      'PutTargets on another rule',
      () => apiCall('aws.events', 'PutTargets', { rule: 'other-team-rule' }),
      [],
    ],
    [
      "PutRolePolicy on the guard's role",
      (n) =>
        apiCall('aws.iam', 'PutRolePolicy', {
          roleName: n.refs.IngestionGuardFunctionRole,
          policyName: 'x',
        }),
      ['SelfProtectionRule'],
    ],
    [
      'DetachRolePolicy on another role',
      () => apiCall('aws.iam', 'DetachRolePolicy', { roleName: 'LakeAdmin' }),
      [],
    ],
    [
      'DeleteTable on the state table, by name',
      (n) => apiCall('aws.dynamodb', 'DeleteTable', { tableName: n.refs.StateTable }),
      ['SelfProtectionTablesRule'],
    ],
    [
      'UpdateTable on the idempotency table, by ARN',
      (n) => apiCall('aws.dynamodb', 'UpdateTable', { tableName: n.arns.IdempotencyTable }),
      ['SelfProtectionTablesRule'],
    ],
    [
      'DeleteTable on another table',
      () => apiCall('aws.dynamodb', 'DeleteTable', { tableName: 'orders' }),
      [],
    ],
    [
      "Unsubscribe from the alarm topic (the on-call's email)",
      (n) =>
        apiCall('aws.sns', 'Unsubscribe', {
          subscriptionArn: `${n.refs.AlarmTopic}:${randomUUID()}`,
        }),
      ['SelfProtectionTopicsRule'],
    ],
    [
      'SetTopicAttributes on the alert topic',
      (n) =>
        apiCall('aws.sns', 'SetTopicAttributes', {
          topicArn: n.refs.AlertTopic,
          attributeName: 'Policy',
        }),
      ['SelfProtectionTopicsRule'],
    ],
    [
      'DeleteTopic on another topic',
      () =>
        apiCall('aws.sns', 'DeleteTopic', { topicArn: 'arn:aws:sns:eu-west-1:111122223333:other' }),
      [],
    ],
  ])('pages the rules that watch it, and only those, for %s', (_call, event, expected) => {
    // Act
    const rules = paging(event(named()));

    // Assess
    expect(rules).toEqual(expected);
  });

  it('watches the NotifyTopicArn and an existing alert topic only when they are set', () => {
    // Prepare
    const deleteNotify = apiCall('aws.sns', 'DeleteTopic', { topicArn: NOTIFY_TOPIC });
    const unsubscribeShared = apiCall('aws.sns', 'Unsubscribe', {
      subscriptionArn: `${SHARED_ALERTS}:${randomUUID()}`,
    });
    const set = { NotifyTopicArn: NOTIFY_TOPIC, ExistingAlertTopicArn: SHARED_ALERTS };

    // Act
    const unset = [paging(deleteNotify), paging(unsubscribeShared)];
    const configured = [paging(deleteNotify, set), paging(unsubscribeShared, set)];

    // Assess
    expect(unset).toEqual([[], []]);
    expect(configured).toEqual([['SelfProtectionTopicsRule'], ['SelfProtectionTopicsRule']]);
  });

  it("keeps each pattern within EventBridge's 2048 characters, for a StackSet instance and for the longest stack name", () => {
    // Prepare: every optional topic set (names of 100 characters), so every alternative is there
    const topic = (name: string) =>
      `arn:aws:sns:ap-southeast-5:111122223333:${name.padEnd(100, 'x')}`;
    const parameters = {
      NotifyTopicArn: topic('incidents'),
      ExistingAlertTopicArn: topic('shared-alerts'),
    };
    const stacks = [STACK, { ...STACK, name: 's'.repeat(128), region: 'ap-southeast-5' }];

    // Act
    const lengths = stacks.flatMap((stack) =>
      SELF_RULES.map((id) => {
        const deployed = generatedDeployment(cfn(), stack, parameters);
        const pattern = at(resource(cfn(), id).Properties, 'EventPattern');
        return [id, JSON.stringify(resolveDeployed(cfn(), pattern, deployed)).length] as const;
      }),
    );

    // Assess
    expect(fn(named()).length).toBe(64);
    for (const [id, length] of lengths) expect(length, id).toBeLessThanOrEqual(2048);
  });

  it('sends what happened and who did it straight to the alarm topic, not to the function', () => {
    // Prepare
    const names = named();
    const event = apiCall('aws.lambda', 'PutFunctionConcurrency20171031', {
      functionName: fn(names),
      reservedConcurrentExecutions: 0,
    });
    const valueAt = (jsonPath: string): unknown =>
      at(event, ...jsonPath.replace(/^\$\./, '').split('.'));

    // Act
    const messages = SELF_RULES.map((id) => {
      const targets = at(resource(cfn(), id).Properties, 'Targets') as unknown[];
      expect(
        targets.map((target) => at(target, 'Arn')),
        id,
      ).toEqual([{ Ref: 'AlarmTopic' }]);
      const paths = at(targets[0], 'InputTransformer', 'InputPathsMap') as Record<string, string>;
      const template = String(at(targets[0], 'InputTransformer', 'InputTemplate'));
      return template.replace(/<([A-Za-z0-9]+)>/g, (_, name: string) => {
        const value = valueAt(paths[name] ?? `$.missing.${name}`);
        if (value === undefined) throw new Error(`${id}: <${name}> reads nothing`);
        return typeof value === 'string' ? value : JSON.stringify(value);
      });
    });

    // Assess
    for (const message of messages) {
      expect(message).toContain('PutFunctionConcurrency20171031');
      expect(message).toContain(JSON.stringify(event.detail.requestParameters));
      expect(message).toContain(`by ${event.detail.userIdentity.arn}`);
      expect(message).toContain('from 203.0.113.7');
      expect(message).toContain(`at ${event.detail.eventTime}`);
      expect(message).toContain(event.detail.eventID);
    }
  });

  it('lets only the alarms of this account and the two rules publish to the alarm topic', () => {
    // Act
    const { resource: policy } = onlyResource(cfn(), 'AWS::SNS::TopicPolicy');
    const statements = at(policy.Properties, 'PolicyDocument', 'Statement') as unknown[];

    // Assess
    expect(at(policy.Properties, 'Topics')).toEqual([{ Ref: 'AlarmTopic' }]);
    expect(statements).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: 'AlarmTopic' },
        Condition: expect.objectContaining({
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        }),
      }),
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: 'AlarmTopic' },
        Condition: {
          ArnEquals: { 'aws:SourceArn': SELF_RULES.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })) },
        },
      }),
    ]);
  });

  it('alarms when the function was not invoked once in HeartbeatPeriodSeconds, longer than the schedule, missing data breaching', () => {
    // Prepare
    const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(
      String(sam().Parameters?.ScheduleExpression?.Default),
    );
    const unit = { minute: 60, hour: 3600, day: 86400 }[rate?.[2] as 'minute'];
    const scheduleSeconds = Number(rate?.[1]) * unit;
    const heartbeat = sam().Parameters?.HeartbeatPeriodSeconds;

    // Act
    const alarm = resource(cfn(), 'InvocationsMissingAlarm').Properties;

    // Assess
    expect(alarm).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: FUNCTION_ID } }],
      Statistic: 'Sum',
      Period: { Ref: 'HeartbeatPeriodSeconds' },
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: 'AlarmTopic' }],
    });
    expect(scheduleSeconds).toBe(900);
    expect(heartbeat?.Default).toBe(3600);
    expect(heartbeat?.Description).toMatch(/longer than the schedule/);
    // CloudWatch takes periods in whole minutes, a day at most over the evaluation periods.
    for (const period of (heartbeat?.AllowedValues ?? []).map(Number)) {
      expect(period).toBeGreaterThanOrEqual(2 * scheduleSeconds);
      expect(period % 60).toBe(0);
      expect(period).toBeLessThanOrEqual(86400);
    }
  });

  it('reserves ReservedConcurrency executions for the function, never 0', () => {
    // Act
    const reserved = at(functionProperties(), 'ReservedConcurrentExecutions');

    // Assess
    expect(reserved).toEqual({ Ref: 'ReservedConcurrency' });
    expect(sam().Parameters?.ReservedConcurrency).toMatchObject({
      Type: 'Number',
      Default: 2,
      MinValue: 1,
    });
  });
});

describe('Template: operations', () => {
  const queries = () => resourcesOfType(cfn(), 'AWS::Logs::QueryDefinition');
  const queryText = (item: CfnResource) =>
    String(
      resolveDeployed(cfn(), at(item.Properties, 'QueryString'), generatedDeployment(cfn(), STACK)),
    );

  it('shows every metric the guard writes and the function invocations and errors on its dashboard', () => {
    // Prepare
    const { resource: dashboard } = onlyResource(cfn(), 'AWS::CloudWatch::Dashboard');
    const deployed = generatedDeployment(cfn(), STACK);

    // Act
    const body = JSON.parse(
      String(resolveDeployed(cfn(), at(dashboard.Properties, 'DashboardBody'), deployed)),
    ) as { widgets: { properties: { region: string; metrics: string[][] } }[] };
    const metrics = body.widgets.flatMap((widget) => widget.properties.metrics);

    // Assess
    const custom = [
      'StoresResumed',
      'StoresRestored',
      'StoresProtected',
      'DriftFindings',
      'ResumeFailures',
      'NotificationFailures',
      'RestopEscalations',
    ];
    expect(metrics).toEqual(
      expect.arrayContaining([
        ...custom.map((name) => [
          String(sam().Parameters?.MetricsNamespace?.Default),
          name,
          'service',
          String(sam().Parameters?.ServiceName?.Default),
        ]),
        ['AWS/Lambda', 'Invocations', 'FunctionName', deployed.refs[FUNCTION_ID]],
        ['AWS/Lambda', 'Errors', 'FunctionName', deployed.refs[FUNCTION_ID]],
      ]),
    );
    expect(metrics).toHaveLength(custom.length + 2);
    expect(new Set(body.widgets.map((widget) => widget.properties.region))).toEqual(
      new Set([STACK.region]),
    );
  });

  it("saves each Logs Insights query of the template's one list on the function's log group, named under the stack", () => {
    // Prepare
    const listed = Object.keys(at(sam(), 'Mappings', 'LogsInsightsQueries') as object).sort();

    // Act
    const saved = queries().map(([, item]) => item.Properties);

    // Assess
    expect(
      saved.map((properties) => at(properties, 'QueryString', 'Fn::FindInMap', 1)).sort(),
    ).toEqual(listed);
    for (const properties of saved) {
      expect(at(properties, 'LogGroupNames')).toEqual([{ Ref: 'LogGroup' }]);
      expect(String(at(properties, 'Name', 'Fn::Sub'))).toMatch(/^\$\{AWS::StackName\}\/[a-z-]+$/);
    }
  });

  it('filters each saved query on a message the function logs', () => {
    // Prepare
    const sources = readSources('src')
      .map(({ source }) => source)
      .join('\n');

    // Act
    const messages = queries().flatMap(([, item]) => {
      const filter = /\| filter message (?:= "([^"]+)"|in \[([^\]]+)\])/.exec(queryText(item));
      if (filter === null) throw new Error('a saved query does not filter on the message');
      return filter[1] !== undefined
        ? [filter[1]]
        : (filter[2] ?? '').split(',').map((m) => m.trim().slice(1, -1));
    });

    // Assess
    expect(messages).toEqual(
      expect.arrayContaining(['integrity finding', 'notification failed', 'invocation done']),
    );
    // (a message is logged as a literal, or taken from a table of literals: act.ts's outcomes)
    for (const message of messages) {
      expect(sources, message).toMatch(
        new RegExp(`logger\\.(?:info|warn|error)\\(\\s*'${message}'|: '${message}',`),
      );
    }
  });

  it('saves only queries the README or docs/operations.md shows', () => {
    // Prepare: the code blocks of the two documents operators read
    const readme = ['README.md', 'docs/operations.md']
      .map((file) => readFileSync(path.join(ROOT, file), 'utf8'))
      .join('\n');
    const blocks = [...readme.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) =>
      (m[1] ?? '').trim(),
    );

    // Act
    const missing = queries()
      .map(([, item]) => queryText(item))
      .filter((query) => !blocks.includes(query));

    // Assess
    expect(missing).toEqual([]);
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
    // Prepare: a parameter's Ref is its default, a resource's its logical id, FindInMap the map,
    // and GetAtt Arn of what the SAM template does not hold the Lambda ARN of its logical id in
    // sam local's default account and region
    const parameters = sam().Parameters ?? {};
    const resolve = (value: unknown): unknown => {
      const ref = at(value, 'Ref');
      if (typeof ref === 'string') return String(parameters[ref]?.Default ?? ref);
      const getAtt = at(value, 'Fn::GetAtt');
      if (
        Array.isArray(getAtt) &&
        getAtt[1] === 'Arn' &&
        sam().Resources[getAtt[0]] === undefined
      ) {
        return `arn:aws:lambda:us-east-1:123456789012:function:${getAtt[0]}`;
      }
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
    const fromResources = ['IDEMPOTENCY_TABLE', 'STATE_TABLE', 'GUARD_ROLE_ARN'];
    const unset = ENV_VARS.filter(
      (variable) => !(variable in DEFAULTS) && !fromResources.includes(variable),
    );

    // Assess
    expect(templateDefaults).toEqual(
      Object.fromEntries(
        Object.entries(DEFAULTS).map(([variable, value]) => [variable, String(value)]),
      ),
    );
    expect(unset).toEqual([
      'MANAGED_EVENT_DATA_STORES',
      'OPT_IN_TAG',
      'AUTHORIZED_ACTORS',
      'AUTHORIZED_STOPPERS',
      'NOTIFY_TOPIC_ARN',
      'NOTIFY_EVENT_BUS',
    ]);
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

  it('grants exactly the CloudTrail actions the code sends, those of the opt-in settings only when on', () => {
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

    // Assess: every setting on, the opt-in actions are granted whether or not code sends them yet
    const optIn: readonly string[] = Object.values(OPT_IN_ACTIONS);
    expect(importers.map(({ file }) => file)).toContain(path.join('src', 'cloudtrail.ts'));
    expect(sent.length).toBeGreaterThan(0);
    expect(actionsOf('cloudtrail', EVERY_OPT_IN_ON)).toEqual(
      [...new Set([...sent, ...optIn])].sort(),
    );
    expect(actionsOf('cloudtrail')).toEqual(
      sent.filter((action) => !optIn.includes(action)).sort(),
    );
  });

  it('grants exactly the DynamoDB item actions of the idempotency persistence layer on its table', () => {
    // Prepare
    const persistenceLayer = readFileSync(
      path.join(
        ROOT,
        'node_modules/@aws-lambda-powertools/idempotency/lib/esm/persistence/DynamoDBPersistenceLayer.js',
      ),
      'utf8',
    );

    // Act
    const sent = sdkOperationsImported(persistenceLayer, '@aws-sdk/client-dynamodb');

    // Assess
    expect(sent).toEqual(IDEMPOTENCY_ITEM_ACTIONS);
    expect(actionsOn('dynamodb', TABLE_ARN)).toEqual(sent);
  });

  it('grants exactly the DynamoDB actions the code sends on the state table, and only the state table adapter sends any', () => {
    // Prepare
    const sources = readSources('src');

    // Act
    const senders = sources
      .map(({ file, source }) => ({
        file,
        actions: [
          ...sdkOperationsImported(source, '@aws-sdk/client-dynamodb'),
          ...sdkOperationsImported(source, '@aws-sdk/lib-dynamodb').map(
            (op) => DOCUMENT_ACTIONS[op] ?? `unknown:${op}`,
          ),
        ],
      }))
      .filter(({ actions }) => actions.length > 0);

    // Assess
    expect(senders.map(({ file }) => file)).toEqual([path.join('src', 'state-table.ts')]);
    expect(actionsOn('dynamodb', STATE_TABLE_ARN)).toEqual(
      [...new Set(senders.flatMap(({ actions }) => actions))].sort(),
    );
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
    ['events/eventbridge-stop-logging.json', true],
    ['events/schedule-eventbridge-rule.json', false],
  ])('routes %s to the function: %s', (file, routed) => {
    // Prepare
    const rule = resource(cfn(), STOP_RULE_ID);

    // Act
    const matched = matchesEventPattern(at(rule.Properties, 'EventPattern'), readJson(file));

    // Assess
    expect(matched).toBe(routed);
  });
});

describe('Template: the rule on CloudTrail calls', () => {
  const call = (eventName: string, errorCode?: string) => {
    const { detail, ...event } = readJson('events/eventbridge-stop.json') as {
      detail: Record<string, unknown>;
    };
    return { ...event, detail: { ...detail, eventName, ...(errorCode && { errorCode }) } };
  };
  const pattern = () => at(resource(cfn(), STOP_RULE_ID).Properties, 'EventPattern');

  it('routes exactly the calls the trigger reads: its store calls, then its trail calls', () => {
    // Act
    const eventNames = at(pattern(), 'detail', 'eventName');

    // Assess
    expect(eventNames).toEqual([...STORE_EVENT_NAMES, ...TRAIL_EVENT_NAMES]);
  });

  it.each(RULE_EVENT_NAMES)('routes a successful %s call and not a failed one', (eventName) => {
    // Act
    const routed = [call(eventName), call(eventName, 'AccessDenied')].map((event) =>
      matchesEventPattern(pattern(), event),
    );

    // Assess
    expect(routed).toEqual([true, false]);
  });

  it.each(['GetEventDataStore', 'StartEventDataStoreIngestion', 'CreateTrail', 'StartLogging'])(
    'does not route a %s call',
    (eventName) => {
      // Act
      const routed = matchesEventPattern(pattern(), call(eventName));

      // Assess
      expect(routed).toBe(false);
    },
  );
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
    ['a suffix', { source: [{ suffix: '.cloudtrail' }] }, true],
    ['a suffix that differs', { source: [{ suffix: '.events' }] }, false],
    [
      '$or with one matching pattern',
      { detail: { $or: [{ eventName: ['StopLogging'] }, { tags: ['a'] }] } },
      true,
    ],
    [
      '$or with no matching pattern',
      { detail: { $or: [{ eventName: ['StopLogging'] }, { tags: ['c'] }] } },
      false,
    ],
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
    ['$or with a single pattern', { detail: { $or: [{ eventName: ['StopLogging'] }] } }],
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
