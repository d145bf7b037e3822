/**
 * The trigger parser against hostile input: lookalike ARNs (homoglyphs, zero-width characters,
 * other partitions, path tricks), prototype keys, deep nesting and messages at SNS's size limit.
 * Whatever comes in, the parser throws nothing but InvalidTriggerError, and every store it names
 * is a well-formed event data store reference.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidTriggerError } from '../../src/errors.js';
import { parseTrigger } from '../../src/trigger.js';

const ACCOUNT = '123456789012';
const ID = 'a3f1c0de-5b2a-4c1e-9f3d-0e7a1b2c3d4e';
const ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:eventdatastore/${ID}`;

/** The reference rule, written out here rather than borrowed from the code under test. */
const STORE_ARN = /^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:eventdatastore\/[A-Za-z0-9._-]+$/;
const STORE_ID = /^[A-Za-z0-9._-]{3,256}$/;
const isWellFormed = (value: string) =>
  value.length <= 256 && (value.startsWith('arn:') ? STORE_ARN.test(value) : STORE_ID.test(value));

/** Ways to make a string look like ARN but not be one, or be one of somewhere else. */
const TRICKS: readonly ((arn: string) => string)[] = [
  (arn) => arn.replace('arn', '\u0430rn'), // Cyrillic a
  (arn) => arn.replace('cloudtrail', 'cloudtra\u0456l'), // Cyrillic i
  (arn) => arn.replace(':eventdatastore', '\uff1aeventdatastore'), // fullwidth colon
  (arn) => arn.replace('eventdatastore/', 'eventdatastore/\u200b'), // zero-width space
  (arn) => `${arn}\u200d`,
  (arn) => arn.replace(':aws:', ':aws-cn:'),
  (arn) => arn.replace(':aws:', ':aws-us-gov:'),
  (arn) => arn.replace(':aws:', ':aws-iso-b:'),
  (arn) => arn.replace(`/${ID}`, `/x/../${ID}`),
  (arn) => arn.replace(`/${ID}`, `//${ID}`),
  (arn) => arn.replace('eventdatastore', 'EventDataStore'),
  (arn) => arn.replace(ACCOUNT, '12345678901'),
  (arn) => arn.replace(ACCOUNT, `${ACCOUNT}0`),
  (arn) => `${arn}${'.'.repeat(300)}x`,
  (arn) => `${arn}.`,
  (arn) => arn.toUpperCase(),
  (arn) => ` ${arn}\n`,
  (arn) => arn.replace(ID, `${ID};rm -rf`),
];

const lookalike = fc
  .tuple(fc.constantFrom(...TRICKS), fc.constantFrom(...TRICKS))
  .map(([a, b]) => b(a(ARN)));
const identifier = fc.oneof(lookalike, fc.constantFrom(ARN, ID, '__proto__', 'constructor'));

/** The envelopes a store can arrive in. */
const stopEvent = (store: unknown, extra: Record<string, unknown> = {}) => ({
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.cloudtrail',
  id: 'e1',
  detail: {
    eventSource: 'cloudtrail.amazonaws.com',
    eventName: 'StopEventDataStoreIngestion',
    eventID: 'x1',
    requestParameters: { eventDataStore: store },
    ...extra,
  },
});
const sns = (...messages: string[]) => ({
  Records: messages.map((Message, i) => ({
    EventSource: 'aws:sns',
    Sns: { MessageId: `m${i}`, Message },
  })),
});

const event = fc.oneof(
  identifier.map((store) => ({ eventDataStore: store })),
  fc
    .array(identifier, { minLength: 1, maxLength: 5 })
    .map((stores) => ({ eventDataStores: stores })),
  identifier.map((store) => stopEvent(store)),
  identifier.map((store) => stopEvent(store, { errorCode: 'AccessDenied' })),
  fc.array(identifier, { minLength: 1, maxLength: 4 }).map((stores) => sns(stores.join(' '))),
  identifier.map((store) => sns(JSON.stringify(stopEvent(store)))),
  identifier.map((store) => sns(JSON.stringify({ eventDataStore: store }))),
);

function parseOrReject(input: unknown) {
  try {
    return parseTrigger(input);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTriggerError);
    return undefined;
  }
}

function expectWellFormed(input: unknown): void {
  const request = parseOrReject(input);
  if (request === undefined) return;
  const named = [
    ...(request.scope === 'managed' ? [] : request.scope),
    ...(request.failedStops ?? []),
  ];
  for (const store of named) expect(isWellFormed(store), store).toBe(true);
}

describe('Function: parseTrigger, against hostile input', () => {
  it('names only well-formed store references, whatever lookalike an event carries', () => {
    fc.assert(fc.property(event, expectWellFormed), { numRuns: 2_000 });
  });

  it('never takes a lookalike in plain text for an ARN of our account and partition', () => {
    fc.assert(
      fc.property(fc.array(lookalike, { minLength: 1, maxLength: 4 }), (stores) => {
        // Act
        const request = parseTrigger(sns(stores.join(' ')));

        // Assess: whatever is named is well formed; an exact ARN of ours only if one was sent
        if (request.scope === 'managed') return;
        for (const store of request.scope) {
          expect(isWellFormed(store)).toBe(true);
          if (store === ARN) expect(stores.join(' ')).toContain(ARN);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('is not polluted by prototype keys anywhere in the event', () => {
    // Prepare
    const poisoned = [
      JSON.parse('{"__proto__": {"polluted": true}, "eventDataStore": "abc"}'),
      JSON.parse('{"constructor": {"prototype": {"polluted": true}}}'),
      stopEvent('abc', JSON.parse('{"__proto__": {"polluted": true}}')),
      sns('{"__proto__": {"polluted": true}, "eventDataStore": "abc"}'),
      JSON.parse('{"Records": [{"Sns": {"__proto__": {"Message": "x"}}}]}'),
    ];

    // Act
    for (const input of poisoned) expectWellFormed(input);

    // Assess
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('answers a deeply nested event without overflowing the stack', () => {
    // Prepare: 60,000 levels below the fields the parser reads
    let deep: unknown = {};
    for (let i = 0; i < 60_000; i += 1) deep = { d: deep };
    const inputs = [stopEvent(ID, { userIdentity: deep }), { eventDataStore: ID, note: deep }];

    // Act, Assess
    for (const input of inputs) expectWellFormed(input);
  });

  it('parses SNS messages at the size limit, of ARNs, dots and lookalikes', () => {
    // Prepare: 256 KB each
    const size = 256 * 1024;
    const fill = (unit: string) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
    const messages = [
      fill(`${ARN}.`),
      `${ARN}${'.'.repeat(size - ARN.length - 1)}x`,
      fill(`${TRICKS[0]?.(ARN)} ${TRICKS[3]?.(ARN)} `),
      fill('\u200b'),
      `{"eventDataStore": "${'a'.repeat(size)}"}`,
    ];

    // Act, Assess
    for (const message of messages) expectWellFormed(sns(message));
  });
});
