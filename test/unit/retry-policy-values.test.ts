import { describe, expect, it } from 'vitest';
import {
  API_ERRORS,
  classifyError,
  isNoSuchStore,
  mayHaveBeenApplied,
  NO_SUCH_STORE_ERRORS,
  nextStep,
} from '../../src/retry-policy.js';

// The retry policy's tables, by their values: each error name and status is written out here,
// so a change of class, a dropped name or a change in the SDK's classification fails a row.

/** Every API error the function knows, with its class. */
const API_ERROR_CLASSES = {
  ThrottlingException: 'retryable',
  ConflictException: 'retryable',
  InvalidEventDataStoreStatusException: 'race',
  EventDataStoreARNInvalidException: 'terminal',
  EventDataStoreNotFoundException: 'terminal',
  InvalidEventDataStoreCategoryException: 'terminal',
  InvalidParameterException: 'terminal',
  InsufficientDependencyServiceAccessPermissionException: 'terminal',
  NoManagementAccountSLRExistsException: 'terminal',
  NotOrganizationMasterAccountException: 'terminal',
  OperationNotPermittedException: 'terminal',
  UnsupportedOperationException: 'terminal',
  AccessDeniedException: 'terminal',
  ResourceNotFoundException: 'terminal',
  InactiveEventDataStoreException: 'terminal',
  InvalidMaxResultsException: 'terminal',
  InvalidNextTokenException: 'terminal',
  CloudTrailARNInvalidException: 'terminal',
  InvalidTokenException: 'terminal',
  ResourceTypeNotSupportedException: 'terminal',
  InvalidTrailNameException: 'terminal',
  ChannelARNInvalidException: 'terminal',
  CloudTrailClientException: 'terminal',
  EventDataStoreMaxLimitExceededException: 'terminal',
  CloudTrailAccessNotEnabledException: 'terminal',
  OrganizationsNotInUseException: 'terminal',
  OrganizationNotInAllFeaturesModeException: 'terminal',
  EventDataStoreAlreadyExistsException: 'terminal',
  InvalidEventSelectorsException: 'terminal',
  InvalidInsightSelectorsException: 'terminal',
  EventDataStoreHasOngoingImportException: 'terminal',
  InsufficientEncryptionPolicyException: 'terminal',
  InvalidKmsKeyIdException: 'terminal',
  KmsKeyNotFoundException: 'terminal',
  KmsException: 'terminal',
} as const;

/** Failures without an API error that are retried, and whether the request may have been applied. */
const RETRIED: readonly { name: string; status?: number; mayHaveBeenApplied: boolean }[] = [
  // no answer: the request may have reached the service
  { name: 'TimeoutError', mayHaveBeenApplied: true },
  { name: 'RequestTimeout', mayHaveBeenApplied: true },
  { name: 'RequestTimeoutException', mayHaveBeenApplied: true },
  { name: 'ECONNRESET', mayHaveBeenApplied: true },
  { name: 'EPIPE', mayHaveBeenApplied: true },
  { name: 'ETIMEDOUT', mayHaveBeenApplied: true },
  // never connected; taken like any other transient failure (a Start is then read back)
  { name: 'ECONNREFUSED', mayHaveBeenApplied: true },
  { name: 'EHOSTUNREACH', mayHaveBeenApplied: true },
  { name: 'ENETUNREACH', mayHaveBeenApplied: true },
  { name: 'ENOTFOUND', mayHaveBeenApplied: true },
  { name: 'EAI_AGAIN', mayHaveBeenApplied: true },
  // a server error: the request may have been applied before it failed
  { name: 'InternalFailure', status: 500, mayHaveBeenApplied: true },
  { name: 'InternalServerError', status: 500, mayHaveBeenApplied: true },
  { name: 'BadGateway', status: 502, mayHaveBeenApplied: true },
  { name: 'ServiceUnavailable', status: 503, mayHaveBeenApplied: true },
  { name: 'ServiceUnavailableException', status: 503, mayHaveBeenApplied: true },
  { name: 'GatewayTimeout', status: 504, mayHaveBeenApplied: true },
  { name: 'SomethingNewException', status: 502, mayHaveBeenApplied: true },
  // throttling: a definite refusal
  { name: 'SomethingNewException', status: 429, mayHaveBeenApplied: false },
  { name: 'TooManyRequestsException', status: 400, mayHaveBeenApplied: false },
  { name: 'RequestLimitExceeded', mayHaveBeenApplied: false },
  { name: 'LimitExceededException', mayHaveBeenApplied: false },
  { name: 'Throttling', mayHaveBeenApplied: false },
  { name: 'SlowDown', status: 503, mayHaveBeenApplied: false },
];

/** Failures without an API error that are not retried. */
const NOT_RETRIED: readonly { name: string; status?: number }[] = [
  { name: 'SomethingNewException', status: 400 },
  { name: 'SomethingNewException', status: 401 },
  { name: 'SomethingNewException', status: 403 },
  { name: 'SomethingNewException', status: 404 },
  { name: 'SomethingNewException', status: 409 },
  { name: 'NotImplemented', status: 501 },
  { name: 'HttpVersionNotSupported', status: 505 },
  { name: 'TypeError' },
  { name: 'AbortError' },
];

describe('Constant: API_ERRORS', () => {
  it('knows exactly the API errors of the table', () => {
    // Assess
    expect(Object.keys(API_ERRORS).sort()).toEqual(Object.keys(API_ERROR_CLASSES).sort());
  });

  it.each(Object.entries(API_ERROR_CLASSES))('classifies %s as %s', (name, expected) => {
    // Act
    const info = classifyError({ name, httpStatusCode: 400 });

    // Assess
    expect(info.class).toBe(expected);
    expect(info).toBe(API_ERRORS[name as keyof typeof API_ERRORS]);
  });
});

describe('Constant: NO_SUCH_STORE_ERRORS', () => {
  it('reads exactly four errors as "no such store here"', () => {
    // Assess
    expect([...NO_SUCH_STORE_ERRORS].sort()).toEqual([
      'CloudTrailARNInvalidException',
      'EventDataStoreARNInvalidException',
      'EventDataStoreNotFoundException',
      'ResourceNotFoundException',
    ]);
    expect(NO_SUCH_STORE_ERRORS.every(isNoSuchStore)).toBe(true);
  });
});

describe('Function: classifyError', () => {
  it.each(RETRIED)(
    'classifies $name (HTTP $status) as retryable and transient',
    ({ name, status }) => {
      // Act
      const info = classifyError({ name, httpStatusCode: status });

      // Assess
      expect(info.class).toBe('retryable');
      expect(info.meaning).toMatch(/transient/);
      expect(info.operatorAction).toMatch(/AWS Health Dashboard/);
    },
  );

  it.each(NOT_RETRIED)(
    'classifies $name (HTTP $status) as terminal and unknown',
    ({ name, status }) => {
      // Act
      const info = classifyError({ name, httpStatusCode: status });

      // Assess
      expect(info.class).toBe('terminal');
      expect(info.meaning).toMatch(/does not know/);
    },
  );
});

describe('Function: mayHaveBeenApplied', () => {
  it.each(RETRIED)(
    'says $mayHaveBeenApplied for $name (HTTP $status)',
    ({ name, status, mayHaveBeenApplied: expected }) => {
      // Act, Assess
      expect(mayHaveBeenApplied({ name, httpStatusCode: status })).toBe(expected);
    },
  );

  it.each(NOT_RETRIED)('says false for $name (HTTP $status)', ({ name, status }) => {
    // Act, Assess
    expect(mayHaveBeenApplied({ name, httpStatusCode: status })).toBe(false);
  });
});

describe('Function: nextStep', () => {
  const STATE = { attempts: 1, maxAttempts: 5, retries: 0, remainingMs: 10_000, aborted: false };
  const BACKOFF = { baseDelayMs: 200, maxDelayMs: 5_000 };

  it.each(RETRIED)(
    'retries $name (HTTP $status) while budget and time are left',
    ({ name, status }) => {
      // Act
      const step = nextStep({ name, httpStatusCode: status }, STATE, BACKOFF, () => 0.5);

      // Assess
      expect(step).toEqual({ step: 'retry', delayMs: 100 });
    },
  );
});
