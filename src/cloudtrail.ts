/**
 * The CloudTrail adapter: the only file that imports `@aws-sdk/client-cloudtrail`.
 *
 * One request per call: the client's `maxAttempts` is 1, so the SDK never retries, never sleeps
 * and keeps no retry quota across invocations; the use case retries every call itself
 * (retry-policy.ts). Every error leaves as a `CallError`.
 */
import {
  type AdvancedEventSelector,
  type AdvancedFieldSelector,
  CloudTrailClient,
  GetEventDataStoreCommand,
  type GetEventDataStoreCommandOutput,
  ListTagsCommand,
  type ListTagsCommandOutput,
  paginateListEventDataStores,
  RestoreEventDataStoreCommand,
  StartEventDataStoreIngestionCommand,
  UpdateEventDataStoreCommand,
} from '@aws-sdk/client-cloudtrail';
import { getRetryAfterHint } from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { toCallError } from './call-error.js';
import {
  type EventSelector,
  FIELD_OPERATORS,
  type FieldSelector,
  type StoreConfig,
  type StoreSnapshot,
  type Tags,
} from './types.js';

/** The CloudTrail operations the function uses, one request each, as the use case sees them. */
export interface CloudTrailPort {
  /** GetEventDataStore, reduced to a snapshot with its configuration (tags not included). */
  describeStore(eventDataStore: string): Promise<StoreSnapshot>;
  /** ListEventDataStores through the SDK's paginator (a request per page): every store's ARN. */
  listStoreArns(): Promise<string[]>;
  /**
   * ListTags of at most `LIST_TAGS_BATCH` ARNs: tags by the ResourceId the answer gives. A batch
   * refused as naming an inactive store (one pending deletion) is asked again ARN by ARN, and
   * the ARNs refused that way are left out, so one deleted store hides no other store's tags.
   */
  listTags(arns: readonly string[]): Promise<Map<string, Tags>>;
  /** StartEventDataStoreIngestion. */
  startIngestion(eventDataStore: string): Promise<void>;
  /** RestoreEventDataStore: the status its answer gives. */
  restoreStore(eventDataStore: string): Promise<{ status?: string }>;
  /** UpdateEventDataStore with TerminationProtectionEnabled true and nothing else. */
  enableTerminationProtection(eventDataStore: string): Promise<void>;
}

/** The adapter, built once per execution environment; `open` once per invocation. */
export interface CloudTrail {
  /** The port for one invocation: every request it sends is aborted when `deadline` fires. */
  open(deadline: AbortSignal): CloudTrailPort;
}

/** ListTags takes at most 20 resource IDs. */
export const LIST_TAGS_BATCH = 20;

/** ListTags' refusal of a batch that names a store pending deletion. */
const INACTIVE = 'InactiveEventDataStoreException';

export interface CloudTrailOptions {
  readonly region: string;
  /** Per request (then TimeoutError, retried by the use case). @default 5000 */
  readonly requestTimeoutMs?: number;
}

/** Builds the adapter and its SDK client (once, at module scope). */
export function createCloudTrail(options: CloudTrailOptions): CloudTrail {
  const requestHandler = new DeadlineHttpHandler({
    // A request with no answer after this long fails with TimeoutError. Without
    // throwOnRequestTimeout the SDK only logs a warning and waits on until the deadline.
    requestTimeout: options.requestTimeoutMs ?? 5_000,
    throwOnRequestTimeout: true,
    connectionTimeout: 2_000,
  });
  const client = new CloudTrailClient({
    region: options.region,
    maxAttempts: 1,
    requestHandler,
    // The SDK resolves each command's middleware chain once instead of on every call; this holds
    // only for calls sent without per-call options, which is why the deadline reaches the
    // requests through the handler (`open`) and not through `send`'s abortSignal.
    cacheMiddleware: true,
  });
  const port = createPort(client);
  return {
    open(deadline) {
      requestHandler.deadline = deadline;
      return port;
    },
  };
}

/** One request: its error leaves as a CallError named by the operation, with Retry-After. */
async function call<T>(operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw toCallError(error, operation, retryAfterMsOf(error));
  }
}

function createPort(client: CloudTrailClient): CloudTrailPort {
  return {
    async describeStore(eventDataStore) {
      const input = { EventDataStore: eventDataStore };
      const out = await call('GetEventDataStore', () =>
        client.send(new GetEventDataStoreCommand(input)),
      );
      return toSnapshot(out, eventDataStore);
    },
    listStoreArns: () => call('ListEventDataStores', () => listAllArns(client)),
    listTags: (arns) => listTagsSkippingInactive(client, arns),
    async startIngestion(eventDataStore) {
      const input = { EventDataStore: eventDataStore };
      await call('StartEventDataStoreIngestion', () =>
        client.send(new StartEventDataStoreIngestionCommand(input)),
      );
    },
    async restoreStore(eventDataStore) {
      const input = { EventDataStore: eventDataStore };
      const out = await call('RestoreEventDataStore', () =>
        client.send(new RestoreEventDataStoreCommand(input)),
      );
      return out.Status === undefined ? {} : { status: out.Status };
    },
    async enableTerminationProtection(eventDataStore) {
      const input = { EventDataStore: eventDataStore, TerminationProtectionEnabled: true };
      await call('UpdateEventDataStore', () => client.send(new UpdateEventDataStoreCommand(input)));
    },
  };
}

/** ListEventDataStores through the SDK's paginator: every store's ARN. */
async function listAllArns(client: CloudTrailClient): Promise<string[]> {
  const arns: string[] = [];
  const pages = paginateListEventDataStores({ client, pageSize: 1000, stopOnSameToken: true }, {});
  for await (const page of pages) {
    for (const store of page.EventDataStores ?? []) {
      if (store.EventDataStoreArn !== undefined) arns.push(store.EventDataStoreArn);
    }
  }
  return arns;
}

/** ListTags' answer, or undefined when it was refused as naming an inactive store. */
function tagsUnlessInactive(client: CloudTrailClient, arns: readonly string[]) {
  return call('ListTags', () =>
    client.send(new ListTagsCommand({ ResourceIdList: [...arns] })),
  ).then(toTagMap, (error: unknown) => {
    if ((error as Error).name === INACTIVE) return undefined;
    throw error;
  });
}

/** A batch refused for an inactive store is asked ARN by ARN; the inactive ones are left out. */
async function listTagsSkippingInactive(
  client: CloudTrailClient,
  arns: readonly string[],
): Promise<Map<string, Tags>> {
  const whole = await tagsUnlessInactive(client, arns);
  if (whole !== undefined || arns.length <= 1) return whole ?? new Map();
  const tags = new Map<string, Tags>();
  for (const arn of arns) {
    for (const [resourceId, found] of (await tagsUnlessInactive(client, [arn])) ?? []) {
      tags.set(resourceId, found);
    }
  }
  return tags;
}

function toSnapshot(out: GetEventDataStoreCommandOutput, requested: string): StoreSnapshot {
  return {
    arn: out.EventDataStoreArn ?? requested,
    ...(out.Name !== undefined && { name: out.Name }),
    ...(out.Status !== undefined && { status: out.Status }),
    categories: (out.AdvancedEventSelectors ?? []).flatMap((selector) =>
      (selector.FieldSelectors ?? [])
        .filter((field) => field.Field === 'eventCategory')
        .flatMap((field) => field.Equals ?? []),
    ),
    tags: {},
    organizationEnabled: out.OrganizationEnabled === true,
    config: toConfig(out),
    ...(out.UpdatedTimestamp !== undefined && { updatedAt: out.UpdatedTimestamp.toISOString() }),
  };
}

/** The integrity-relevant configuration; booleans absent from the answer are false. */
function toConfig(out: GetEventDataStoreCommandOutput): StoreConfig {
  return {
    AdvancedEventSelectors: (out.AdvancedEventSelectors ?? []).map(toEventSelector),
    MultiRegionEnabled: out.MultiRegionEnabled === true,
    OrganizationEnabled: out.OrganizationEnabled === true,
    ...(out.RetentionPeriod !== undefined && { RetentionPeriod: out.RetentionPeriod }),
    TerminationProtectionEnabled: out.TerminationProtectionEnabled === true,
    ...(out.KmsKeyId !== undefined && { KmsKeyId: out.KmsKeyId }),
    ...(out.FederationStatus !== undefined && { FederationStatus: out.FederationStatus }),
    ...(out.FederationRoleArn !== undefined && { FederationRoleArn: out.FederationRoleArn }),
  };
}

function toEventSelector(selector: AdvancedEventSelector): EventSelector {
  return {
    ...(selector.Name !== undefined && { Name: selector.Name }),
    FieldSelectors: (selector.FieldSelectors ?? []).map(toFieldSelector),
  };
}

/** The operators of a field selector: the API's names, which the SDK's shape has too. */
const OPERATORS = FIELD_OPERATORS satisfies readonly (keyof FieldSelector &
  keyof AdvancedFieldSelector)[];

function toFieldSelector(field: AdvancedFieldSelector): FieldSelector {
  const selector: Record<string, unknown> = { Field: field.Field ?? '' };
  for (const operator of OPERATORS) {
    const values = field[operator];
    if (values !== undefined) selector[operator] = [...values];
  }
  return selector as unknown as FieldSelector;
}

function toTagMap(out: ListTagsCommandOutput): Map<string, Tags> {
  const tags = new Map<string, Tags>();
  for (const resource of out.ResourceTagList ?? []) {
    if (resource.ResourceId === undefined) continue;
    const entries = (resource.TagsList ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']);
    tags.set(resource.ResourceId, Object.fromEntries(entries));
  }
  return tags;
}

/** The server's Retry-After (or x-amz-retry-after), as the SDK's own parser reads it. */
function retryAfterMsOf(error: unknown): number | undefined {
  const response = (error as { $response?: unknown } | undefined)?.$response;
  const until = getRetryAfterHint(response as Parameters<typeof getRetryAfterHint>[0]);
  return until === undefined ? undefined : Math.max(0, until.getTime() - Date.now());
}

/** The SDK's HTTP handler, every request aborted at the current invocation's deadline. */
class DeadlineHttpHandler extends NodeHttpHandler {
  /** Set once per invocation by `open`; Lambda runs one invocation at a time per environment. */
  deadline: AbortSignal = new AbortController().signal;

  override handle(...[request, options]: Parameters<NodeHttpHandler['handle']>) {
    return super.handle(request, { ...options, abortSignal: this.deadline });
  }
}
