/**
 * A CloudTrail Lake emulator: an HTTP server on 127.0.0.1 speaking CloudTrail's wire protocol
 * (AWS JSON 1.1) for the operations the function uses. The server routes each request to
 * the store book (the stores, the status state machine and the API's own error rules) after the
 * protocol checks, applies the fault rule that fires for it (before the operation or, with
 * `after`, to its answer) and records every call. The real SDK client talks to it through its
 * `endpoint` (or `AWS_ENDPOINT_URL_CLOUDTRAIL`); signatures are required but not verified.
 *
 * Statuses are computed from timestamps on each read (no timers), so nothing keeps the process
 * alive and close() is prompt.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { ApiError } from './api-error.js';
import { faultAfter, faultBefore, type Result, replyTo } from './fault-answers.js';
import {
  createFaultInjector,
  type FaultRule,
  OPERATION_NAMES,
  type OperationName,
  parseFaultRules,
} from './faults.js';
import { checkAuthorization, operationOf, parseInput, readBody } from './json-protocol.js';
import { listen } from './listen.js';
import { createOpenRequests } from './open-requests.js';
import {
  createStoreBook,
  type OperationInput,
  type StoreBook,
  type StoreBookOptions,
  type StoreState,
} from './store-book.js';
import type { StoreInput } from './stores-file.js';

export { EMULATED_OPERATIONS, type OperationSpec } from './emulated-operations.js';
export {
  CONTENT_TYPE,
  PROTOCOL_ERRORS,
  SHORT_TARGET_PREFIX,
  TARGET_PREFIX,
} from './json-protocol.js';
export {
  INGESTING_CATEGORIES,
  LIST_TAGS_MAX_RESOURCES,
  RESTORE_OUTPUT_MEMBERS,
  STORE_OUTPUT_MEMBERS,
  type StoreState,
  UPDATE_OUTPUT_MEMBERS,
} from './store-book.js';

export interface CallRecord {
  readonly operation: string;
  /**
   * As sent (AddTags and RemoveTags: ResourceId); for ListTags the ARNs of ResourceIdList joined
   * by ','; absent for ListEventDataStores.
   */
  readonly eventDataStore?: string;
  /**
   * 'ok', the error code sent, or 'reset' when the socket was destroyed. A rule with `after` that
   * resets or answers a fault records what the client got after what the operation answered:
   * `reset-after-<ok or the operation's code>` or `<fault code>-after-<ok or the operation's code>`.
   */
  readonly outcome: string;
}

/** The store book's options (delays, paging, clock), and the server's. */
export interface EmulatorOptions extends StoreBookOptions {
  stores: readonly StoreInput[];
  faults?: readonly FaultRule[];
  /** @default 0 (any free port) */
  port?: number;
  /** The address to listen on. @default '127.0.0.1' */
  host?: string;
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

/** The store book's operation behind each emulated operation. */
const OPERATIONS: Record<OperationName, (book: StoreBook, input: OperationInput) => object> = {
  GetEventDataStore: (book, input) => book.getEventDataStore(input),
  ListEventDataStores: (book, input) => book.listEventDataStores(input),
  ListTags: (book, input) => book.listTags(input),
  StartEventDataStoreIngestion: (book, input) => book.startIngestion(input),
  StopEventDataStoreIngestion: (book, input) => book.stopIngestion(input),
  UpdateEventDataStore: (book, input) => book.updateEventDataStore(input),
  DeleteEventDataStore: (book, input) => book.deleteEventDataStore(input),
  RestoreEventDataStore: (book, input) => book.restoreEventDataStore(input),
  AddTags: (book, input) => book.addTags(input),
  RemoveTags: (book, input) => book.removeTags(input),
};

/** A request as the call log records it: the operation and the stores it names, as sent. */
interface Call {
  readonly operation: string;
  named: readonly string[];
}

function recordOf(call: Call, outcome: string): CallRecord {
  const eventDataStore = call.named.length > 0 ? call.named.join(',') : undefined;
  return {
    operation: call.operation,
    ...(eventDataStore === undefined ? {} : { eventDataStore }),
    outcome,
  };
}

/** The operation and its input, once the request passes the protocol checks. */
function acceptRequest(
  request: IncomingMessage,
  operation: string,
  body: string,
): { operation: OperationName; input: Record<string, unknown> } {
  checkAuthorization(request.headers.authorization);
  if (request.method !== 'POST' || !OPERATION_NAMES.includes(operation as OperationName)) {
    throw new ApiError('UnknownOperationException', `Unknown operation ${operation || '(none)'}.`);
  }
  return { operation: operation as OperationName, input: parseInput(body) };
}

/** The stores a call is about, for fault matching and the call log. */
function storesNamedBy(operation: OperationName, input: Record<string, unknown>): string[] {
  if (operation === 'ListTags') {
    const list = input.ResourceIdList;
    return Array.isArray(list) ? list.filter((item) => typeof item === 'string') : [];
  }
  if (operation === 'ListEventDataStores') return [];
  const named =
    operation === 'AddTags' || operation === 'RemoveTags' ? input.ResourceId : input.EventDataStore;
  return typeof named === 'string' ? [named] : [];
}

const asApiError = (error: unknown): ApiError =>
  error instanceof ApiError ? error : new ApiError('InternalFailure', 'Emulator failure.', 500);

/** Applies the operation to the book: its output, or the error it answers. */
function runOperation(book: StoreBook, operation: OperationName, input: OperationInput): Result {
  try {
    return { output: OPERATIONS[operation](book, input) };
  } catch (error) {
    return { error: asApiError(error) };
  }
}

/** Starts the emulator on 127.0.0.1 (or `host`); resolves once it listens. */
export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const random = options.random ?? Math.random;
  const closing = new AbortController();
  const callLog: CallRecord[] = [];
  const open = createOpenRequests();
  let book = createStoreBook(options.stores, options);
  let injector = createFaultInjector(parseFaultRules(options.faults ?? []), random);

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const call: Call = { operation: operationOf(request.headers['x-amz-target']), named: [] };
    const reply = replyTo(request, response, (outcome) => callLog.push(recordOf(call, outcome)));
    try {
      const { operation, input } = acceptRequest(request, call.operation, body);
      call.named = storesNamedBy(operation, input);
      const rule = injector.pick({ operation, eventDataStores: call.named });
      const operate = (): Result => runOperation(book, operation, input);
      await (rule?.after
        ? faultAfter(rule, operate(), reply, closing.signal)
        : faultBefore(rule, operate, reply, closing.signal));
    } catch (error) {
      if (closing.signal.aborted) return;
      reply.send({ error: asApiError(error) });
    }
  }

  const server = createServer((request, response) => {
    // 'close' comes when the response is sent, the socket reset, or the client gone.
    const operation = operationOf(request.headers['x-amz-target']);
    open.enter(operation);
    response.once('close', () => open.leave(operation));
    // A client that goes away mid-request leaves nothing to answer.
    serve(request, response).catch(() => request.socket.destroy());
  });
  const url = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');

  return {
    url,
    endpoint: url,
    get calls() {
      return callLog;
    },
    stores: () => book.stores(),
    setFaults(rules) {
      injector = createFaultInjector(parseFaultRules(rules), random);
    },
    setStores(stores) {
      book = createStoreBook(stores, options);
    },
    resetCalls() {
      callLog.length = 0;
      open.resetPeaks();
    },
    openRequests: (operation) => open.open(operation),
    peakOpenRequests: (operation) => open.peak(operation),
    async close() {
      closing.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
