/**
 * The emulator's stores file: a JSON array of event data stores, each shaped like the
 * `GetEventDataStore` response plus `Tags`. Validation names the index and the field at fault.
 *
 * The emulator keeps its own copy of the identifier rules on purpose: it stands in for the real
 * service, so it must not share code (or bugs) with the function it tests.
 */
import { readJsonFile } from './json-file.js';

export const STORE_STATUSES = [
  'CREATED',
  'ENABLED',
  'PENDING_DELETION',
  'STARTING_INGESTION',
  'STOPPING_INGESTION',
  'STOPPED_INGESTION',
] as const;
export type StoreStatus = (typeof STORE_STATUSES)[number];

export const BILLING_MODES = ['EXTENDABLE_RETENTION_PRICING', 'FIXED_RETENTION_PRICING'] as const;
export const FEDERATION_STATUSES = ['ENABLING', 'ENABLED', 'DISABLING', 'DISABLED'] as const;

const FIELD_SELECTOR_OPERATORS = [
  'Equals',
  'StartsWith',
  'EndsWith',
  'NotEquals',
  'NotStartsWith',
  'NotEndsWith',
] as const;

export interface FieldSelector {
  Field: string;
  Equals?: string[];
  StartsWith?: string[];
  EndsWith?: string[];
  NotEquals?: string[];
  NotStartsWith?: string[];
  NotEndsWith?: string[];
}

export interface AdvancedEventSelector {
  Name?: string;
  FieldSelectors: FieldSelector[];
}

export interface Tag {
  Key: string;
  Value?: string;
}

export interface PartitionKey {
  Name: string;
  Type: string;
}

/** One element of the stores file. Timestamps are epoch seconds, as on the wire. */
export interface StoreInput {
  EventDataStoreArn: string;
  Name?: string;
  Status?: StoreStatus;
  AdvancedEventSelectors?: AdvancedEventSelector[];
  MultiRegionEnabled?: boolean;
  OrganizationEnabled?: boolean;
  RetentionPeriod?: number;
  TerminationProtectionEnabled?: boolean;
  CreatedTimestamp?: number;
  UpdatedTimestamp?: number;
  KmsKeyId?: string;
  BillingMode?: string;
  FederationStatus?: string;
  FederationRoleArn?: string;
  PartitionKeys?: PartitionKey[];
  Tags?: Tag[];
  /** Emulator-only: false makes Start/Stop of an organization store fail as from a member account. */
  EmulatorCallerIsManagementAccount?: boolean;
}

export interface StoreArn {
  partition: string;
  region: string;
  accountId: string;
  id: string;
}

const IDENTIFIER = /^[a-zA-Z0-9._/\-:]+$/;
const STORE_ARN =
  /^arn:(aws[a-z-]*):cloudtrail:([a-z0-9-]+):(\d{12}):eventdatastore\/([a-zA-Z0-9._-]+)$/;
const STORE_NAME = /^[a-zA-Z0-9._-]+$/;

/** What the API accepts as `EventDataStore`: 3–256 characters of `[a-zA-Z0-9._/\-:]`. */
export function isStoreIdentifier(value: string): boolean {
  return value.length >= 3 && value.length <= 256 && IDENTIFIER.test(value);
}

/** Splits an event data store ARN; undefined when the value is not one. */
export function parseStoreArn(value: string): StoreArn | undefined {
  const match = STORE_ARN.exec(value);
  if (!match || !isStoreIdentifier(value)) return undefined;
  const [, partition = '', region = '', accountId = '', id = ''] = match;
  return { partition, region, accountId, id };
}

type Check = (value: unknown) => string | undefined;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const checkString: Check = (value) =>
  typeof value === 'string' && value.length > 0 ? undefined : 'expected a non-empty string';

const checkBoolean: Check = (value) =>
  typeof value === 'boolean' ? undefined : 'expected true or false';

const checkEpochSeconds: Check = (value) =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0
    ? undefined
    : 'expected epoch seconds (a non-negative number)';

function checkOneOf(allowed: readonly string[]): Check {
  return (value) =>
    typeof value === 'string' && allowed.includes(value)
      ? undefined
      : `expected one of ${allowed.join(', ')}`;
}

function checkListOf(checkItem: (item: unknown) => string | undefined): Check {
  return (value) => {
    if (!Array.isArray(value)) return 'expected an array';
    for (const [index, item] of value.entries()) {
      const problem = checkItem(item);
      if (problem) return `[${index}]${problem.startsWith('.') ? '' : ': '}${problem}`;
    }
    return undefined;
  };
}

const checkStringList: Check = checkListOf((item) =>
  typeof item === 'string' ? undefined : 'expected a string',
);

/** Checks an object's keys against a table; returns `.Field: problem` for the first bad one. */
function checkObject(
  value: unknown,
  fields: Record<string, Check>,
  required: readonly string[],
): string | undefined {
  if (!isRecord(value)) return 'expected an object';
  for (const name of required) {
    if (value[name] === undefined) return `.${name}: is required`;
  }
  for (const [name, fieldValue] of Object.entries(value)) {
    const check = fields[name];
    if (!check) return `.${name}: unknown field`;
    const problem = check(fieldValue);
    if (problem) return `.${name}${problem.startsWith('[') ? '' : ': '}${problem}`;
  }
  return undefined;
}

const checkFieldSelector: Check = (value) =>
  checkObject(
    value,
    {
      Field: checkString,
      ...Object.fromEntries(FIELD_SELECTOR_OPERATORS.map((name) => [name, checkStringList])),
    },
    ['Field'],
  );

const checkSelector: Check = (value) =>
  checkObject(
    value,
    {
      Name: (name) => (typeof name === 'string' ? undefined : 'expected a string'),
      FieldSelectors: checkListOf(checkFieldSelector),
    },
    ['FieldSelectors'],
  );

const checkTag: Check = (value) =>
  checkObject(
    value,
    {
      Key: checkString,
      Value: (tagValue) => (typeof tagValue === 'string' ? undefined : 'expected a string'),
    },
    ['Key'],
  );

const checkPartitionKey: Check = (value) =>
  checkObject(value, { Name: checkString, Type: checkString }, ['Name', 'Type']);

const STORE_FIELDS: Record<keyof StoreInput, Check> = {
  EventDataStoreArn: (value) =>
    typeof value === 'string' && parseStoreArn(value)
      ? undefined
      : 'expected an event data store ARN (arn:<partition>:cloudtrail:<region>:<account>:eventdatastore/<id>)',
  Name: (value) =>
    typeof value === 'string' && value.length >= 3 && value.length <= 128 && STORE_NAME.test(value)
      ? undefined
      : 'expected 3-128 characters of [a-zA-Z0-9._-]',
  Status: checkOneOf(STORE_STATUSES),
  AdvancedEventSelectors: checkListOf(checkSelector),
  MultiRegionEnabled: checkBoolean,
  OrganizationEnabled: checkBoolean,
  RetentionPeriod: (value) =>
    Number.isInteger(value) && (value as number) >= 7 && (value as number) <= 3653
      ? undefined
      : 'expected an integer from 7 to 3653 (days)',
  TerminationProtectionEnabled: checkBoolean,
  CreatedTimestamp: checkEpochSeconds,
  UpdatedTimestamp: checkEpochSeconds,
  KmsKeyId: checkString,
  BillingMode: checkOneOf(BILLING_MODES),
  FederationStatus: checkOneOf(FEDERATION_STATUSES),
  FederationRoleArn: checkString,
  PartitionKeys: checkListOf(checkPartitionKey),
  Tags: checkListOf(checkTag),
  EmulatorCallerIsManagementAccount: checkBoolean,
};

/** Validates a parsed stores file; throws naming the index and field of the first problem. */
export function parseStores(json: unknown): StoreInput[] {
  if (!Array.isArray(json)) throw new Error('stores: expected a JSON array of event data stores');
  const seen = new Set<string>();
  for (const [index, store] of json.entries()) {
    const problem = checkObject(store, STORE_FIELDS, ['EventDataStoreArn']);
    if (problem)
      throw new Error(`stores[${index}]${problem.startsWith('.') ? '' : ': '}${problem}`);
    const arn = (store as StoreInput).EventDataStoreArn;
    if (seen.has(arn)) throw new Error(`stores[${index}].EventDataStoreArn: duplicate ${arn}`);
    seen.add(arn);
  }
  return structuredClone(json as StoreInput[]);
}

/** Reads and validates a stores file. */
export function readStoresFile(path: string): Promise<StoreInput[]> {
  return readJsonFile(path, parseStores);
}

/** The one partition, account and region the stores' ARNs share; throws when they differ. */
export function accountAndRegionOf(stores: readonly StoreInput[]): {
  partition: string;
  accountId: string;
  region: string;
} {
  const first = stores[0];
  if (!first) throw new Error('stores: empty, so there is no account or region to read');
  const expected = parseStoreArn(first.EventDataStoreArn);
  if (!expected) throw new Error(`stores[0].EventDataStoreArn: not an event data store ARN`);
  for (const [index, store] of stores.entries()) {
    const arn = parseStoreArn(store.EventDataStoreArn);
    if (
      !arn ||
      arn.partition !== expected.partition ||
      arn.accountId !== expected.accountId ||
      arn.region !== expected.region
    ) {
      throw new Error(
        `stores[${index}].EventDataStoreArn: every store must be in ${expected.partition} account ` +
          `${expected.accountId} region ${expected.region} (got ${store.EventDataStoreArn})`,
      );
    }
  }
  return { partition: expected.partition, accountId: expected.accountId, region: expected.region };
}
