/**
 * The trigger parser against hostile input: lookalike ARNs (homoglyphs, zero-width characters,
 * other partitions, path tricks), prototype keys, deep nesting, messages at SNS's size limit,
 * and arbitrary CloudTrail records of every event the guard listens to.
 * Whatever comes in, the parser throws nothing but InvalidTriggerError, every store it names
 * is a well-formed event data store reference the event itself named, nothing that came through
 * SNS is trusted, and only a direct request object asks to accept a baseline.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidTriggerError } from '../../src/errors.js';
import { parseTrigger, STORE_EVENT_NAMES, TRAIL_EVENT_NAMES } from '../../src/trigger.js';

type Json = Record<string, unknown>;

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

/** Event names a record may carry: every one the guard knows, others, and prototype keys. */
const EVENT_NAMES = [
  ...STORE_EVENT_NAMES,
  ...TRAIL_EVENT_NAMES,
  'CreateEventDataStore',
  'PutInsightSelectors',
  '__proto__',
  'constructor',
  'toString',
];
const OTHER_RESOURCES = [
  `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org-trail`,
  `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:channel/ch-1`,
  `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:dashboard/d-1`,
];

const named = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(ARN, ID, ` ${ARN} `, ARN.replace(ID, 'other-store')) },
  { weight: 2, arbitrary: identifier },
  { weight: 1, arbitrary: fc.constantFrom(...OTHER_RESOURCES) },
  { weight: 1, arbitrary: fc.jsonValue() },
);
const tagsList = fc.oneof(
  fc.array(
    fc.record(
      { key: fc.oneof(fc.string(), fc.jsonValue()), value: fc.string() },
      { requiredKeys: [] },
    ),
    { maxLength: 4 },
  ),
  fc.jsonValue(),
);
const parameters = { eventDataStore: named, resourceId: named, tagsList, name: fc.string() };
const requestParameters = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record(parameters, { requiredKeys: ['eventDataStore', 'resourceId'] }),
  },
  { weight: 1, arbitrary: fc.record(parameters, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.jsonValue() },
);
const userIdentity = fc.oneof(
  fc.record(
    {
      type: fc.constantFrom('AssumedRole', 'IAMUser', 'Root', 'IdentityCenterUser', 'AWSService'),
      arn: fc.oneof(fc.string(), fc.jsonValue()),
      accountId: fc.oneof(fc.constant(ACCOUNT), fc.jsonValue()),
      onBehalfOf: fc.record(
        {
          userId: fc.oneof(fc.uuid(), fc.string()),
          identityStoreArn: fc.oneof(
            fc.constant(`arn:aws:identitystore::${ACCOUNT}:identitystore/d-9067a1b2c3`),
            fc.string(),
          ),
        },
        { requiredKeys: [] },
      ),
      sessionContext: fc.jsonValue(),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue(),
);
/** A CloudTrail record of any event name, with any request parameters, failed or not. */
const record = fc.record(
  {
    eventName: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...STORE_EVENT_NAMES) },
      { weight: 2, arbitrary: fc.constantFrom(...EVENT_NAMES) },
      { weight: 1, arbitrary: fc.jsonValue() },
    ),
    eventID: fc.oneof({ weight: 5, arbitrary: fc.uuid() }, fc.jsonValue()),
    errorCode: fc.constantFrom('AccessDenied', 'ValidationException', '', null),
    requestParameters,
    userIdentity,
    eventTime: fc.oneof(fc.string(), fc.jsonValue()),
    userAgent: fc.string({ maxLength: 600 }),
  },
  { requiredKeys: ['eventName', 'requestParameters'] },
);
const onEventBridge = fc
  .tuple(record, fc.constantFrom('aws.cloudtrail', 'custom.cloudtrail'))
  .map(([detail, source]) => ({
    version: '0',
    id: 'e1',
    'detail-type': 'AWS API Call via CloudTrail',
    source,
    detail,
  }));
const throughSns = fc
  .array(onEventBridge, { minLength: 1, maxLength: 3 })
  .map((events) => sns(...events.map((e) => JSON.stringify(e))));

/** Every store reference the records of an event name, as the parser may read them (trimmed). */
function namedStores(event: unknown): Set<string> {
  const events =
    isRecord(event) && Array.isArray(event.Records)
      ? event.Records.map((r: { Sns: { Message: string } }) => JSON.parse(r.Sns.Message))
      : [event];
  const stores = new Set<string>();
  for (const e of events) {
    const params = isRecord(e) && isRecord(e.detail) ? e.detail.requestParameters : undefined;
    if (!isRecord(params)) continue;
    for (const value of [params.eventDataStore, params.resourceId]) {
      if (typeof value === 'string') stores.add(value.trim());
    }
  }
  return stores;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

describe('Function: parseTrigger, against arbitrary CloudTrail records', () => {
  /** Each path, and the evidence a record it delivers deserves: only AWS's own is trusted. */
  const deliveries: {
    path: string;
    event: fc.Arbitrary<unknown>;
    evidence: (input: unknown) => string;
  }[] = [
    {
      path: 'EventBridge',
      event: onEventBridge,
      evidence: (input) => ((input as Json).source === 'aws.cloudtrail' ? 'trusted' : 'alert'),
    },
    { path: 'SNS', event: throughSns, evidence: () => 'alert' },
  ];

  it.each(deliveries)(
    'throws nothing but InvalidTriggerError for records by $path',
    ({ event }) => {
      fc.assert(fc.property(event, expectWellFormed), { numRuns: 1_500 });
    },
  );

  it.each(deliveries)('names only stores the records by $path named', ({ event }) => {
    fc.assert(
      fc.property(event, (input) => {
        // Act
        const request = parseOrReject(input);
        if (request === undefined) return;

        // Assess
        const stores = namedStores(input);
        const scope = request.scope === 'managed' ? [] : request.scope;
        for (const store of [...scope, ...(request.failedStops ?? [])]) {
          expect(stores.has(store), store).toBe(true);
        }
      }),
      { numRuns: 1_500 },
    );
  });

  it.each(deliveries)(
    'trusts a record by $path only when AWS delivered it, and asks none to accept a baseline',
    ({ event, evidence }) => {
      fc.assert(
        fc.property(event, (input) => {
          // Act
          const request = parseOrReject(input);
          if (request === undefined) return;

          // Assess
          expect(request.evidence).toBe(evidence(input));
          expect(request.acceptBaseline).toBeUndefined();
        }),
        { numRuns: 1_500 },
      );
    },
  );
});

describe('Function: parseTrigger, against baseline requests', () => {
  const baseline = fc.record(
    {
      acceptBaseline: fc.oneof(
        { weight: 3, arbitrary: fc.array(identifier, { minLength: 1, maxLength: 4 }) },
        fc.jsonValue(),
      ),
      reason: fc.oneof(fc.string(), fc.jsonValue()),
      dryRun: fc.boolean(),
      eventDataStore: identifier,
    },
    { requiredKeys: ['acceptBaseline'] },
  );

  it('accepts a baseline only by direct invoke, and only for well-formed stores it named', () => {
    fc.assert(
      fc.property(baseline, (input) => {
        // Act
        const request = parseOrReject(input);
        if (request === undefined) return;

        // Assess
        expect(request).toMatchObject({ acceptBaseline: true, evidence: 'trusted' });
        expect(Array.isArray(input.acceptBaseline)).toBe(true);
        const asked = (input.acceptBaseline as string[]).map((store) => store.trim());
        for (const store of request.scope) {
          expect(isWellFormed(store)).toBe(true);
          expect(asked).toContain(store);
        }
      }),
      { numRuns: 1_500 },
    );
  });

  it('rejects every baseline request that came through SNS', () => {
    fc.assert(
      fc.property(fc.array(baseline, { minLength: 1, maxLength: 3 }), (inputs) => {
        // Act
        const request = parseOrReject(sns(...inputs.map((input) => JSON.stringify(input))));

        // Assess
        expect(request).toBeUndefined();
      }),
      { numRuns: 1_000 },
    );
  });

  it('sets acceptBaseline for nothing but a direct request object that asks for it', () => {
    // Prepare: baseline requests in every envelope, beside other events
    const input = fc.oneof(
      baseline,
      baseline.map((request) => sns(JSON.stringify(request))),
      onEventBridge.map((event) => ({ ...event, acceptBaseline: [ARN] })),
      onEventBridge.map((event) => sns(JSON.stringify({ ...event, acceptBaseline: [ARN] }))),
      fc.record({ eventDataStore: identifier, dryRun: fc.boolean() }, { requiredKeys: [] }),
      fc.jsonValue(),
    );

    fc.assert(
      fc.property(input, (event) => {
        // Act
        const request = parseOrReject(event);

        // Assess
        if (request?.acceptBaseline === undefined) return;
        expect(request.acceptBaseline).toBe(true);
        expect(request.evidence).toBe('trusted');
        expect(isRecord(event) && Object.hasOwn(event, 'acceptBaseline')).toBe(true);
        expect(isRecord(event) && ('Records' in event || 'detail-type' in event)).toBe(false);
      }),
      { numRuns: 1_500 },
    );
  });
});
