import type { Context } from 'aws-lambda';

export interface ContextOptions {
  readonly accountId: string;
  readonly region: string;
  /** The function's timeout: the remaining time counts down from it, for real. */
  readonly timeoutMs?: number;
  readonly functionName?: string;
}

/** A Lambda context like the one the service passes, for the runner, the tests and the bench. */
export function createLambdaContext(options: ContextOptions): Context {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const name = options.functionName ?? 'lake-ingestion-guard';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${options.region}:${options.accountId}:function:${name}`,
    memoryLimitInMB: '256',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]local`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
