/**
 * The Lambda entry point, in the Powertools shape: configuration, clients, logger and metrics at
 * module scope (once per execution environment), a thin `lambdaHandler`, and the middy chain at
 * the bottom. A bad setting fails the cold start with a `ConfigError` listing every problem, as
 * does `sam local invoke` without local endpoints (local-endpoints.ts).
 * Powertools idempotency is loaded on the first request that needs it (idempotency.ts).
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
import { createHandleOnce } from './idempotency.js';
import { loadOnce } from './lazy.js';
import { checkSamLocalEndpoints } from './local-endpoints.js';
import { recordResult } from './metrics.js';
import { resumeIngestion } from './resume.js';
import { createStateTable } from './state-table.js';
import { tellHumans } from './tell-humans.js';
import { parseTrigger } from './trigger.js';
import type { Here, ResumeRequest, ResumeResult } from './types.js';

const config = readConfig(process.env);
checkSamLocalEndpoints(process.env, config);
const logger = new Logger();
const metrics = new Metrics();
const cloudtrail = createCloudTrail({ region: config.region });
// The state table's DynamoDB client is loaded on the first invocation, and only with STATE_TABLE.
const stateTable = config.stateTable;
const state =
  stateTable === undefined
    ? undefined
    : loadOnce(() => createStateTable({ tableName: stateTable, region: config.region }));
warnAboutSettings();

/** Settings that work but leave something out, said once per cold start. */
function warnAboutSettings(): void {
  if (config.stateTable === undefined) {
    logger.warn('drift not tracked', {
      reason:
        'STATE_TABLE is not set: no baselines, so narrowed selectors, lowered retention and other configuration changes are not seen',
    });
  }
  if (config.deprecatedAuthorizedStoppers) {
    logger.warn('deprecated setting', {
      reason: 'AUTHORIZED_STOPPERS is deprecated: rename it AUTHORIZED_ACTORS',
    });
  }
}

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
  const here = whereAmI(context);
  const done = await resumeIngestion(request, {
    cloudtrail,
    state: await state?.(),
    config,
    here,
    logger,
    remainingTimeMs: () => context.getRemainingTimeInMillis(),
  });
  recordResult(metrics, done);
  const invocation = {
    functionArn: context.invokedFunctionArn,
    requestId: context.awsRequestId,
    here,
    remainingMs: context.getRemainingTimeInMillis() - config.deadlineMarginMs,
  };
  const result = {
    ...done,
    ...(await tellHumans(done, request, invocation, { config, logger, metrics })),
  };
  logger.info('invocation done', {
    summary: result.summary,
    dryRun: result.dryRun,
    ...(result.incident !== undefined && { incident: result.incident }),
  });
  if (result.summary.failed > 0) throw new ResumeFailedError(result);
  return result;
}

const handleOnce =
  config.idempotencyTable === undefined
    ? undefined
    : createHandleOnce(handleRequest, {
        tableName: config.idempotencyTable,
        expirySeconds: config.idempotencyExpirySeconds,
      });
if (config.idempotencyTable === undefined) {
  logger.warn('idempotency disabled', {
    reason: 'IDEMPOTENCY_TABLE is not set: a redelivered event is acted on again',
  });
}

function readRequest(event: unknown): ResumeRequest {
  try {
    return parseTrigger(event);
  } catch (error) {
    if (error instanceof InvalidTriggerError) {
      metrics.addMetric('InvalidTriggers', 'Count', 1);
      logger.error('invalid trigger', { field: error.field, errorMessage: error.message });
    }
    throw error;
  }
}

const lambdaHandler = async (event: unknown, context: Context): Promise<ResumeResult> => {
  const request = readRequest(event);
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
  if (request.deliveryId === undefined || handleOnce === undefined) {
    return handleRequest(request, context);
  }
  return handleOnce(request, context);
};

export const handler = middy(lambdaHandler)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
