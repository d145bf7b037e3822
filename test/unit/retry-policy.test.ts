import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  API_ERRORS,
  classifyError,
  computeBackoffMs,
  isNoSuchStore,
  mayHaveBeenApplied,
  NO_SUCH_STORE_ERRORS,
  nextStep,
  type RetryState,
} from '../../src/retry-policy.js';
import { readCloudTrailModel } from '../support/botocore-model.js';

/** The operations the function calls. */
const OPERATIONS = [
  'GetEventDataStore',
  'ListEventDataStores',
  'ListTags',
  'StartEventDataStoreIngestion',
  'RestoreEventDataStore',
  'UpdateEventDataStore',
] as const;

function readBotocoreErrors(): Map<string, string[]> {
  const model = readCloudTrailModel();
  return new Map(
    OPERATIONS.map((operation) => {
      const errors = model.operations[operation]?.errors;
      if (errors === undefined) throw new Error(`the model has no errors for ${operation}`);
      return [operation, errors.map((error) => error.shape)];
    }),
  );
}

let modelProblem: string | undefined;
const MODEL_ERRORS = ((): Map<string, string[]> => {
  try {
    return readBotocoreErrors();
  } catch (error) {
    modelProblem = (error as Error).message;
    return new Map();
  }
})();
const modelErrorsOf = (operation: (typeof OPERATIONS)[number]): string[] =>
  MODEL_ERRORS.get(operation) ?? [];
const MODEL_ROWS = [...MODEL_ERRORS].flatMap(([operation, names]) =>
  names.map((name) => ({ operation, name })),
);

/** The errors of the writes (Start, Restore, Update) that are not terminal. */
const WRITE_NOT_TERMINAL: Record<string, 'retryable' | 'race'> = {
  ConflictException: 'retryable',
  ThrottlingException: 'retryable',
  InvalidEventDataStoreStatusException: 'race',
};
const WRITES = [
  'StartEventDataStoreIngestion',
  'RestoreEventDataStore',
  'UpdateEventDataStore',
] as const;

describe('Function: classifyError', () => {
  it('reads the botocore model with errors for every operation the function calls', () => {
    // Assess
    expect(modelProblem, modelProblem).toBeUndefined();
    for (const operation of OPERATIONS) {
      expect(modelErrorsOf(operation).length, operation).toBeGreaterThan(0);
    }
    expect(modelErrorsOf('StartEventDataStoreIngestion')).toContain('ConflictException');
    expect(modelErrorsOf('UpdateEventDataStore')).toContain('ThrottlingException');
    expect(modelErrorsOf('RestoreEventDataStore')).toContain(
      'EventDataStoreMaxLimitExceededException',
    );
  });

  it.each(['RestoreEventDataStore', 'UpdateEventDataStore'])(
    'retries ConflictException and ThrottlingException of %s, which the model may not list',
    () => {
      // Act
      const classes = ['ConflictException', 'ThrottlingException'].map(
        (name) => classifyError({ name, httpStatusCode: 400 }).class,
      );

      // Assess
      expect(classes).toEqual(['retryable', 'retryable']);
    },
  );

  it('tells the operator a full region may be an attack on the restore', () => {
    // Act
    const info = classifyError({ name: 'EventDataStoreMaxLimitExceededException' });

    // Assess
    expect(info.class).toBe('terminal');
    expect(info.meaning).toMatch(/10/);
    expect(info.operatorAction).toMatch(/delete an event data store you do not need/);
    expect(info.operatorAction).toMatch(/attacker/);
  });

  it.each(MODEL_ROWS)(
    'knows $name of $operation, with a meaning and an operator action',
    ({ name }) => {
      // Act
      const known = Object.hasOwn(API_ERRORS, name);
      const info = classifyError({ name });

      // Assess
      expect(known).toBe(true);
      expect(info.meaning.trim()).not.toBe('');
      expect(info.operatorAction.trim()).not.toBe('');
    },
  );

  it.each(
    WRITES.flatMap((operation) =>
      modelErrorsOf(operation).map((name) => ({
        operation,
        name,
        expected: WRITE_NOT_TERMINAL[name] ?? 'terminal',
      })),
    ),
  )('classifies $name of $operation as $expected', ({ name, expected }) => {
    // Act
    const info = classifyError({ name, httpStatusCode: 400 });

    // Assess
    expect(info.class).toBe(expected);
  });

  it.each([
    { name: 'ThrottlingException', status: 400, expected: 'retryable' },
    { name: 'ThrottlingException', status: 429, expected: 'retryable' },
    { name: 'ConflictException', status: 409, expected: 'retryable' },
    { name: 'InvalidEventDataStoreStatusException', status: 400, expected: 'race' },
    { name: 'AccessDeniedException', status: 400, expected: 'terminal' },
    { name: 'EventDataStoreNotFoundException', status: 404, expected: 'terminal' },
    { name: 'NoManagementAccountSLRExistsException', status: 403, expected: 'terminal' },
  ] as const)('classifies $name (HTTP $status) as $expected', ({ name, status, expected }) => {
    // Act
    const info = classifyError({ name, httpStatusCode: status });

    // Assess
    expect(info.class).toBe(expected);
  });

  it.each([
    { name: 'CredentialsProviderError', status: undefined },
    { name: 'UnrecognizedClientException', status: 400 },
    { name: 'InvalidSignatureException', status: 400 },
    { name: 'ExpiredTokenException', status: 400 },
    { name: 'IncompleteSignatureException', status: 400 },
    { name: 'MissingAuthenticationTokenException', status: 403 },
  ] as const)(
    'classifies the credential error $name as terminal, saying what to do',
    ({ name, status }) => {
      // Act
      const info = classifyError({ name, httpStatusCode: status });

      // Assess: not "an error the guard does not know"
      expect(info.class).toBe('terminal');
      expect(info.meaning).toContain('credentials');
      expect(info.operatorAction).toContain("the function's role");
    },
  );

  it.each([429, 500, 502, 503, 504])(
    'classifies an unknown error with HTTP %i as retryable',
    (status) => {
      // Act
      const info = classifyError({ name: 'SomethingNewException', httpStatusCode: status });

      // Assess
      expect(info.class).toBe('retryable');
    },
  );

  it.each([400, 403, 404, 501, undefined])(
    'classifies an unknown error with HTTP %s as terminal',
    (status) => {
      // Act
      const info = classifyError({ name: 'SomethingNewException', httpStatusCode: status });

      // Assess
      expect(info.class).toBe('terminal');
      expect(info.operatorAction).not.toBe('');
    },
  );

  it.each(['ECONNRESET', 'TimeoutError'])(
    'classifies the network failure %s as retryable',
    (name) => {
      // Act
      const info = classifyError({ name });

      // Assess
      expect(info.class).toBe('retryable');
    },
  );

  it.each([503, 429])(
    'classifies AbortError (the deadline fired) as terminal, even with HTTP %i',
    (status) => {
      // Act
      const info = classifyError({ name: 'AbortError', httpStatusCode: status });

      // Assess
      expect(info.class).toBe('terminal');
    },
  );

  it.each([
    { case: 'an unknown name', name: 'BrandNewException' },
    { case: 'a programmer error', name: 'TypeError' },
    { case: 'a name on Object.prototype', name: 'toString' },
    { case: 'an empty name', name: '' },
  ])('classifies $case as terminal', ({ name }) => {
    // Act
    const info = classifyError({ name });

    // Assess
    expect(info.class).toBe('terminal');
    expect(info.meaning).not.toBe('');
  });

  it('explains organization errors with where an organization store is resumed from', () => {
    // Act
    const info = classifyError({ name: 'NotOrganizationMasterAccountException' });

    // Assess
    expect(info.operatorAction).toMatch(/management account/);
    expect(info.operatorAction).toMatch(/delegated administrator/);
  });
});

describe('Function: computeBackoffMs', () => {
  const options = { baseDelayMs: 200, maxDelayMs: 5_000 };

  it('waits nothing when the random draw is 0', () => {
    // Act
    const delayMs = computeBackoffMs(3, options, () => 0);

    // Assess
    expect(delayMs).toBe(0);
  });

  it.each([
    { retry: 1, ceiling: 200 },
    { retry: 2, ceiling: 400 },
    { retry: 3, ceiling: 800 },
    { retry: 5, ceiling: 3_200 },
    { retry: 6, ceiling: 5_000 },
    { retry: 60, ceiling: 5_000 },
    { retry: 5_000, ceiling: 5_000 },
  ])(
    'stays just below $ceiling ms before retry $retry when the draw nears 1',
    ({ retry, ceiling }) => {
      // Act
      const delayMs = computeBackoffMs(retry, options, () => 1 - Number.EPSILON / 2);

      // Assess
      expect(delayMs).toBe(ceiling - 1);
    },
  );

  it('doubles the spread with every retry until the cap', () => {
    // Prepare
    const half = () => 0.5;

    // Act
    const delays = [1, 2, 3, 4, 5, 6, 7].map((retry) => computeBackoffMs(retry, options, half));

    // Assess
    expect(delays).toEqual([100, 200, 400, 800, 1_600, 2_500, 2_500]);
  });

  it('stays in [0, min(cap, base·2^(retry-1))) for any draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.integer({ min: 1, max: 300_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, baseDelayMs, maxDelayMs, draw) => {
          // Act
          const delayMs = computeBackoffMs(retry, { baseDelayMs, maxDelayMs }, () => draw);

          // Assess
          const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
          expect(Number.isInteger(delayMs)).toBe(true);
          expect(delayMs).toBeGreaterThanOrEqual(0);
          expect(delayMs).toBeLessThan(ceiling);
        },
      ),
    );
  });
});

describe('Function: isNoSuchStore', () => {
  it.each(NO_SUCH_STORE_ERRORS)('reads %s from ListTags as "no such store here"', (name) => {
    // Act, Assess
    expect(isNoSuchStore(name)).toBe(true);
    expect(modelProblem).toBeUndefined();
    expect(modelErrorsOf('ListTags')).toContain(name);
  });

  it.each([
    'AccessDeniedException',
    'ThrottlingException',
    'InactiveEventDataStoreException',
    'AbortError',
  ])('does not read %s as "no such store": the tags were not read', (name) => {
    // Act, Assess
    expect(isNoSuchStore(name)).toBe(false);
  });
});

describe('Function: nextStep', () => {
  const BACKOFF = { baseDelayMs: 200, maxDelayMs: 5_000 };
  const HALF = () => 0.5;
  const STATE: RetryState = {
    attempts: 1,
    maxAttempts: 5,
    retries: 0,
    remainingMs: 10_000,
    aborted: false,
  };

  it.each<{
    case: string;
    name: string;
    status?: number;
    state?: Partial<RetryState>;
    expected: unknown;
  }>([
    {
      case: 'throttling, budget and time left',
      name: 'ThrottlingException',
      status: 429,
      expected: { step: 'retry', delayMs: 100 },
    },
    {
      case: 'ConflictException, which the SDK would not retry',
      name: 'ConflictException',
      status: 409,
      expected: { step: 'retry', delayMs: 100 },
    },
    {
      case: 'a 503, third retry: the backoff doubles twice',
      name: 'ServiceUnavailable',
      status: 503,
      state: { attempts: 3, retries: 2 },
      expected: { step: 'retry', delayMs: 400 },
    },
    {
      case: 'a connection reset',
      name: 'ECONNRESET',
      expected: { step: 'retry', delayMs: 100 },
    },
    {
      case: 'a status race',
      name: 'InvalidEventDataStoreStatusException',
      status: 400,
      expected: { step: 'reread' },
    },
    {
      case: 'a status race with the budget spent (the caller decides after the read)',
      name: 'InvalidEventDataStoreStatusException',
      state: { attempts: 5 },
      expected: { step: 'reread' },
    },
    {
      case: 'a terminal error',
      name: 'AccessDeniedException',
      status: 400,
      expected: { step: 'stop', cause: 'terminal' },
    },
    {
      case: 'an unknown error',
      name: 'BrandNewException',
      status: 400,
      expected: { step: 'stop', cause: 'terminal' },
    },
    {
      case: 'throttling with the budget spent',
      name: 'ThrottlingException',
      state: { attempts: 5 },
      expected: { step: 'stop', cause: 'budget' },
    },
    {
      case: 'throttling when the delay would end past the deadline',
      name: 'ThrottlingException',
      state: { remainingMs: 100 },
      expected: { step: 'stop', cause: 'deadline' },
    },
    {
      case: 'any error once the deadline fired, even a retryable one',
      name: 'ThrottlingException',
      state: { aborted: true },
      expected: { step: 'stop', cause: 'deadline' },
    },
  ])('after $case: $expected.step', ({ name, status, state, expected }) => {
    // Act
    const step = nextStep({ name, httpStatusCode: status }, { ...STATE, ...state }, BACKOFF, HALF);

    // Assess
    expect(step).toEqual(expected);
  });

  it("waits at least the server's Retry-After", () => {
    // Act
    const step = nextStep(
      { name: 'ThrottlingException', httpStatusCode: 429, retryAfterMs: 3_000 },
      STATE,
      BACKOFF,
      HALF,
    );

    // Assess
    expect(step).toEqual({ step: 'retry', delayMs: 3_000 });
  });

  it('does not retry when Retry-After asks for more time than is left', () => {
    // Act
    const step = nextStep(
      { name: 'ThrottlingException', httpStatusCode: 429, retryAfterMs: 30_000 },
      STATE,
      BACKOFF,
      HALF,
    );

    // Assess
    expect(step).toEqual({ step: 'stop', cause: 'deadline' });
  });

  it('never retries past the budget or the deadline, and never waits past the time left', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('ThrottlingException', 'ConflictException', 'ECONNRESET', 'TimeoutError'),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.option(fc.integer({ min: 0, max: 60_000 }), { nil: undefined }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (name, attempts, maxAttempts, remainingMs, retryAfterMs, draw) => {
          // Act
          const step = nextStep(
            { name, retryAfterMs },
            { attempts, maxAttempts, retries: attempts - 1, remainingMs, aborted: false },
            BACKOFF,
            () => draw,
          );

          // Assess
          if (step.step === 'retry') {
            expect(attempts).toBeLessThan(maxAttempts);
            expect(step.delayMs).toBeLessThan(remainingMs);
            expect(step.delayMs).toBeGreaterThanOrEqual(retryAfterMs ?? 0);
          } else {
            expect(step).toMatchObject({ step: 'stop' });
          }
        },
      ),
    );
  });
});

describe('Function: mayHaveBeenApplied', () => {
  it.each<{ name: string; status?: number; expected: boolean }>([
    { name: 'ECONNRESET', expected: true },
    { name: 'ETIMEDOUT', expected: true },
    { name: 'TimeoutError', expected: true },
    { name: 'InternalFailure', status: 500, expected: true },
    { name: 'ServiceUnavailable', status: 503, expected: true },
    { name: 'ThrottlingException', status: 429, expected: false },
    { name: 'SlowDown', status: 503, expected: false },
    { name: 'TooManyRequests', status: 429, expected: false },
    { name: 'ConflictException', status: 409, expected: false },
    { name: 'AccessDeniedException', status: 400, expected: false },
    { name: 'AbortError', status: 503, expected: false },
    { name: 'AbortError', status: 429, expected: false },
    { name: 'BrandNewException', status: 400, expected: false },
    // the API's own errors are definite refusals, whatever status came with them
    { name: 'InvalidParameterException', status: 500, expected: false },
    { name: 'ConflictException', status: 503, expected: false },
  ])('$name ($status) may have been applied: $expected', ({ name, status, expected }) => {
    // Act, Assess
    expect(mayHaveBeenApplied({ name, httpStatusCode: status })).toBe(expected);
  });
});
