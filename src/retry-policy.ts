/**
 * How every error of the CloudTrail API is handled, as data, and what to do after a failed
 * request: one pure `nextStep`. Pure; no I/O.
 *
 * One owner per retry: the SDK client sends one request per call (`maxAttempts: 1`), and the use
 * case retries every call itself — reads and Start alike — as `nextStep` says: retry after a
 * delay (full-jitter backoff, at least the server's Retry-After), read the status again (a status
 * race on Start or Restore), or stop. A retry whose wait would end past the deadline is not made.
 * Budget: `MAX_ATTEMPTS` requests per write (Start, Restore, Update) and per store, and
 * `READ_MAX_ATTEMPTS` requests per read.
 */
import { isThrottlingError, isTransientError } from '@smithy/core/retry';

export type ErrorClass = 'retryable' | 'race' | 'terminal';

export interface ErrorInfo {
  readonly class: ErrorClass;
  /** What the error means. */
  readonly meaning: string;
  /** What the operator should do about it. */
  readonly operatorAction: string;
}

const ORG_HINT =
  'organization event data stores can be started, restored and updated only from the management account or a delegated administrator account';

/** Every error name the API can return for the operations the function calls. */
export const API_ERRORS = {
  ThrottlingException: {
    class: 'retryable',
    meaning: 'the request rate exceeded the CloudTrail API quota',
    operatorAction:
      'nothing if it passes; if it persists, lower STORE_CONCURRENCY or ask for a quota increase',
  },
  ConflictException: {
    class: 'retryable',
    meaning: 'another operation on the store is in progress',
    operatorAction:
      'nothing if it passes; if it persists, look for automation that keeps changing the store',
  },
  InvalidEventDataStoreStatusException: {
    class: 'race',
    meaning:
      'the store is not in the status the call needs: STOPPED_INGESTION to start it, PENDING_DELETION to restore it (it changed since it was read)',
    operatorAction:
      'nothing if it ended started-concurrently or restored; otherwise check who is changing the store',
  },
  EventDataStoreARNInvalidException: {
    class: 'terminal',
    meaning: 'the event data store ARN is malformed',
    operatorAction: 'fix the identifier in MANAGED_EVENT_DATA_STORES or in the event sender',
  },
  EventDataStoreNotFoundException: {
    class: 'terminal',
    meaning: 'no such event data store in this account and region',
    operatorAction: 'remove it from MANAGED_EVENT_DATA_STORES, or restore it if it was deleted',
  },
  InvalidEventDataStoreCategoryException: {
    class: 'terminal',
    meaning:
      'the store holds events (Insight, integration, Audit Manager) whose ingestion cannot be started this way',
    operatorAction: 'stop managing this store; it is not one the guard can resume',
  },
  InvalidParameterException: {
    class: 'terminal',
    meaning: 'the request was rejected as invalid',
    operatorAction: 'check the store identifier and report a bug if it is well formed',
  },
  InsufficientDependencyServiceAccessPermissionException: {
    class: 'terminal',
    meaning: 'CloudTrail lacks permission to call AWS Organizations',
    operatorAction: `enable trusted access for CloudTrail in AWS Organizations; ${ORG_HINT}`,
  },
  NoManagementAccountSLRExistsException: {
    class: 'terminal',
    meaning: "the organization's management account has no CloudTrail service-linked role",
    operatorAction: 'create the AWSServiceRoleForCloudTrail role in the management account',
  },
  NotOrganizationMasterAccountException: {
    class: 'terminal',
    meaning: 'this account may not change an organization event data store',
    operatorAction: `deploy the guard where it may act: ${ORG_HINT}`,
  },
  OperationNotPermittedException: {
    class: 'terminal',
    meaning: 'CloudTrail does not permit this operation on the store',
    operatorAction: 'check the store in the console; stop managing it if it cannot be resumed',
  },
  UnsupportedOperationException: {
    class: 'terminal',
    meaning: 'the operation is not supported for this store or account',
    operatorAction: 'check that CloudTrail Lake is available to this account and region',
  },
  AccessDeniedException: {
    class: 'terminal',
    meaning: "the function's role is not allowed to make this call",
    operatorAction:
      "grant the call in the function's role; look for SCPs or permission boundaries that deny it",
  },
  ResourceNotFoundException: {
    class: 'terminal',
    meaning: 'a resource named in the request does not exist',
    operatorAction: 'check the managed store list and the opt-in tag',
  },
  InactiveEventDataStoreException: {
    class: 'terminal',
    meaning: 'the store is inactive (pending deletion): it cannot be tagged or updated',
    operatorAction:
      'restore it with RestoreEventDataStore (the guard does so with RESTORE_DELETED) unless its deletion was meant; find out who deleted it',
  },
  InvalidMaxResultsException: {
    class: 'terminal',
    meaning: 'ListEventDataStores rejected the page size',
    operatorAction: 'report a bug',
  },
  InvalidNextTokenException: {
    class: 'terminal',
    meaning: 'ListEventDataStores rejected the pagination token',
    operatorAction: 'nothing: the next run lists again; report a bug if it repeats',
  },
  CloudTrailARNInvalidException: {
    class: 'terminal',
    meaning: 'a resource ARN in the request is malformed',
    operatorAction: 'fix the identifier in MANAGED_EVENT_DATA_STORES',
  },
  InvalidTokenException: {
    class: 'terminal',
    meaning: 'ListTags rejected the pagination token',
    operatorAction: 'nothing: the next run lists again; report a bug if it repeats',
  },
  ResourceTypeNotSupportedException: {
    class: 'terminal',
    meaning: 'a resource in the tag request is not an event data store',
    operatorAction: 'fix the identifier in MANAGED_EVENT_DATA_STORES',
  },
  InvalidTrailNameException: {
    class: 'terminal',
    meaning: 'a resource name in the request is malformed',
    operatorAction: 'fix the identifier in MANAGED_EVENT_DATA_STORES',
  },
  ChannelARNInvalidException: {
    class: 'terminal',
    meaning: 'a resource ARN in the request is not an event data store',
    operatorAction: 'fix the identifier in MANAGED_EVENT_DATA_STORES',
  },
  EventDataStoreMaxLimitExceededException: {
    class: 'terminal',
    meaning:
      'the region already holds the most event data stores it may (10), counting stores in every lifecycle stage, those pending deletion included',
    operatorAction:
      'delete an event data store you do not need (an attacker may have filled the region to block the restore), then invoke the guard again',
  },
  CloudTrailAccessNotEnabledException: {
    class: 'terminal',
    meaning: 'trusted access for CloudTrail is not enabled in AWS Organizations',
    operatorAction: `enable trusted access for CloudTrail in AWS Organizations; ${ORG_HINT}`,
  },
  OrganizationsNotInUseException: {
    class: 'terminal',
    meaning: 'the store is an organization event data store but this account is in no organization',
    operatorAction:
      'check in AWS Organizations that the account still belongs to the organization; someone may have removed it',
  },
  OrganizationNotInAllFeaturesModeException: {
    class: 'terminal',
    meaning: 'the organization does not have all features enabled',
    operatorAction:
      'enable all features in AWS Organizations (organization event data stores need them); check who changed the organization',
  },
  EventDataStoreAlreadyExistsException: {
    class: 'terminal',
    meaning: 'an update would rename the store to the name of another store',
    operatorAction: 'report a bug: the guard never renames a store',
  },
  InvalidEventSelectorsException: {
    class: 'terminal',
    meaning: "CloudTrail refused the store's advanced event selectors while updating it",
    operatorAction:
      "check the store's advanced event selectors in the console; report it with this log line if they look right",
  },
  InvalidInsightSelectorsException: {
    class: 'terminal',
    meaning: "CloudTrail refused the store's Insights configuration while updating it",
    operatorAction:
      'check the store and its Insights settings in the console; report a bug if they look right',
  },
  EventDataStoreHasOngoingImportException: {
    class: 'terminal',
    meaning:
      'an import of trail events into the store is running, and the store cannot be updated meanwhile',
    operatorAction:
      'wait until the import ends (CloudTrail Lake, Imports) and invoke the guard again; stop the import if you did not start it',
  },
  InsufficientEncryptionPolicyException: {
    class: 'terminal',
    meaning: "the store's KMS key policy does not let CloudTrail use the key",
    operatorAction:
      'grant CloudTrail the use of the key in its key policy; if nobody meant to attach a key, treat it as an attack on the store',
  },
  InvalidKmsKeyIdException: {
    class: 'terminal',
    meaning: "the store's KMS key ID is not valid",
    operatorAction:
      "check the store's KMS key in the console; a key that cannot be used blinds the store",
  },
  KmsKeyNotFoundException: {
    class: 'terminal',
    meaning: "the store's KMS key does not exist, or is not in the store's region",
    operatorAction:
      'check in KMS whether the key was deleted or scheduled for deletion (cancel the deletion if you can); without its key the store records nothing',
  },
  KmsException: {
    class: 'terminal',
    meaning: "KMS refused CloudTrail the use of the store's key (disabled, or its policy changed)",
    operatorAction:
      'check in KMS that the key is enabled and that its policy still lets CloudTrail use it; find out who changed it',
  },
  CloudTrailClientException: {
    class: 'terminal',
    meaning: 'CloudTrail rejected the request',
    operatorAction: 'read the message and the store state; report a bug if it repeats',
  },
} as const satisfies Record<string, ErrorInfo>;

export type ApiErrorName = keyof typeof API_ERRORS;

/**
 * ListTags' answers for a named store that does not exist in this account and region: such a
 * store is not managed (skipped `not-managed`), not a failure.
 */
export const NO_SUCH_STORE_ERRORS = [
  'EventDataStoreNotFoundException',
  'ResourceNotFoundException',
  'EventDataStoreARNInvalidException',
  'CloudTrailARNInvalidException',
] as const satisfies readonly ApiErrorName[];

export function isNoSuchStore(errorName: string): boolean {
  return (NO_SUCH_STORE_ERRORS as readonly string[]).includes(errorName);
}

/**
 * Errors of the request's credentials, which every AWS API (and the SDK, before sending) can
 * give: none found, a key the service does not know, a bad signature, an expired session.
 */
const CREDENTIALS: ErrorInfo = {
  class: 'terminal',
  meaning: 'the request had no valid credentials (missing, unknown, badly signed or expired)',
  operatorAction:
    "in Lambda, check the function's role and its trust policy; locally, check the credentials the runner was given",
};
export const CREDENTIAL_ERRORS = [
  'CredentialsProviderError',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'IncompleteSignatureException',
  'MissingAuthenticationTokenException',
] as const;

const UNKNOWN: ErrorInfo = {
  class: 'terminal',
  meaning: 'an error the guard does not know',
  operatorAction: 'read errorName and the message; report it so it can be classified',
};
const TRANSIENT: ErrorInfo = {
  class: 'retryable',
  meaning: 'a transient network or service failure',
  operatorAction: 'nothing if it passes; if it persists, check the AWS Health Dashboard',
};

/** The parts of a failed call that classification looks at (never the request internals). */
export interface CallFailure {
  readonly name: string;
  readonly httpStatusCode?: number | undefined;
  /** What the server's Retry-After asked for. */
  readonly retryAfterMs?: number | undefined;
}

/**
 * Throttling (429) or transient (timeouts, connection errors, HTTP 500/502/503/504), as the SDK's
 * own classification says (network errors keep their Node code as their name). Its
 * `isServerError` is left out: it would also retry 501 Not Implemented and the like.
 */
function isRetryableFailure(failure: CallFailure): boolean {
  // An aborted request is the deadline's doing, whatever status came with it.
  if (failure.name === 'AbortError') return false;
  const shape = sdkShape(failure);
  return isThrottlingError(shape) || isTransientError(shape);
}

/** The failure in the shape smithy's predicates read. */
function sdkShape(failure: CallFailure) {
  return {
    name: failure.name,
    code: failure.name,
    message: '',
    $metadata:
      failure.httpStatusCode === undefined ? {} : { httpStatusCode: failure.httpStatusCode },
  };
}

/**
 * A failure after which the request may still have been applied: no answer (reset, timeout) or
 * a 5xx. Throttling and the API's own errors are definite refusals: nothing was done.
 */
export function mayHaveBeenApplied(failure: CallFailure): boolean {
  if (Object.hasOwn(API_ERRORS, failure.name)) return false;
  return isRetryableFailure(failure) && !isThrottlingError(sdkShape(failure));
}

/**
 * Classifies by name first (the API's errors, then credential errors), then as the SDK would;
 * anything else is terminal.
 */
export function classifyError(failure: CallFailure): ErrorInfo {
  if (Object.hasOwn(API_ERRORS, failure.name)) return API_ERRORS[failure.name as ApiErrorName];
  if ((CREDENTIAL_ERRORS as readonly string[]).includes(failure.name)) return CREDENTIALS;
  return isRetryableFailure(failure) ? TRANSIENT : UNKNOWN;
}

export interface BackoffOptions {
  /** @default 200 (RETRY_BASE_DELAY_MS) */
  readonly baseDelayMs: number;
  /** @default 5000 (RETRY_MAX_DELAY_MS) */
  readonly maxDelayMs: number;
}

/**
 * Exponential backoff with full jitter: a uniform delay in [0, min(cap, base·2^(retry-1))).
 * `retry` counts from 1 (the wait before the second attempt); `random` returns [0, 1).
 */
export function computeBackoffMs(
  retry: number,
  options: BackoffOptions,
  random: () => number,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** Where a call stands after a failed request. */
export interface RetryState {
  /** Requests sent so far, the failed one included. */
  readonly attempts: number;
  readonly maxAttempts: number;
  /** Retries after a delay made so far (the backoff's exponent). */
  readonly retries: number;
  /** Time left before the deadline (less the safety margin). */
  readonly remainingMs: number;
  /** The deadline fired: the request was aborted. */
  readonly aborted: boolean;
}

/** Why a call stops being retried. */
export type StopCause = 'terminal' | 'budget' | 'deadline';

export type NextStep =
  | { readonly step: 'retry'; readonly delayMs: number }
  | { readonly step: 'reread' }
  | { readonly step: 'stop'; readonly cause: StopCause };

/**
 * What to do after a failed request. Like smithy's `retryCode()`: the first refusal that applies,
 * then the delay. A status race is worth a fresh read of the store (Start and Restore return it).
 */
export function nextStep(
  failure: CallFailure,
  state: RetryState,
  backoff: BackoffOptions,
  random: () => number,
): NextStep {
  if (state.aborted) return { step: 'stop', cause: 'deadline' };
  const { class: errorClass } = classifyError(failure);
  if (errorClass === 'terminal') return { step: 'stop', cause: 'terminal' };
  if (errorClass === 'race') return { step: 'reread' };
  if (state.attempts >= state.maxAttempts) return { step: 'stop', cause: 'budget' };
  const delayMs = Math.max(
    computeBackoffMs(state.retries + 1, backoff, random),
    failure.retryAfterMs ?? 0,
  );
  if (delayMs >= state.remainingMs) return { step: 'stop', cause: 'deadline' };
  return { step: 'retry', delayMs };
}
