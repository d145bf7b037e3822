/**
 * What one CloudTrail record (an EventBridge `AWS API Call via CloudTrail` event's `detail`)
 * says: which stores the call touched, who made it, and its context. Pure.
 */
import type { Json } from './trigger-fields.js';
import { identifier, isObject, optionalString } from './trigger-fields.js';
import type { Actor, CloudTrailContext, ResumeRequest, TagChange } from './types.js';

/** Calls on one event data store: the scope is the store the call named. */
export const STORE_EVENT_NAMES = [
  'StopEventDataStoreIngestion',
  'DeleteEventDataStore',
  'UpdateEventDataStore',
  'RestoreEventDataStore',
  'EnableFederation',
  'DisableFederation',
  'AddTags',
  'RemoveTags',
] as const;
export type StoreEventName = (typeof STORE_EVENT_NAMES)[number];

/** Calls that silence a trail (and with it the EventBridge path): the scope is every managed store. */
export const TRAIL_EVENT_NAMES = [
  'StopLogging',
  'DeleteTrail',
  'UpdateTrail',
  'PutEventSelectors',
] as const;
export type TrailEventName = (typeof TRAIL_EVENT_NAMES)[number];

/** How a store event names its store, and what else it records. */
interface StoreEvent {
  /** The `requestParameters` field that names the store. */
  readonly field: 'eventDataStore' | 'resourceId';
  /** A failed call is reported as a failed stop. */
  readonly failedStop?: true;
  /** The call changes tags. */
  readonly tags?: TagChange['change'];
}

const STORE_EVENTS: Readonly<Record<StoreEventName, StoreEvent>> = {
  StopEventDataStoreIngestion: { field: 'eventDataStore', failedStop: true },
  DeleteEventDataStore: { field: 'eventDataStore' },
  UpdateEventDataStore: { field: 'eventDataStore' },
  RestoreEventDataStore: { field: 'eventDataStore' },
  EnableFederation: { field: 'eventDataStore' },
  DisableFederation: { field: 'eventDataStore' },
  AddTags: { field: 'resourceId', tags: 'add' },
  RemoveTags: { field: 'resourceId', tags: 'remove' },
};

/** The longest string kept of a context field. */
export const MAX_CONTEXT_CHARS = 512;
const MAX_TAG_KEYS = 200;
const MAX_TAG_KEY_CHARS = 128;
/** A taggable CloudTrail resource that is no event data store. */
const OTHER_RESOURCE_ARN = /^arn:[^:]*:cloudtrail:[^:]*:[^:]*:(?:trail|channel|dashboard)\//;
const IDENTITY_STORE_ARN =
  /^arn:aws[a-z-]*:identitystore::\d{12}:identitystore\/[A-Za-z0-9-]{1,64}$/;
const IDENTITY_CENTER_USER_ID = /^[A-Za-z0-9-]{1,128}$/;

/** What a record says: the scope and its reasons, its actor and its context. */
export interface RecordReading {
  readonly scope: ResumeRequest['scope'];
  /** The record's `eventID`: the same whichever path brought the record. */
  readonly eventId?: string;
  readonly eventName?: string;
  readonly cloudTrail: CloudTrailContext;
  readonly actor?: Actor;
  readonly failedStops?: readonly string[];
  readonly tagChange?: TagChange;
}

/** Reads the record `detail` found at `path` (`….detail`). */
export function readCloudTrailRecord(detail: Json, path: string): RecordReading {
  const eventId = optionalString(detail.eventID, `${path}.eventID`);
  const cloudTrail = readContext(detail);
  const actor = readActor(detail.userIdentity);
  return {
    ...readScope(detail, path),
    ...(eventId !== undefined && { eventId }),
    ...(cloudTrail.eventName !== undefined && { eventName: cloudTrail.eventName }),
    cloudTrail,
    ...(actor !== undefined && { actor }),
  };
}

type ScopeReading = Pick<RecordReading, 'scope' | 'failedStops' | 'tagChange'>;

function readScope(detail: Json, path: string): ScopeReading {
  const name = detail.eventName;
  const failed = detail.errorCode !== undefined && detail.errorCode !== null;
  if (isOneOf(STORE_EVENT_NAMES, name)) return readStoreScope(detail, path, name, failed);
  // A failed call changed nothing; any other call may have blinded a store we cannot see.
  return { scope: failed && isOneOf(TRAIL_EVENT_NAMES, name) ? [] : 'managed' };
}

function readStoreScope(
  detail: Json,
  path: string,
  name: StoreEventName,
  failed: boolean,
): ScopeReading {
  const how = STORE_EVENTS[name];
  const params = isObject(detail.requestParameters) ? detail.requestParameters : {};
  const named = params[how.field];
  const tagChange = how.tags === undefined || failed ? {} : readTagChange(params, how.tags);
  // Without the store's name, every managed store may be the one; a failed call changed none.
  if (named === undefined || named === null)
    return { scope: failed ? [] : 'managed', ...tagChange };
  if (typeof named === 'string' && OTHER_RESOURCE_ARN.test(named)) return { scope: [] };
  const store = identifier(named, `${path}.requestParameters.${how.field}`);
  // A failed stop leaves the store ingesting: it is reported, never acted on.
  if (failed) return how.failedStop ? { scope: [], failedStops: [store] } : { scope: [] };
  return { scope: [store], ...tagChange };
}

/** Every tag key the call named (`tagsList[].key`): strings of 1 to 128 characters, each once. */
function readTagChange(params: Json, change: TagChange['change']): { tagChange: TagChange } {
  const list = Array.isArray(params.tagsList) ? params.tagsList.slice(0, MAX_TAG_KEYS) : [];
  const keys = list
    .map((tag: unknown) => (isObject(tag) ? tag.key : undefined))
    .filter(
      (key): key is string =>
        typeof key === 'string' && key.length > 0 && key.length <= MAX_TAG_KEY_CHARS,
    );
  return { tagChange: { change, keys: [...new Set(keys)] } };
}

function readContext(detail: Json): CloudTrailContext {
  const fields = ['eventName', 'eventID', 'eventTime', 'sourceIPAddress', 'userAgent'] as const;
  const context: Record<string, string> = {};
  for (const field of fields) {
    const value = detail[field];
    if (typeof value === 'string') context[field] = value.slice(0, MAX_CONTEXT_CHARS);
  }
  return context;
}

/**
 * Who made the call. An Identity Center user has no `arn`; it is named
 * `<identityStoreArn>/user/<userId>` from `onBehalfOf`. An identity with neither has no actor.
 */
export function readActor(identity: unknown): Actor | undefined {
  if (!isObject(identity)) return undefined;
  const arn = nonEmpty(identity.arn) ?? identityCenterArn(identity);
  if (arn === undefined) return undefined;
  const context = identity.sessionContext;
  const issuer = isObject(context) ? context.sessionIssuer : undefined;
  const roleArn = isObject(issuer) ? nonEmpty(issuer.arn) : undefined;
  const type = nonEmpty(identity.type);
  const accountId = nonEmpty(identity.accountId);
  return {
    arn,
    ...(roleArn !== undefined && { roleArn }),
    ...(type !== undefined && { type }),
    ...(accountId !== undefined && { accountId }),
  };
}

function identityCenterArn(identity: Json): string | undefined {
  const on = identity.onBehalfOf;
  if (identity.type !== 'IdentityCenterUser' || !isObject(on)) return undefined;
  const { identityStoreArn: store, userId: user } = on;
  if (typeof store !== 'string' || !IDENTITY_STORE_ARN.test(store)) return undefined;
  if (typeof user !== 'string' || !IDENTITY_CENTER_USER_ID.test(user)) return undefined;
  return `${store}/user/${user}`;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isOneOf<T extends string>(names: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (names as readonly string[]).includes(value);
}
