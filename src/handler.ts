/**
 * The Lambda entry point: module-scope wiring (config, clients, logger, metrics) and a thin
 * middy chain. Everything that decides or calls AWS lives in the modules it wires together.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createCloudTrail } from './cloudtrail.js';
import { readConfig } from './config.js';
import { GuardError, InvalidTriggerError, ResumeFailedError } from './errors.js';
import { recordResult } from './metrics.js';
import type { ResumeRequest, ResumeResult } from './result.js';
import { type Here, resumeIngestion } from './resume.js';
import { parseTrigger } from './trigger.js';

const logger = new Logger();
const metrics = new Metrics();
// A bad setting fails the cold start here, with every problem listed.
const config = readConfig(process.env);
const cloudtrail = createCloudTrail({ region: config.region });

/** The account and partition come from the Lambda context, the region from the environment. */
function whereAmI(context: Context): Here {
  const [, partition, , , accountId] = context.invokedFunctionArn.split(':');
  if (partition === undefined || accountId === undefined || !/^\d{12}$/.test(accountId)) {
    throw new GuardError(
      `cannot read the account from invokedFunctionArn "${context.invokedFunctionArn}"`,
    );
  }
  return { partition, accountId, region: config.region };
}

/** One real round of work for a request: resolve, decide, start, verify; counted in metrics. */
async function handleRequest(request: ResumeRequest, context: Context): Promise<ResumeResult> {
  const result = await resumeIngestion(request, {
    cloudtrail,
    config,
    here: whereAmI(context),
    logger,
    remainingTimeMs: () => context.getRemainingTimeInMillis(),
  });
  recordResult(metrics, result);
  logger.info('invocation done', { summary: result.summary, dryRun: result.dryRun });
  if (result.summary.failed > 0) throw new ResumeFailedError(result);
  return result;
}

type HandleRequest = (request: ResumeRequest, context: Context) => Promise<ResumeResult>;

interface Idempotent {
  readonly handleOnce: HandleRequest;
  readonly registerLambdaContext: (context: Context) => void;
}

// DESIGN §8: one round of work per deliveryId. The key is the normalised deliveryId, never the
// raw event, so one CloudTrail stop seen through the EventBridge rule and through SNS is one key.
//
// Powertools' idempotency, its JMESPath engine and the DynamoDB client are about a third of the
// bundle. They are imported, and the persistence layer built, on the first request that needs
// them (one with a deliveryId, when a table is set), not at init: a cold start evaluates only
// what every invocation uses. The bundle keeps them in a chunk of their own.
async function loadIdempotency(tableName: string): Promise<Idempotent> {
  const [{ IdempotencyConfig, makeIdempotent }, { DynamoDBPersistenceLayer }] = await Promise.all([
    import('@aws-lambda-powertools/idempotency'),
    import('@aws-lambda-powertools/idempotency/dynamodb'),
  ]);
  const idempotencyConfig = new IdempotencyConfig({
    eventKeyJmesPath: 'deliveryId',
    expiresAfterSeconds: config.idempotencyExpirySeconds,
  });
  return {
    handleOnce: makeIdempotent(handleRequest, {
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName,
        keyAttr: 'id',
        expiryAttr: 'expiration',
      }),
      config: idempotencyConfig,
    }),
    registerLambdaContext: (context) => idempotencyConfig.registerLambdaContext(context),
  };
}

// One load per execution environment, shared by concurrent first requests; a failed import is
// retried by the next request instead of being cached.
let idempotent: Promise<Idempotent> | undefined;
function idempotency(tableName: string): Promise<Idempotent> {
  idempotent ??= loadIdempotency(tableName).catch((error: unknown) => {
    idempotent = undefined;
    throw error;
  });
  return idempotent;
}

if (config.idempotencyTable === undefined) {
  logger.warn('idempotency disabled', {
    reason: 'IDEMPOTENCY_TABLE is not set: a redelivered event is acted on again',
  });
}

const lambdaHandler = async (event: unknown, context: Context): Promise<ResumeResult> => {
  let request: ResumeRequest;
  try {
    request = parseTrigger(event);
  } catch (error) {
    if (error instanceof InvalidTriggerError) {
      metrics.addMetric('InvalidTriggers', 'Count', 1);
      logger.error('invalid trigger', { field: error.field, errorMessage: error.message });
    }
    throw error;
  }
  logger.appendKeys({
    trigger: { kind: request.kind },
    ...(request.deliveryId !== undefined && { deliveryId: request.deliveryId }),
  });
  logger.info('trigger received', {
    source: request.source,
    scope: request.scope,
    ...(request.actor !== undefined && { actor: request.actor }),
    ...(request.note !== undefined && { note: request.note }),
    ...(request.dryRun === true && { dryRun: true }),
  });
  // A request without deliveryId (a manual invoke) is never deduplicated.
  if (request.deliveryId === undefined || config.idempotencyTable === undefined) {
    return handleRequest(request, context);
  }
  const { handleOnce, registerLambdaContext } = await idempotency(config.idempotencyTable);
  // In-progress records then expire with this invocation, so a crash does not block the retry.
  registerLambdaContext(context);
  return handleOnce(request, context);
};

export const handler = middy(lambdaHandler)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
