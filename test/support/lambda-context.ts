import type { Context } from 'aws-lambda';
import { ACCOUNT, REGION } from './fake-account.js';

/** A Lambda context of our account and region whose remaining time counts down for real. */
export function lambdaContext(options: { timeoutMs?: number; account?: string } = {}): Context {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const name = 'lake-ingestion-guard';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${options.account ?? ACCOUNT}:function:${name}`,
    memoryLimitInMB: '256',
    awsRequestId: `req-${Math.random().toString(16).slice(2)}`,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: '2026/11/25/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
