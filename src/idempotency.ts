/**
 * One round of work per deliveryId, with Powertools idempotency on DynamoDB. The key
 * is the normalised `deliveryId`, never the raw event, so one CloudTrail stop seen through the
 * EventBridge rule and through SNS is one key.
 *
 * Powertools' idempotency, its JMESPath engine and the DynamoDB client are about a third of the
 * bundle. They are imported, and the persistence layer built, on the first request that needs
 * them, not at init: a cold start evaluates only what every invocation uses (the bundle keeps
 * them in a chunk of their own).
 */
import type { Context } from 'aws-lambda';
import { loadOnce } from './lazy.js';
import type { ResumeRequest, ResumeResult } from './types.js';

export type HandleRequest = (request: ResumeRequest, context: Context) => Promise<ResumeResult>;

export interface OnceOptions {
  readonly tableName: string;
  readonly expirySeconds: number;
}

/**
 * Wraps `handle` so that a request whose `deliveryId` was already handled returns the stored
 * result without doing the work again. The caller sends only requests that have a deliveryId.
 */
export function createHandleOnce(handle: HandleRequest, options: OnceOptions): HandleRequest {
  // One load per execution environment, shared by concurrent first requests.
  const load = loadOnce(() => loadIdempotent(handle, options));
  return async (request, context) => (await load())(request, context);
}

async function loadIdempotent(handle: HandleRequest, options: OnceOptions): Promise<HandleRequest> {
  const [{ IdempotencyConfig, makeIdempotent }, { DynamoDBPersistenceLayer }] = await Promise.all([
    import('@aws-lambda-powertools/idempotency'),
    import('@aws-lambda-powertools/idempotency/dynamodb'),
  ]);
  // No `eventKeyJmesPath`: the function made idempotent takes the deliveryId as its first
  // argument (`dataIndexArgument`) and that is what gets hashed. The key is the one the JMESPath
  // `deliveryId` gave (the hash of the same JSON string), without evaluating JMESPath three
  // times per invocation (the skip check, the in-progress record, the completed record).
  const config = new IdempotencyConfig({ expiresAfterSeconds: options.expirySeconds });
  const handleOnce = makeIdempotent(
    (_deliveryId: string, request: ResumeRequest, context: Context) => handle(request, context),
    {
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: options.tableName,
        keyAttr: 'id',
        expiryAttr: 'expiration',
        // Powertools sends its commands without per-call options and adds its middleware when
        // the layer is built: the SDK may resolve each command's middleware chain only once.
        clientConfig: { cacheMiddleware: true },
      }),
      config,
      dataIndexArgument: 0,
    },
  );
  return (request, context) => {
    // In-progress records then expire with this invocation, so a crash does not block the retry.
    config.registerLambdaContext(context);
    // The caller sends only requests that carry a deliveryId.
    return handleOnce(request.deliveryId as string, request, context);
  };
}
