import type { Context } from 'aws-lambda';
import { createLambdaContext } from '../../local/lambda-context.js';
import { ACCOUNT, REGION } from './fake-account.js';

/** A Lambda context of the test account and region. */
export function lambdaContext(options: { timeoutMs?: number; account?: string } = {}): Context {
  return createLambdaContext({
    accountId: options.account ?? ACCOUNT,
    region: REGION,
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
  });
}
