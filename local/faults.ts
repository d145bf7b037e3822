/**
 * Fault injection for the CloudTrail Lake emulator. A rule is a JSON object `{ operation,
 * eventDataStore?, error?, status?, reset?, delayMs?, retryAfterSeconds?, after?, count?, rate? }`.
 *
 * Rules are checked in order for every call; the first rule that matches the call and fires
 * applies (one rule per call). A rule matches when its `operation` is the call's or `*`, and,
 * when it names an `eventDataStore`, the call is about that store (an ARN and its bare ID match
 * each other; ListTags matches when any ARN of `ResourceIdList` does, AddTags and RemoveTags when
 * their `ResourceId` does; ListEventDataStores is about no store). A matching rule fires while it
 * has `count` left (unlimited without `count`) and, with `rate`, when the random draw is below
 * `rate`; only a firing uses up one of its `count`.
 *
 * A rule acts before the operation: it waits `delayMs`, then resets or answers its fault, and the
 * operation is never applied (alone, the delay is followed by the operation). With `after: true`
 * the operation is applied first (it may change a store, or refuse with its own error); the rule
 * then waits `delayMs` and resets, answers its fault instead of the real answer, or (delay alone)
 * sends the real answer.
 */
import { readJsonFile } from './json-file.js';

/** The operations the emulator serves. */
export const OPERATION_NAMES = [
  'GetEventDataStore',
  'ListEventDataStores',
  'ListTags',
  'StartEventDataStoreIngestion',
  'StopEventDataStoreIngestion',
  'UpdateEventDataStore',
  'DeleteEventDataStore',
  'RestoreEventDataStore',
  'AddTags',
  'RemoveTags',
] as const;
export type OperationName = (typeof OPERATION_NAMES)[number];

export interface FaultRule {
  readonly operation: OperationName | '*';
  readonly eventDataStore?: string;
  /** Respond with this error code (`__type`). */
  readonly error?: string;
  /** Respond with this HTTP status (with `error`: its status; alone: a fitting code). */
  readonly status?: number;
  /** Destroy the socket without a response (the client sees ECONNRESET). */
  readonly reset?: true;
  /** Wait this long first; alone, the call then proceeds normally. */
  readonly delayMs?: number;
  /** With `error` or `status`: also send `Retry-After` (seconds), which the SDK waits out. */
  readonly retryAfterSeconds?: number;
  /**
   * `true`: apply the operation first, then the rule's effect to its answer (a lost or replaced
   * answer after the service acted); alone, `delayMs` then delays the real answer.
   */
  readonly after?: boolean;
  /** How many matching calls the rule fires for before it is spent. */
  readonly count?: number;
  /** Probability (0..1) that the rule fires for a matching call. */
  readonly rate?: number;
}

/**
 * The HTTP status of each error code that is not a 400 (the SDK's Smithy model; AWS's common
 * errors: a missing signature is 403, a malformed one, `IncompleteSignatureException`, is 400).
 */
export const ERROR_STATUS_CODES: Readonly<Record<string, number>> = {
  EventDataStoreNotFoundException: 404,
  ConflictException: 409,
  NoManagementAccountSLRExistsException: 403,
  ThrottlingException: 429,
  MissingAuthenticationTokenException: 403,
  InternalFailure: 500,
  InternalServerError: 500,
  InternalServerException: 500,
  ServiceUnavailable: 503,
  ServiceUnavailableException: 503,
};

/** The code an injected `status` without `error` is answered with. */
export const STATUS_ERROR_CODES: Readonly<Record<number, string>> = {
  400: 'ValidationException',
  403: 'AccessDeniedException',
  404: 'ResourceNotFoundException',
  409: 'ConflictException',
  429: 'ThrottlingException',
  500: 'InternalFailure',
  503: 'ServiceUnavailable',
};

/** The HTTP status an error code is sent with: the table above, else 400. */
export function statusOfErrorCode(code: string): number {
  return ERROR_STATUS_CODES[code] ?? 400;
}

/** The error code an HTTP status is sent with when a rule gives only `status`. */
export function errorCodeOfStatus(status: number): string {
  return STATUS_ERROR_CODES[status] ?? (status >= 500 ? 'InternalFailure' : 'ValidationException');
}

/** The error response a rule asks for, or undefined when it asks for none. */
export function resolveFaultError(rule: FaultRule): { code: string; status: number } | undefined {
  if (rule.error !== undefined) {
    return { code: rule.error, status: rule.status ?? statusOfErrorCode(rule.error) };
  }
  if (rule.status !== undefined)
    return { code: errorCodeOfStatus(rule.status), status: rule.status };
  return undefined;
}

const idOf = (value: string): string =>
  value.startsWith('arn:') ? value.slice(value.lastIndexOf('/') + 1) : value;

/** Whether two store identifiers name the same store: equal ARNs, or an ARN and its ID suffix. */
export function isSameStore(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.startsWith('arn:') && b.startsWith('arn:')) return false;
  return idOf(a) === idOf(b);
}

export interface FaultCall {
  readonly operation: string;
  /** The stores the call is about, as sent (empty for ListEventDataStores). */
  readonly eventDataStores: readonly string[];
}

export interface FaultInjector {
  /** The rule that fires for this call, if any (uses up one of its `count`). */
  pick(call: FaultCall): FaultRule | undefined;
}

/** Holds the rules and their remaining counts; `random` returns [0, 1) like Math.random. */
export function createFaultInjector(
  rules: readonly FaultRule[],
  random: () => number = Math.random,
): FaultInjector {
  const remaining = rules.map((rule) => rule.count ?? Number.POSITIVE_INFINITY);
  const matches = (rule: FaultRule, call: FaultCall): boolean =>
    (rule.operation === '*' || rule.operation === call.operation) &&
    (rule.eventDataStore === undefined ||
      call.eventDataStores.some((store) => isSameStore(store, rule.eventDataStore as string)));
  return {
    pick(call) {
      for (const [index, rule] of rules.entries()) {
        if ((remaining[index] ?? 0) <= 0 || !matches(rule, call)) continue;
        if (rule.rate !== undefined && random() >= rule.rate) continue;
        remaining[index] = (remaining[index] ?? 0) - 1;
        return rule;
      }
      return undefined;
    },
  };
}

type Check = (value: unknown) => string | undefined;

const RULE_FIELDS: Record<keyof FaultRule, Check> = {
  operation: (value) =>
    value === '*' || OPERATION_NAMES.includes(value as OperationName)
      ? undefined
      : `expected "*" or one of ${OPERATION_NAMES.join(', ')}`,
  eventDataStore: (value) =>
    typeof value === 'string' && value.length > 0 ? undefined : 'expected an ARN or ID',
  error: (value) =>
    typeof value === 'string' && /^[A-Za-z][A-Za-z0-9]*$/.test(value)
      ? undefined
      : 'expected an error code such as ThrottlingException',
  status: (value) =>
    Number.isInteger(value) && (value as number) >= 400 && (value as number) <= 599
      ? undefined
      : 'expected an HTTP error status (400-599)',
  reset: (value) => (value === true ? undefined : 'expected true'),
  delayMs: (value) =>
    typeof value === 'number' && Number.isFinite(value) && value >= 0
      ? undefined
      : 'expected milliseconds (a number >= 0)',
  retryAfterSeconds: (value) =>
    Number.isInteger(value) && (value as number) >= 0 ? undefined : 'expected whole seconds >= 0',
  after: (value) => (typeof value === 'boolean' ? undefined : 'expected true or false'),
  count: (value) =>
    Number.isInteger(value) && (value as number) >= 1 ? undefined : 'expected an integer >= 1',
  rate: (value) =>
    typeof value === 'number' && value >= 0 && value <= 1 ? undefined : 'expected a number 0..1',
};

/** Validates fault rules (e.g. a parsed `--faults` file); throws naming the bad field. */
export function parseFaultRules(json: unknown): FaultRule[] {
  if (!Array.isArray(json)) throw new Error('faults: expected a JSON array of rules');
  for (const [index, rule] of json.entries()) {
    const where = `faults[${index}]`;
    if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) {
      throw new Error(`${where}: expected an object`);
    }
    const fields = rule as Record<string, unknown>;
    if (fields.operation === undefined) throw new Error(`${where}.operation: is required`);
    for (const [name, value] of Object.entries(fields)) {
      const check = RULE_FIELDS[name as keyof FaultRule];
      if (!check) throw new Error(`${where}.${name}: unknown field`);
      const problem = check(value);
      if (problem) throw new Error(`${where}.${name}: ${problem} (got ${JSON.stringify(value)})`);
    }
    if (fields.reset !== undefined && (fields.error !== undefined || fields.status !== undefined)) {
      throw new Error(`${where}.reset: cannot be combined with error or status`);
    }
    if (
      fields.retryAfterSeconds !== undefined &&
      fields.error === undefined &&
      fields.status === undefined
    ) {
      throw new Error(`${where}.retryAfterSeconds: needs error or status`);
    }
    if (['error', 'status', 'reset', 'delayMs'].every((name) => fields[name] === undefined)) {
      throw new Error(`${where}: needs one of error, status, reset, delayMs`);
    }
  }
  return structuredClone(json as FaultRule[]);
}

/** Reads and validates a fault rules file. */
export function readFaultsFile(path: string): Promise<FaultRule[]> {
  return readJsonFile(path, parseFaultRules);
}
