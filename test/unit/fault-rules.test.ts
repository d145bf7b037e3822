import { describe, expect, it } from 'vitest';
import {
  createFaultInjector,
  type FaultCall,
  type FaultRule,
  isSameStore,
  parseFaultRules,
  resolveFaultError,
  statusOfErrorCode,
} from '../../local/faults.js';

const ARN = 'arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/abc-1';
const getCall = (store = 'abc-1'): FaultCall => ({
  operation: 'GetEventDataStore',
  eventDataStores: [store],
});

describe('Function: parseFaultRules', () => {
  it('accepts every field a rule can have and returns a copy', () => {
    // Prepare
    const rules = [
      {
        operation: 'StartEventDataStoreIngestion',
        eventDataStore: ARN,
        error: 'ConflictException',
      },
      { operation: '*', status: 503, delayMs: 0, count: 2, rate: 0.5 },
      { operation: 'ListTags', reset: true, delayMs: 25 },
      { operation: 'ListTags', error: 'ThrottlingException', retryAfterSeconds: 2 },
    ];

    // Act
    const parsed = parseFaultRules(rules);

    // Assess
    expect(parsed).toEqual(rules);
    expect(parsed).not.toBe(rules);
  });

  it.each([
    ['reset', { reset: true }],
    ['error', { error: 'ThrottlingException', retryAfterSeconds: 1 }],
    ['status', { status: 503 }],
    ['delayMs alone', { delayMs: 250 }],
    ['delayMs and reset', { delayMs: 250, reset: true }],
    ['false, as if absent', { after: false, error: 'ThrottlingException' }],
  ])('accepts after with %s', (_label, effect) => {
    // Prepare
    const rules = [{ operation: 'StartEventDataStoreIngestion', after: true, ...effect }];

    // Act
    const parsed = parseFaultRules(rules);

    // Assess
    expect(parsed).toEqual(rules);
  });

  it.each([
    ['not an array', { operation: '*' }, /^faults: expected a JSON array/],
    ['a rule that is not an object', ['x'], /^faults\[0\]: expected an object/],
    ['a missing operation', [{ error: 'X' }], /^faults\[0\]\.operation: is required/],
    [
      'an unknown operation',
      [{ operation: 'GetEventDatastore', error: 'X' }],
      /faults\[0\]\.operation/,
    ],
    ['an unknown field', [{ operation: '*', errror: 'X' }], /faults\[0\]\.errror: unknown field/],
    ['an empty store', [{ operation: '*', eventDataStore: '', error: 'X' }], /\.eventDataStore/],
    ['an error that is not a code', [{ operation: '*', error: 'no such' }], /\.error/],
    ['a status that is not an error', [{ operation: '*', status: 200 }], /\.status/],
    ['reset other than true', [{ operation: '*', reset: false }], /\.reset: expected true/],
    [
      'after other than a boolean',
      [{ operation: '*', after: 'yes', reset: true }],
      /\.after: expected true or false/,
    ],
    ['after without an effect', [{ operation: '*', after: true }], /needs one of error/],
    ['a negative delay', [{ operation: '*', delayMs: -1 }], /\.delayMs/],
    ['a zero count', [{ operation: '*', error: 'X', count: 0 }], /\.count/],
    ['a fractional count', [{ operation: '*', error: 'X', count: 1.5 }], /\.count/],
    ['a rate over 1', [{ operation: '*', error: 'X', rate: 1.5 }], /\.rate/],
    ['reset with an error', [{ operation: '*', reset: true, error: 'X' }], /\.reset: cannot/],
    ['a rule without an effect', [{ operation: '*', count: 1 }], /needs one of error/],
    [
      'a fractional Retry-After',
      [{ operation: '*', status: 429, retryAfterSeconds: 0.5 }],
      /\.retryAfterSeconds: expected whole seconds/,
    ],
    [
      'a Retry-After without an error',
      [{ operation: '*', delayMs: 5, retryAfterSeconds: 1 }],
      /\.retryAfterSeconds: needs error or status/,
    ],
    [
      'the index of the bad rule',
      [
        { operation: '*', error: 'X' },
        { operation: '*', rate: 'high' },
      ],
      /^faults\[1\]\.rate/,
    ],
  ])('rejects %s', (_label, json, message) => {
    // Act
    const act = () => parseFaultRules(json);

    // Assess
    expect(act).toThrow(message);
  });
});

describe('Function: isSameStore', () => {
  it.each([
    [ARN, ARN, true],
    [ARN, 'abc-1', true],
    ['abc-1', ARN, true],
    ['abc-1', 'abc-1', true],
    ['abc-1', 'abc-2', false],
    [ARN, ARN.replace('123456789012', '210987654321'), false],
  ])('compares %s and %s: %s', (a, b, expected) => {
    // Act & Assess
    expect(isSameStore(a, b)).toBe(expected);
  });
});

describe('Function: resolveFaultError', () => {
  it.each<[FaultRule, { code: string; status: number } | undefined]>([
    [
      { operation: '*', error: 'ThrottlingException' },
      { code: 'ThrottlingException', status: 429 },
    ],
    [
      { operation: '*', error: 'ConflictException' },
      { code: 'ConflictException', status: 409 },
    ],
    [
      { operation: '*', error: 'EventDataStoreNotFoundException' },
      { code: 'EventDataStoreNotFoundException', status: 404 },
    ],
    [
      { operation: '*', error: 'NoManagementAccountSLRExistsException' },
      { code: 'NoManagementAccountSLRExistsException', status: 403 },
    ],
    [
      { operation: '*', error: 'SomethingNew' },
      { code: 'SomethingNew', status: 400 },
    ],
    [
      { operation: '*', error: 'InternalFailure' },
      { code: 'InternalFailure', status: 500 },
    ],
    [
      { operation: '*', error: 'ThrottlingException', status: 400 },
      { code: 'ThrottlingException', status: 400 },
    ],
    [
      { operation: '*', status: 503 },
      { code: 'ServiceUnavailable', status: 503 },
    ],
    [
      { operation: '*', status: 504 },
      { code: 'InternalFailure', status: 504 },
    ],
    [
      { operation: '*', status: 418 },
      { code: 'ValidationException', status: 418 },
    ],
    [{ operation: '*', delayMs: 5 }, undefined],
  ])('resolves %j to %j', (rule, expected) => {
    // Act & Assess
    expect(resolveFaultError(rule)).toEqual(expected);
  });

  it('sends unknown codes with 400', () => {
    // Act & Assess
    expect(statusOfErrorCode('InvalidParameterException')).toBe(400);
  });
});

describe('Function: createFaultInjector', () => {
  it('matches by operation, or any operation with *', () => {
    // Prepare
    const injector = createFaultInjector([
      { operation: 'ListTags', error: 'A' },
      { operation: '*', error: 'B' },
    ]);

    // Act
    const picked = [
      injector.pick({ operation: 'ListTags', eventDataStores: [ARN] }),
      injector.pick(getCall()),
    ];

    // Assess
    expect(picked.map((rule) => rule?.error)).toEqual(['A', 'B']);
  });

  it('matches a store rule on any store of the call, and never a call about no store', () => {
    // Prepare
    const injector = createFaultInjector([{ operation: '*', eventDataStore: 'abc-2', error: 'A' }]);

    // Act
    const picked = [
      injector.pick({
        operation: 'ListTags',
        eventDataStores: [ARN, ARN.replace('abc-1', 'abc-2')],
      }),
      injector.pick({ operation: 'ListEventDataStores', eventDataStores: [] }),
      injector.pick(getCall('abc-1')),
    ];

    // Assess
    expect(picked.map((rule) => rule?.error)).toEqual(['A', undefined, undefined]);
  });

  it('fires a rule count times, then the next matching rule', () => {
    // Prepare
    const injector = createFaultInjector([
      { operation: '*', error: 'A', count: 2 },
      { operation: '*', error: 'B', count: 1 },
    ]);

    // Act
    const picked = [1, 2, 3, 4].map(() => injector.pick(getCall())?.error);

    // Assess
    expect(picked).toEqual(['A', 'A', 'B', undefined]);
  });

  it('fires a rule with rate only below the draw, without spending its count otherwise', () => {
    // Prepare
    const draws = [0.5, 0.2, 0.99, 0.0];
    const injector = createFaultInjector(
      [{ operation: '*', error: 'A', rate: 0.3, count: 2 }],
      () => draws.shift() ?? 1,
    );

    // Act
    const picked = [1, 2, 3, 4, 5].map(() => injector.pick(getCall())?.error);

    // Assess
    expect(picked).toEqual([undefined, 'A', undefined, 'A', undefined]);
    expect(draws).toEqual([]);
  });

  it('never draws for a rule without rate', () => {
    // Prepare
    let draws = 0;
    const injector = createFaultInjector([{ operation: '*', error: 'A' }], () => {
      draws += 1;
      return 0;
    });

    // Act
    injector.pick(getCall());

    // Assess
    expect(draws).toBe(0);
  });
});
