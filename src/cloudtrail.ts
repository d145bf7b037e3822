/**
 * The CloudTrail adapter: the only file that imports `@aws-sdk/client-cloudtrail`.
 * It turns SDK errors into `CallError`s that carry only what classification and logs need
 * (name, HTTP status, attempts, a short message) — never the request or its credentials.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  CloudTrailClient,
  GetEventDataStoreCommand,
  ListTagsCommand,
  paginateListEventDataStores,
  StartEventDataStoreIngestionCommand,
} from '@aws-sdk/client-cloudtrail';
import { StandardRetryStrategy } from '@smithy/core/retry';
import type { StoreSnapshot } from './policy.js';
import { SDK_MAX_ATTEMPTS_PER_CALL } from './retry-policy.js';

/** A failed CloudTrail call, reduced to what may be logged. */
export class CallError extends Error {
  readonly operation: string;
  readonly httpStatusCode: number | undefined;
  /** Requests the SDK sent for this call (its own retries included). */
  readonly attempts: number;
  constructor(
    operation: string,
    name: string,
    message: string,
    httpStatusCode: number | undefined,
    attempts: number,
  ) {
    super(message);
    this.name = name;
    this.operation = operation;
    this.httpStatusCode = httpStatusCode;
    this.attempts = attempts;
  }
}

export interface CallOptions {
  /** Aborts the call (and the SDK's retries) at the invocation's deadline. */
  readonly signal: AbortSignal;
}

export interface StartOptions extends CallOptions {
  /** Requests the SDK may send for this call, out of the store's remaining budget. */
  readonly maxAttempts: number;
}

/** The CloudTrail operations the function uses, as the use case sees them. */
export interface CloudTrailPort {
  /** GetEventDataStore, reduced to a snapshot (tags not included). */
  describeStore(eventDataStore: string, options: CallOptions): Promise<StoreSnapshot>;
  /** ListEventDataStores through the SDK's paginator: every store's ARN. */
  listStoreArns(options: CallOptions): Promise<string[]>;
  /** ListTags, in batches of at most 20 ARNs. */
  listTags(
    arns: readonly string[],
    options: CallOptions,
  ): Promise<Map<string, Record<string, string>>>;
  /** StartEventDataStoreIngestion; resolves to the number of requests sent. */
  startIngestion(eventDataStore: string, options: StartOptions): Promise<{ attempts: number }>;
}

const LIST_TAGS_BATCH = 20;

export interface CloudTrailOptions {
  readonly region: string;
  /** Injected in tests; otherwise one is built (endpoint from `AWS_ENDPOINT_URL_CLOUDTRAIL`). */
  readonly client?: CloudTrailClient;
  /** Per request (then TimeoutError, retried); the invocation's abort signal bounds the whole call. @default 5000 */
  readonly requestTimeoutMs?: number;
}

/** Builds the adapter and, unless one is injected, its SDK client (once, at module scope). */
export function createCloudTrail(options: CloudTrailOptions): CloudTrailPort {
  // The SDK's standard strategy retries throttling, 5xx and network errors; how many requests
  // it may send is read per call from the store's remaining budget (see retry-policy.ts).
  const budget = new AsyncLocalStorage<number>();
  const client =
    options.client ??
    new CloudTrailClient({
      region: options.region,
      retryStrategy: new StandardRetryStrategy(
        async () => budget.getStore() ?? SDK_MAX_ATTEMPTS_PER_CALL,
      ),
      requestHandler: {
        // A request with no answer after this long fails with TimeoutError (retryable), so the
        // SDK sends it again within the budget. Without throwOnRequestTimeout the SDK only logs a
        // warning (on the console, not through the Logger) and waits on until the deadline.
        requestTimeout: options.requestTimeoutMs ?? 5_000,
        throwOnRequestTimeout: true,
        connectionTimeout: 2_000,
      },
    });

  const call = async <T>(operation: string, send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (error) {
      throw toCallError(operation, error);
    }
  };

  return {
    async describeStore(eventDataStore, { signal }) {
      const out = await call('GetEventDataStore', () =>
        client.send(new GetEventDataStoreCommand({ EventDataStore: eventDataStore }), {
          abortSignal: signal,
        }),
      );
      const categories = (out.AdvancedEventSelectors ?? []).flatMap((selector) =>
        (selector.FieldSelectors ?? [])
          .filter((field) => field.Field === 'eventCategory')
          .flatMap((field) => field.Equals ?? []),
      );
      return {
        arn: out.EventDataStoreArn ?? eventDataStore,
        ...(out.Name !== undefined && { name: out.Name }),
        ...(out.Status !== undefined && { status: out.Status }),
        categories,
        tags: {},
        organizationEnabled: out.OrganizationEnabled === true,
      };
    },

    async listStoreArns({ signal }) {
      return call('ListEventDataStores', async () => {
        const arns: string[] = [];
        // Arguments after the input reach client.send: every page carries the abort signal.
        const pages = paginateListEventDataStores(
          { client, pageSize: 1000, stopOnSameToken: true },
          {},
          { abortSignal: signal },
        );
        for await (const page of pages) {
          for (const store of page.EventDataStores ?? []) {
            if (store.EventDataStoreArn !== undefined) arns.push(store.EventDataStoreArn);
          }
        }
        return arns;
      });
    },

    async listTags(arns, { signal }) {
      const tags = new Map<string, Record<string, string>>();
      for (let i = 0; i < arns.length; i += LIST_TAGS_BATCH) {
        const batch = arns.slice(i, i + LIST_TAGS_BATCH);
        const out = await call('ListTags', () =>
          client.send(new ListTagsCommand({ ResourceIdList: batch }), { abortSignal: signal }),
        );
        for (const resource of out.ResourceTagList ?? []) {
          if (resource.ResourceId === undefined) continue;
          const entries = (resource.TagsList ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']);
          tags.set(resource.ResourceId, Object.fromEntries(entries));
        }
      }
      return tags;
    },

    async startIngestion(eventDataStore, { signal, maxAttempts }) {
      // Count the requests as they go out: an abort mid-retry surfaces as a bare AbortError
      // without `$metadata`, and `attempts` must still say how many were sent.
      let sent = 0;
      const command = new StartEventDataStoreIngestionCommand({ EventDataStore: eventDataStore });
      command.middlewareStack.add(
        (next) => (args) => {
          sent += 1;
          return next(args);
        },
        { step: 'deserialize', name: 'countStartAttempts' },
      );
      const attempts = (metadata?: { attempts?: number }) =>
        sent > 0 ? sent : (metadata?.attempts ?? 1);
      try {
        const out = await budget.run(maxAttempts, () =>
          client.send(command, { abortSignal: signal }),
        );
        return { attempts: attempts(out.$metadata) };
      } catch (error) {
        const failure = toCallError('StartEventDataStoreIngestion', error);
        throw new CallError(
          failure.operation,
          failure.name,
          failure.message,
          failure.httpStatusCode,
          attempts({ attempts: failure.attempts }),
        );
      }
    },
  };
}

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

/** Keeps the error's name, status, attempts and a short message; drops everything else. */
function toCallError(operation: string, error: unknown): CallError {
  if (error instanceof CallError) return error;
  const shape = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  // Node network errors carry the useful name in `code` (ECONNRESET, ETIMEDOUT, …).
  const code =
    typeof shape.code === 'string' && /^E[A-Z]+$/.test(shape.code) ? shape.code : undefined;
  const name = code ?? (typeof shape.name === 'string' && shape.name !== '' ? shape.name : 'Error');
  const message = typeof shape.message === 'string' ? shape.message.slice(0, 300) : String(error);
  return new CallError(
    operation,
    name,
    message,
    shape.$metadata?.httpStatusCode,
    shape.$metadata?.attempts ?? 1,
  );
}
