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
import { ApiError } from './api-error.js';
import {
  createFaultInjector,
  type FaultInjector,
  type FaultRule,
  OPERATION_NAMES,
  type OperationName,
  parseFaultRules,
  resolveFaultError,
} from './faults.js';
import {
  createStoreBook,
  type OperationInput,
  STORE_OUTPUT_MEMBERS,
  type StoreBook,
  type StoreBookOptions,
  type StoreState,
} from './store-book.js';
import type { StoreInput } from './stores-file.js';

export type { StoreState } from './store-book.js';
export {
  INGESTING_CATEGORIES,
  LIST_TAGS_MAX_RESOURCES,
  STORE_OUTPUT_MEMBERS,
} from './store-book.js';

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

export interface CallRecord {
  readonly operation: string;
  /** As sent; for ListTags the ARNs of ResourceIdList joined by ','; absent for ListEventDataStores. */
  readonly eventDataStore?: string;
  /** 'ok', the error code sent, or 'reset' when the socket was destroyed. */
  readonly outcome: string;
}

/** The store book's options (delays, paging, clock), and the server's. */
export interface EmulatorOptions extends StoreBookOptions {
  stores: readonly StoreInput[];
  faults?: readonly FaultRule[];
  /** @default 0 (any free port) */
  port?: number;
  /** Random source for fault `rate`, [0, 1). @default Math.random */
  random?: () => number;
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

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

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

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The store book's operation behind each emulated operation. */
const OPERATIONS: Record<OperationName, (book: StoreBook, input: OperationInput) => object> = {
  GetEventDataStore: (book, input) => book.getEventDataStore(input),
  ListEventDataStores: (book, input) => book.listEventDataStores(input),
  ListTags: (book, input) => book.listTags(input),
  StartEventDataStoreIngestion: (book, input) => book.startIngestion(input),
  StopEventDataStoreIngestion: (book, input) => book.stopIngestion(input),
};

/** Starts the emulator on 127.0.0.1; resolves once it listens. */
export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const random = options.random ?? Math.random;
  const closing = new AbortController();
  const callLog: CallRecord[] = [];
  let book: StoreBook = createStoreBook(options.stores, options);
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
      const output = OPERATIONS[known](book, input);
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
      return book.stores();
    },
    setFaults(rules) {
      injector = createFaultInjector(parseFaultRules(rules), random);
    },
    setStores(stores) {
      book = createStoreBook(stores, options);
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
