/**
 * The emulator's event data stores and what the emulated operations do to them, without HTTP: the
 * status state machine, the API's own error rules (thrown as ApiError) and ListEventDataStores
 * paging. The book serves one account and region, those its stores' ARNs share.
 *
 * Statuses are computed from timestamps on each operation (no timers): a Start or Stop records
 * when its transition completes, and every later operation first settles the transitions due by
 * the injected clock.
 */
import { ApiError } from './api-error.js';
import { tagsListOf, updateOf, withoutTags, withTags } from './store-changes.js';
import {
  accountAndRegionOf,
  isStoreIdentifier,
  parseStoreArn,
  parseStores,
  type StoreInput,
  type StoreStatus,
  type Tag,
} from './stores-file.js';

/** The members of a GetEventDataStore response. */
export const STORE_OUTPUT_MEMBERS = [
  'EventDataStoreArn',
  'Name',
  'Status',
  'AdvancedEventSelectors',
  'MultiRegionEnabled',
  'OrganizationEnabled',
  'RetentionPeriod',
  'TerminationProtectionEnabled',
  'CreatedTimestamp',
  'UpdatedTimestamp',
  'KmsKeyId',
  'BillingMode',
  'FederationStatus',
  'FederationRoleArn',
  'PartitionKeys',
] as const satisfies readonly (keyof StoreInput)[];

/** The members of an UpdateEventDataStore response: Get's, without PartitionKeys. */
export const UPDATE_OUTPUT_MEMBERS = STORE_OUTPUT_MEMBERS.filter(
  (member) => member !== 'PartitionKeys',
);

/** The members of a RestoreEventDataStore response: Get's, without federation or partitions. */
export const RESTORE_OUTPUT_MEMBERS = UPDATE_OUTPUT_MEMBERS.filter(
  (member) => member !== 'FederationStatus' && member !== 'FederationRoleArn',
);

/** The categories StartEventDataStoreIngestion and StopEventDataStoreIngestion accept. */
export const INGESTING_CATEGORIES = ['Management', 'Data', 'NetworkActivity', 'ConfigurationItem'];

export const LIST_TAGS_MAX_RESOURCES = 20;

/** A store as the emulator holds it: the stores-file shape, with what the emulator fills in. */
export type StoreState = StoreInput & {
  Status: StoreStatus;
  CreatedTimestamp: number;
  UpdatedTimestamp: number;
  Tags: Tag[];
};

/** An operation's request members, as parsed from the JSON body (not yet validated). */
export type OperationInput = Readonly<Record<string, unknown>>;

export type StoreOutput = Partial<Pick<StoreState, (typeof STORE_OUTPUT_MEMBERS)[number]>>;

export interface ListEventDataStoresOutput {
  EventDataStores: { EventDataStoreArn: string; Name?: string }[];
  NextToken?: string;
}

export interface ListTagsOutput {
  ResourceTagList: { ResourceId: string; TagsList: Tag[] }[];
}

export interface StoreBookOptions {
  /** STARTING_INGESTION lasts this long. @default 100 */
  startDelayMs?: number;
  /** STOPPING_INGESTION lasts this long. @default 100 */
  stopDelayMs?: number;
  /** Page size of ListEventDataStores without MaxResults. @default 100 */
  defaultMaxResults?: number;
  /**
   * Most stores one ListEventDataStores page holds, whatever MaxResults asks for (the real
   * service may return fewer items than MaxResults). @default no cap
   */
  maxPageSize?: number;
  /** Clock in epoch milliseconds. @default Date.now */
  now?: () => number;
  /**
   * Whether ListEventDataStores lists stores in PENDING_DELETION (AWS does not document it).
   * @default true
   */
  listPendingDeletion?: boolean;
  /**
   * Whether ListTags naming a store in PENDING_DELETION answers InactiveEventDataStoreException
   * (as AWS may) instead of its tags; GetEventDataStore answers it PENDING_DELETION either way.
   * @default false
   */
  inactiveTags?: boolean;
}

/** The operations on the stores; each throws ApiError when the API would answer an error. */
export interface StoreBook {
  getEventDataStore(input: OperationInput): StoreOutput;
  listEventDataStores(input: OperationInput): ListEventDataStoresOutput;
  listTags(input: OperationInput): ListTagsOutput;
  startIngestion(input: OperationInput): Record<string, never>;
  stopIngestion(input: OperationInput): Record<string, never>;
  updateEventDataStore(input: OperationInput): StoreOutput;
  /** Moves the store to PENDING_DELETION, remembering the status it had. */
  deleteEventDataStore(input: OperationInput): Record<string, never>;
  /** Moves a PENDING_DELETION store back to the status it had before the delete. */
  restoreEventDataStore(input: OperationInput): StoreOutput;
  addTags(input: OperationInput): Record<string, never>;
  removeTags(input: OperationInput): Record<string, never>;
  /** Each store's current state (copies), in the stores-file shape with Tags. */
  stores(): StoreState[];
}

interface Transition {
  to: StoreStatus;
  atMs: number;
}

interface StoreEntry {
  state: StoreState;
  transition?: Transition;
  /** The status before DeleteEventDataStore, while PENDING_DELETION. */
  deletedFrom?: StoreStatus;
}

/** What Start or Stop requires and does: from one status, via another, to a third. */
interface IngestionChange {
  from: StoreStatus;
  via: StoreStatus;
  to: StoreStatus;
  delayMs: number;
}

interface Paging {
  defaultMaxResults: number;
  maxPageSize: number;
  listPendingDeletion: boolean;
}

const toSeconds = (ms: number): number => ms / 1000;
const idOf = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

/** The account and region a book serves: those its stores share (none without stores). */
type Home = { accountId: string; region: string } | undefined;

/**
 * Holds the stores (validated as a stores file, all of one partition, account and region);
 * seeded transitions complete a delay from now.
 */
export function createStoreBook(
  stores: readonly StoreInput[],
  options: StoreBookOptions = {},
): StoreBook {
  const now = options.now ?? Date.now;
  const start: IngestionChange = {
    from: 'STOPPED_INGESTION',
    via: 'STARTING_INGESTION',
    to: 'ENABLED',
    delayMs: options.startDelayMs ?? 100,
  };
  const stop: IngestionChange = {
    from: 'ENABLED',
    via: 'STOPPING_INGESTION',
    to: 'STOPPED_INGESTION',
    delayMs: options.stopDelayMs ?? 100,
  };
  const paging: Paging = {
    defaultMaxResults: options.defaultMaxResults ?? 100,
    maxPageSize: options.maxPageSize ?? Number.POSITIVE_INFINITY,
    listPendingDeletion: options.listPendingDeletion ?? true,
  };
  const entries = loadEntries(stores, now(), [start, stop]);
  const home: Home = entries.length > 0 ? accountAndRegionOf(stores) : undefined;
  /** The clock's time, once every transition due by then has completed. */
  const settledNow = (): number => {
    const nowMs = now();
    settle(entries, nowMs);
    return nowMs;
  };
  const change = (input: OperationInput, how: IngestionChange): Record<string, never> => {
    const nowMs = settledNow();
    return changeIngestion(findStore(entries, input.EventDataStore), nowMs, how);
  };

  return {
    getEventDataStore: (input) => {
      settledNow();
      return toOutput(findStore(entries, input.EventDataStore).state);
    },
    listEventDataStores: (input) => {
      settledNow();
      return listPage(entries, input, paging);
    },
    listTags: (input) => {
      settledNow();
      return listTags(entries, home, input.ResourceIdList, options.inactiveTags === true);
    },
    startIngestion: (input) => change(input, start),
    stopIngestion: (input) => change(input, stop),
    ...configurationOperations(entries, home, settledNow),
    stores: () => {
      settledNow();
      return entries.map(({ state }) => structuredClone(state));
    },
  };
}

type ConfigurationOperation =
  | 'updateEventDataStore'
  | 'deleteEventDataStore'
  | 'restoreEventDataStore'
  | 'addTags'
  | 'removeTags';

/** Update, Delete, Restore and tagging, each on the store it names once transitions are settled. */
function configurationOperations(
  entries: readonly StoreEntry[],
  home: Home,
  settledNow: () => number,
): Pick<StoreBook, ConfigurationOperation> {
  const target = (input: OperationInput): { entry: StoreEntry; nowS: number } => {
    const nowS = toSeconds(settledNow());
    return { entry: findStore(entries, input.EventDataStore), nowS };
  };
  const retag = (input: OperationInput, how: typeof withTags): Record<string, never> => {
    settledNow();
    const entry = taggedStore(entries, home, input.ResourceId);
    entry.state.Tags = how(entry.state.Tags, tagsListOf(input.TagsList));
    return {};
  };
  return {
    updateEventDataStore: (input) => {
      const { entry, nowS } = target(input);
      return updateStore(entries, entry, input, nowS);
    },
    deleteEventDataStore: (input) => deleteStore(target(input)),
    restoreEventDataStore: (input) => restoreStore(target(input)),
    addTags: (input) => retag(input, withTags),
    removeTags: (input) => retag(input, withoutTags),
  };
}

function loadEntries(
  stores: readonly StoreInput[],
  nowMs: number,
  changes: readonly IngestionChange[],
): StoreEntry[] {
  return parseStores(stores).map((store) => {
    const createdS = store.CreatedTimestamp ?? toSeconds(nowMs);
    const state: StoreState = {
      ...store,
      Status: store.Status ?? 'ENABLED',
      CreatedTimestamp: createdS,
      UpdatedTimestamp: store.UpdatedTimestamp ?? createdS,
      Tags: store.Tags ?? [],
    };
    const seeded = changes.find((change) => change.via === state.Status);
    return seeded
      ? { state, transition: { to: seeded.to, atMs: nowMs + seeded.delayMs } }
      : { state };
  });
}

function settle(entries: readonly StoreEntry[], nowMs: number): void {
  for (const entry of entries) {
    if (entry.transition && nowMs >= entry.transition.atMs) {
      entry.state.Status = entry.transition.to;
      entry.state.UpdatedTimestamp = toSeconds(entry.transition.atMs);
      delete entry.transition;
    }
  }
}

/** The store an `EventDataStore` member names, by ARN or by the ID its ARN ends with. */
function findStore(entries: readonly StoreEntry[], identifier: unknown): StoreEntry {
  if (typeof identifier !== 'string') {
    throw new ApiError('InvalidParameterException', 'EventDataStore is required.');
  }
  const isArn = identifier.startsWith('arn:');
  if (!isStoreIdentifier(identifier) || (isArn && !parseStoreArn(identifier))) {
    throw new ApiError(
      'EventDataStoreARNInvalidException',
      'The specified event data store ARN is not valid or does not map to an event data store in your account.',
    );
  }
  const entry = entries.find((candidate) =>
    isArn
      ? candidate.state.EventDataStoreArn === identifier
      : idOf(candidate.state.EventDataStoreArn) === identifier,
  );
  if (!entry) {
    throw new ApiError(
      'EventDataStoreNotFoundException',
      `The specified event data store ${identifier} was not found.`,
    );
  }
  return entry;
}

function toOutput(
  state: StoreState,
  members: readonly (typeof STORE_OUTPUT_MEMBERS)[number][] = STORE_OUTPUT_MEMBERS,
): StoreOutput {
  const output: Record<string, unknown> = {};
  for (const member of members) {
    if (state[member] !== undefined) output[member] = structuredClone(state[member]);
  }
  return output as StoreOutput;
}

function hasIngestingCategory(state: StoreState): boolean {
  return (state.AdvancedEventSelectors ?? []).some((selector) =>
    selector.FieldSelectors.some(
      (field) =>
        field.Field === 'eventCategory' &&
        (field.Equals ?? []).some((category) => INGESTING_CATEGORIES.includes(category)),
    ),
  );
}

/** Start or Stop: the organization, status and category rules, then the transition begins. */
function changeIngestion(
  entry: StoreEntry,
  nowMs: number,
  { from, via, to, delayMs }: IngestionChange,
): Record<string, never> {
  const { state } = entry;
  checkManagementAccount(state);
  if (state.Status !== from) {
    throw new ApiError(
      'InvalidEventDataStoreStatusException',
      `The event data store status is ${state.Status}; the operation needs ${from}.`,
    );
  }
  if (!hasIngestingCategory(state)) {
    throw new ApiError(
      'InvalidEventDataStoreCategoryException',
      `The eventCategory must be one of ${INGESTING_CATEGORIES.join(', ')}.`,
    );
  }
  state.Status = via;
  state.UpdatedTimestamp = toSeconds(nowMs);
  entry.transition = { to, atMs: nowMs + delayMs };
  return {};
}

function encodeToken(offset: number): string {
  return Buffer.from(`eds:${offset}`).toString('base64url');
}

/** The offset a NextToken stands for; only tokens this book could have issued are accepted. */
function decodeToken(token: unknown, storeCount: number): number {
  const match =
    typeof token === 'string'
      ? /^eds:(\d{1,9})$/.exec(Buffer.from(token, 'base64url').toString())
      : null;
  const offset = Number(match?.[1]);
  if (!match || offset < 1 || offset > storeCount || encodeToken(offset) !== token) {
    throw new ApiError('InvalidNextTokenException', 'A token that is not valid was provided.');
  }
  return offset;
}

function listPage(
  entries: readonly StoreEntry[],
  input: OperationInput,
  paging: Paging,
): ListEventDataStoresOutput {
  const maxResults = input.MaxResults ?? paging.defaultMaxResults;
  if (
    !Number.isInteger(maxResults) ||
    (maxResults as number) < 1 ||
    (maxResults as number) > 1000
  ) {
    throw new ApiError('InvalidMaxResultsException', 'MaxResults must be from 1 to 1000.');
  }
  const listed = paging.listPendingDeletion
    ? entries
    : entries.filter(({ state }) => state.Status !== 'PENDING_DELETION');
  const offset = input.NextToken === undefined ? 0 : decodeToken(input.NextToken, listed.length);
  const end = offset + Math.min(maxResults as number, paging.maxPageSize);
  return {
    EventDataStores: listed.slice(offset, end).map(({ state }) => ({
      EventDataStoreArn: state.EventDataStoreArn,
      ...(state.Name === undefined ? {} : { Name: state.Name }),
    })),
    ...(end < listed.length ? { NextToken: encodeToken(end) } : {}),
  };
}

function listTags(
  entries: readonly StoreEntry[],
  home: Home,
  list: unknown,
  inactiveTags: boolean,
): ListTagsOutput {
  if (!Array.isArray(list) || list.length === 0 || list.length > LIST_TAGS_MAX_RESOURCES) {
    throw new ApiError(
      'InvalidParameterException',
      `ResourceIdList must hold 1 to ${LIST_TAGS_MAX_RESOURCES} ARNs.`,
    );
  }
  return {
    ResourceTagList: list.map((resourceId: unknown) =>
      tagsOf(entries, home, resourceId, inactiveTags),
    ),
  };
}

/** Throws unless the value is a CloudTrail ARN of the account and region the book serves. */
function checkCloudTrailArn(resourceId: unknown, home: Home): asserts resourceId is string {
  const match =
    typeof resourceId === 'string'
      ? /^arn:[^:]+:cloudtrail:([^:]*):(\d{12}):.+/.exec(resourceId)
      : null;
  if (!match) {
    throw new ApiError(
      'CloudTrailARNInvalidException',
      `${String(resourceId)} is not a valid ARN.`,
    );
  }
  if (home && match[1] !== home.region) {
    throw new ApiError(
      'CloudTrailARNInvalidException',
      `Region in ARN is wrong, you can only access resources in region ${home.region}.`,
    );
  }
  if (home && match[2] !== home.accountId) {
    throw new ApiError(
      'CloudTrailARNInvalidException',
      `AccountID in ARN is wrong, you can only access resources with AccountID ${home.accountId}.`,
    );
  }
}

/**
 * One ResourceTagList item: the ARN must be a CloudTrail ARN, of the book's account and region,
 * of a store, of a known store (with `inactiveTags`, of one not pending deletion).
 */
function tagsOf(
  entries: readonly StoreEntry[],
  home: Home,
  resourceId: unknown,
  inactiveTags: boolean,
): ListTagsOutput['ResourceTagList'][number] {
  checkCloudTrailArn(resourceId, home);
  const { state } = storeOfArn(entries, resourceId);
  if (inactiveTags && state.Status === 'PENDING_DELETION') throw inactive(state);
  return { ResourceId: resourceId, TagsList: structuredClone(state.Tags) };
}

/** The store of a CloudTrail ARN: a store ARN, of a known store. */
function storeOfArn(entries: readonly StoreEntry[], resourceId: string): StoreEntry {
  if (!parseStoreArn(resourceId)) {
    throw new ApiError('ResourceNotFoundException', `Resource ${resourceId} was not found.`);
  }
  const entry = entries.find(({ state }) => state.EventDataStoreArn === resourceId);
  if (!entry) {
    throw new ApiError(
      'EventDataStoreNotFoundException',
      `The specified event data store ${resourceId} was not found.`,
    );
  }
  return entry;
}

const inactive = (state: StoreState): ApiError =>
  new ApiError(
    'InactiveEventDataStoreException',
    `The event data store ${state.EventDataStoreArn} is inactive.`,
  );

/** The store AddTags or RemoveTags names by ResourceId; a store pending deletion is inactive. */
function taggedStore(entries: readonly StoreEntry[], home: Home, resourceId: unknown): StoreEntry {
  checkCloudTrailArn(resourceId, home);
  const entry = storeOfArn(entries, resourceId);
  if (entry.state.Status === 'PENDING_DELETION') throw inactive(entry.state);
  return entry;
}

function checkManagementAccount(state: StoreState): void {
  if (state.OrganizationEnabled === true && state.EmulatorCallerIsManagementAccount === false) {
    throw new ApiError(
      'NotOrganizationMasterAccountException',
      'This operation on an organization event data store must be called from the management account.',
    );
  }
}

/** UpdateEventDataStore: the members sent replace the store's; answers the whole configuration. */
function updateStore(
  entries: readonly StoreEntry[],
  entry: StoreEntry,
  input: OperationInput,
  nowS: number,
): StoreOutput {
  const { state } = entry;
  if (state.Status === 'PENDING_DELETION') throw inactive(state);
  checkManagementAccount(state);
  const changes = updateOf(input, state);
  if (
    entries.some(
      (other) => other !== entry && changes.Name !== undefined && other.state.Name === changes.Name,
    )
  ) {
    throw new ApiError(
      'EventDataStoreAlreadyExistsException',
      `An event data store named ${changes.Name} already exists.`,
    );
  }
  Object.assign(state, changes);
  state.UpdatedTimestamp = nowS;
  return toOutput(state, UPDATE_OUTPUT_MEMBERS);
}

/** DeleteEventDataStore: refused while protected or federated, or while a transition runs. */
function deleteStore({ entry, nowS }: { entry: StoreEntry; nowS: number }): Record<string, never> {
  const { state } = entry;
  if (state.Status === 'PENDING_DELETION') throw inactive(state);
  checkManagementAccount(state);
  if (state.TerminationProtectionEnabled === true) {
    throw new ApiError(
      'EventDataStoreTerminationProtectedException',
      'The event data store cannot be deleted because termination protection is enabled for it.',
    );
  }
  if (state.FederationStatus !== undefined && state.FederationStatus !== 'DISABLED') {
    throw new ApiError(
      'EventDataStoreFederationEnabledException',
      'You cannot delete the event data store because Lake query federation is enabled.',
    );
  }
  if (entry.transition) {
    throw new ApiError(
      'ConflictException',
      `The event data store is ${state.Status}; try again when it has settled.`,
    );
  }
  entry.deletedFrom = state.Status;
  state.Status = 'PENDING_DELETION';
  state.UpdatedTimestamp = nowS;
  return {};
}

/** RestoreEventDataStore: only from PENDING_DELETION, back to the status it had. */
function restoreStore({ entry, nowS }: { entry: StoreEntry; nowS: number }): StoreOutput {
  const { state } = entry;
  if (state.Status !== 'PENDING_DELETION') {
    throw new ApiError(
      'InvalidEventDataStoreStatusException',
      `The event data store status is ${state.Status}; the operation needs PENDING_DELETION.`,
    );
  }
  checkManagementAccount(state);
  state.Status = entry.deletedFrom ?? 'ENABLED';
  delete entry.deletedFrom;
  state.UpdatedTimestamp = nowS;
  return toOutput(state, RESTORE_OUTPUT_MEMBERS);
}
