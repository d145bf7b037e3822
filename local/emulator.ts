/**
 * A CloudTrail Lake emulator (DESIGN §10): an HTTP server on 127.0.0.1 speaking CloudTrail's wire
 * protocol (AWS JSON 1.1) for the five operations the function uses, with the status state
 * machine, the API's own error rules and fault injection. The real SDK client talks to it through
 * its `endpoint` (or `AWS_ENDPOINT_URL_CLOUDTRAIL`); signatures are required but not verified.
 *
 * Statuses are computed from timestamps on each read (no timers), so nothing keeps the process
 * alive and close() is prompt.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createFaultInjector,
  type FaultInjector,
  type FaultRule,
  OPERATION_NAMES,
  type OperationName,
  parseFaultRules,
  resolveFaultError,
  statusOfErrorCode,
} from './faults.js';
import {
  isStoreIdentifier,
  parseStoreArn,
  parseStores,
  type StoreInput,
  type StoreStatus,
  type Tag,
} from './stores-file.js';

/** The X-Amz-Target prefix of the model (botocore, the API reference). */
export const TARGET_PREFIX = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.';
/** The prefix the Smithy-built SDKs (JavaScript v3) send: the service shape's name only. */
export const SHORT_TARGET_PREFIX = 'CloudTrail_20131101.';
export const CONTENT_TYPE = 'application/x-amz-json-1.1';

export interface OperationSpec {
  /** Input members the emulator reads. */
  readonly input: readonly string[];
  /** Output members the emulator can return. */
  readonly output: readonly string[];
  /** Error codes the emulator's own rules return (faults can inject any code). */
  readonly errors: readonly string[];
  /** Error codes returned although the model does not list them for the operation (a choice). */
  readonly unmodelledErrors: readonly string[];
}

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

const INGESTION_ERRORS = [
  'InvalidParameterException',
  'EventDataStoreARNInvalidException',
  'EventDataStoreNotFoundException',
  'NotOrganizationMasterAccountException',
  'InvalidEventDataStoreStatusException',
  'InvalidEventDataStoreCategoryException',
] as const;

/** What the emulator serves, per operation (checked against the service model by a test). */
export const EMULATED_OPERATIONS = {
  GetEventDataStore: {
    input: ['EventDataStore'],
    output: STORE_OUTPUT_MEMBERS,
    errors: [
      'InvalidParameterException',
      'EventDataStoreARNInvalidException',
      'EventDataStoreNotFoundException',
    ],
    unmodelledErrors: [],
  },
  ListEventDataStores: {
    input: ['MaxResults', 'NextToken'],
    output: ['EventDataStores', 'NextToken'],
    errors: ['InvalidMaxResultsException', 'InvalidNextTokenException'],
    unmodelledErrors: [],
  },
  ListTags: {
    input: ['ResourceIdList'],
    output: ['ResourceTagList'],
    errors: [
      'CloudTrailARNInvalidException',
      'ResourceNotFoundException',
      'EventDataStoreNotFoundException',
    ],
    // The model lists no error for a missing list or one over 20 ARNs.
    unmodelledErrors: ['InvalidParameterException'],
  },
  StartEventDataStoreIngestion: {
    input: ['EventDataStore'],
    output: [],
    errors: INGESTION_ERRORS,
    unmodelledErrors: [],
  },
  StopEventDataStoreIngestion: {
    input: ['EventDataStore'],
    output: [],
    errors: INGESTION_ERRORS,
    unmodelledErrors: [],
  },
} as const satisfies Record<OperationName, OperationSpec>;

/** Protocol errors any request can get, whatever the operation. */
export const PROTOCOL_ERRORS = [
  'MissingAuthenticationTokenException',
  'IncompleteSignatureException',
  'UnknownOperationException',
  'SerializationException',
  'InternalFailure',
] as const;

/** The categories StartEventDataStoreIngestion and StopEventDataStoreIngestion accept. */
export const INGESTING_CATEGORIES = ['Management', 'Data', 'NetworkActivity', 'ConfigurationItem'];

export const LIST_TAGS_MAX_RESOURCES = 20;

export interface CallRecord {
  readonly operation: string;
  /** As sent; for ListTags the ARNs of ResourceIdList joined by ','; absent for ListEventDataStores. */
  readonly eventDataStore?: string;
  /** 'ok', the error code sent, or 'reset' when the socket was destroyed. */
  readonly outcome: string;
}

/** A store as the emulator holds it: the stores-file shape, with what the emulator fills in. */
export type StoreState = StoreInput & {
  Status: StoreStatus;
  CreatedTimestamp: number;
  UpdatedTimestamp: number;
  Tags: Tag[];
};

export interface EmulatorOptions {
  stores: readonly StoreInput[];
  faults?: readonly FaultRule[];
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
  /** @default 0 (any free port) */
  port?: number;
  /** Random source for fault `rate`, [0, 1). @default Math.random */
  random?: () => number;
  /** Clock in epoch milliseconds. @default Date.now */
  now?: () => number;
}

export interface Emulator {
  readonly url: string;
  /** Same as url (the SDK's option name). */
  readonly endpoint: string;
  /** Every call, in the order the responses (or resets) were sent. */
  readonly calls: readonly CallRecord[];
  /** Each store's current state, in the stores-file shape (with Tags). */
  stores(): StoreState[];
  /** Replaces the fault rules (and their counts). */
  setFaults(rules: readonly FaultRule[]): void;
  /** Replaces the stores, as at start (seeded transitions complete `*DelayMs` from now). */
  setStores(stores: readonly StoreInput[]): void;
  resetCalls(): void;
  /** Requests received and not yet answered (nor reset, nor dropped by the client); by operation. */
  openRequests(operation?: string): number;
  /** The most requests open at once since start or resetCalls; by operation. */
  peakOpenRequests(operation?: string): number;
  /** Stops the server and destroys open (keep-alive) connections. */
  close(): Promise<void>;
}

class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  /** Extra response headers (an injected fault's `Retry-After`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: string,
    message: string,
    status = statusOfErrorCode(code),
    headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.headers = headers;
  }
}

interface Transition {
  to: StoreStatus;
  atMs: number;
}

interface StoreEntry {
  state: StoreState;
  transition?: Transition;
}

const toSeconds = (ms: number): number => ms / 1000;
const idOf = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function encodeToken(offset: number): string {
  return Buffer.from(`eds:${offset}`).toString('base64url');
}

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

/** The operation an X-Amz-Target names (either prefix); the header as is when it has neither. */
function operationOf(target: string | string[] | undefined): string {
  const value = typeof target === 'string' ? target : '';
  const prefix = [TARGET_PREFIX, SHORT_TARGET_PREFIX].find((known) => value.startsWith(known));
  return prefix ? value.slice(prefix.length) : value;
}

function checkAuthorization(header: string | undefined): void {
  if (header === undefined || header === '') {
    throw new ApiError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  if (
    !header.startsWith('AWS4-HMAC-SHA256 ') ||
    !header.includes('Credential=') ||
    !header.includes('Signature=')
  ) {
    throw new ApiError(
      'IncompleteSignatureException',
      'Authorization header requires AWS4-HMAC-SHA256 with Credential, SignedHeaders and Signature.',
    );
  }
}

function parseInput(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  let input: unknown;
  try {
    input = JSON.parse(body);
  } catch {
    throw new ApiError('SerializationException', 'The request body is not valid JSON.');
  }
  if (!isRecord(input)) {
    throw new ApiError('SerializationException', 'The request body must be a JSON object.');
  }
  return input;
}

function storesNamedBy(operation: OperationName, input: Record<string, unknown>): string[] {
  if (operation === 'ListTags') {
    const list = input.ResourceIdList;
    return Array.isArray(list) ? list.filter((item) => typeof item === 'string') : [];
  }
  if (operation === 'ListEventDataStores') return [];
  return typeof input.EventDataStore === 'string' ? [input.EventDataStore] : [];
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

function toResponse(state: StoreState): Record<string, unknown> {
  const response: Record<string, unknown> = {};
  for (const member of STORE_OUTPUT_MEMBERS) {
    if (state[member] !== undefined) response[member] = structuredClone(state[member]);
  }
  return response;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the emulator on 127.0.0.1; resolves once it listens. */
export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const startDelayMs = options.startDelayMs ?? 100;
  const stopDelayMs = options.stopDelayMs ?? 100;
  const defaultMaxResults = options.defaultMaxResults ?? 100;
  const maxPageSize = options.maxPageSize ?? Number.POSITIVE_INFINITY;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const closing = new AbortController();
  const callLog: CallRecord[] = [];
  let entries: StoreEntry[] = [];
  let injector: FaultInjector = createFaultInjector([]);
  const open = new Map<string, { now: number; peak: number }>();
  const ALL = '*';
  function countOpen(operation: string, delta: 1 | -1): void {
    for (const key of [ALL, operation]) {
      const entry = open.get(key) ?? { now: 0, peak: 0 };
      entry.now += delta;
      entry.peak = Math.max(entry.peak, entry.now);
      open.set(key, entry);
    }
  }

  function loadStores(stores: readonly StoreInput[]): void {
    const nowMs = now();
    entries = parseStores(stores).map((store) => {
      const createdS = store.CreatedTimestamp ?? toSeconds(nowMs);
      const state: StoreState = {
        ...store,
        Status: store.Status ?? 'ENABLED',
        CreatedTimestamp: createdS,
        UpdatedTimestamp: store.UpdatedTimestamp ?? createdS,
        Tags: store.Tags ?? [],
      };
      if (state.Status === 'STARTING_INGESTION') {
        return { state, transition: { to: 'ENABLED', atMs: nowMs + startDelayMs } };
      }
      if (state.Status === 'STOPPING_INGESTION') {
        return { state, transition: { to: 'STOPPED_INGESTION', atMs: nowMs + stopDelayMs } };
      }
      return { state };
    });
  }

  function settleAll(nowMs: number): void {
    for (const entry of entries) {
      if (entry.transition && nowMs >= entry.transition.atMs) {
        entry.state.Status = entry.transition.to;
        entry.state.UpdatedTimestamp = toSeconds(entry.transition.atMs);
        delete entry.transition;
      }
    }
  }

  function findStore(identifier: unknown): StoreEntry {
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

  function changeIngestion(
    input: Record<string, unknown>,
    nowMs: number,
    from: StoreStatus,
    via: StoreStatus,
    transition: Transition,
  ): Record<string, never> {
    const entry = findStore(input.EventDataStore);
    const { state } = entry;
    if (state.OrganizationEnabled === true && state.EmulatorCallerIsManagementAccount === false) {
      throw new ApiError(
        'NotOrganizationMasterAccountException',
        'This operation on an organization event data store must be called from the management account.',
      );
    }
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
    entry.transition = transition;
    return {};
  }

  const handlers: Record<
    OperationName,
    (input: Record<string, unknown>, nowMs: number) => Record<string, unknown>
  > = {
    GetEventDataStore: (input) => toResponse(findStore(input.EventDataStore).state),
    ListEventDataStores: (input) => {
      const maxResults = input.MaxResults ?? defaultMaxResults;
      if (
        !Number.isInteger(maxResults) ||
        (maxResults as number) < 1 ||
        (maxResults as number) > 1000
      ) {
        throw new ApiError('InvalidMaxResultsException', 'MaxResults must be from 1 to 1000.');
      }
      const offset =
        input.NextToken === undefined ? 0 : decodeToken(input.NextToken, entries.length);
      const end = offset + Math.min(maxResults as number, maxPageSize);
      return {
        EventDataStores: entries
          .slice(offset, end)
          .map(({ state }) => ({ EventDataStoreArn: state.EventDataStoreArn, Name: state.Name })),
        ...(end < entries.length ? { NextToken: encodeToken(end) } : {}),
      };
    },
    ListTags: (input) => {
      const list = input.ResourceIdList;
      if (!Array.isArray(list) || list.length === 0 || list.length > LIST_TAGS_MAX_RESOURCES) {
        throw new ApiError(
          'InvalidParameterException',
          `ResourceIdList must hold 1 to ${LIST_TAGS_MAX_RESOURCES} ARNs.`,
        );
      }
      return {
        ResourceTagList: list.map((resourceId: unknown) => {
          if (
            typeof resourceId !== 'string' ||
            !/^arn:[^:]+:cloudtrail:[^:]*:\d{12}:.+/.test(resourceId)
          ) {
            throw new ApiError(
              'CloudTrailARNInvalidException',
              `${String(resourceId)} is not a valid ARN.`,
            );
          }
          if (!parseStoreArn(resourceId)) {
            throw new ApiError(
              'ResourceNotFoundException',
              `Resource ${resourceId} was not found.`,
            );
          }
          const entry = entries.find(({ state }) => state.EventDataStoreArn === resourceId);
          if (!entry) {
            throw new ApiError(
              'EventDataStoreNotFoundException',
              `The specified event data store ${resourceId} was not found.`,
            );
          }
          return { ResourceId: resourceId, TagsList: structuredClone(entry.state.Tags) };
        }),
      };
    },
    StartEventDataStoreIngestion: (input, nowMs) =>
      changeIngestion(input, nowMs, 'STOPPED_INGESTION', 'STARTING_INGESTION', {
        to: 'ENABLED',
        atMs: nowMs + startDelayMs,
      }),
    StopEventDataStoreIngestion: (input, nowMs) =>
      changeIngestion(input, nowMs, 'ENABLED', 'STOPPING_INGESTION', {
        to: 'STOPPED_INGESTION',
        atMs: nowMs + stopDelayMs,
      }),
  };

  function send(
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Readonly<Record<string, string>> = {},
  ): void {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      ...headers,
      'Content-Type': CONTENT_TYPE,
      'Content-Length': Buffer.byteLength(text),
      'x-amzn-RequestId': randomUUID(),
    });
    response.end(text);
  }

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const target = request.headers['x-amz-target'];
    const operation = operationOf(target);
    let named: string[] = [];
    const record = (outcome: string): void => {
      const eventDataStore = named.length > 0 ? named.join(',') : undefined;
      callLog.push({
        operation,
        ...(eventDataStore === undefined ? {} : { eventDataStore }),
        outcome,
      });
    };
    try {
      checkAuthorization(request.headers.authorization);
      if (request.method !== 'POST' || !OPERATION_NAMES.includes(operation as OperationName)) {
        throw new ApiError(
          'UnknownOperationException',
          `Unknown operation ${operation || '(none)'}.`,
        );
      }
      const known = operation as OperationName;
      const input = parseInput(body);
      named = storesNamedBy(known, input);
      const rule = injector.pick({ operation, eventDataStores: named });
      if (rule?.delayMs) await sleep(rule.delayMs, undefined, { signal: closing.signal });
      if (rule?.reset) {
        record('reset');
        request.socket.destroy();
        return;
      }
      const fault = rule && resolveFaultError(rule);
      if (fault) {
        const retryAfter = rule.retryAfterSeconds;
        throw new ApiError(
          fault.code,
          `Injected fault: ${fault.code}.`,
          fault.status,
          retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) },
        );
      }
      const nowMs = now();
      settleAll(nowMs);
      const output = handlers[known](input, nowMs);
      record('ok');
      send(response, 200, output);
    } catch (error) {
      if (closing.signal.aborted) return;
      const apiError =
        error instanceof ApiError
          ? error
          : new ApiError('InternalFailure', 'Emulator failure.', 500);
      record(apiError.code);
      send(
        response,
        apiError.status,
        { __type: apiError.code, Message: apiError.message },
        apiError.headers,
      );
    }
  }

  loadStores(options.stores);
  injector = createFaultInjector(parseFaultRules(options.faults ?? []), random);
  const server = createServer((request, response) => {
    // 'close' comes when the response is sent, the socket reset, or the client gone.
    const operation = operationOf(request.headers['x-amz-target']);
    countOpen(operation, 1);
    response.once('close', () => countOpen(operation, -1));
    // A client that goes away mid-request leaves nothing to answer.
    serve(request, response).catch(() => request.socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    endpoint: url,
    get calls() {
      return callLog;
    },
    stores() {
      settleAll(now());
      return entries.map(({ state }) => structuredClone(state));
    },
    setFaults(rules) {
      injector = createFaultInjector(parseFaultRules(rules), random);
    },
    setStores(stores) {
      loadStores(stores);
    },
    resetCalls() {
      callLog.length = 0;
      for (const entry of open.values()) entry.peak = entry.now;
    },
    openRequests(operation = ALL) {
      return open.get(operation)?.now ?? 0;
    },
    peakOpenRequests(operation = ALL) {
      return open.get(operation)?.peak ?? 0;
    },
    async close() {
      closing.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
