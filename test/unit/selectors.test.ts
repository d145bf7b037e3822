import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { narrowings, normalizeSelectors, sameSelectors } from '../../src/selectors.js';
import type { EventSelector, FieldSelector } from '../../src/types.js';

const MANAGEMENT: EventSelector = {
  Name: 'Management events',
  FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }],
};
const S3_DATA: EventSelector = {
  Name: 'S3 objects',
  FieldSelectors: [
    { Field: 'eventCategory', Equals: ['Data'] },
    { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
  ],
};
const LAMBDA_DATA: EventSelector = {
  FieldSelectors: [
    { Field: 'resources.type', Equals: ['AWS::Lambda::Function'] },
    { Field: 'eventCategory', Equals: ['Data'] },
  ],
};
const BASELINE = [MANAGEMENT, S3_DATA];

/** The selector with more field selectors. */
function withFields(selector: EventSelector, ...fields: FieldSelector[]): EventSelector {
  return { ...selector, FieldSelectors: [...selector.FieldSelectors, ...fields] };
}

/** The management selector with more field selectors, the data selector unchanged. */
function managementWith(...fields: FieldSelector[]): EventSelector[] {
  return [withFields(MANAGEMENT, ...fields), S3_DATA];
}

// Arbitraries: few fields and short values, so that duplicates and prefixes are frequent.
const FIELDS = ['eventCategory', 'eventName', 'eventSource', 'readOnly', 'userIdentity.arn'];
const values = fc.array(fc.constantFrom('', 'a', 'ab', 'b', 'ba'), { maxLength: 3 });
const fieldSelector: fc.Arbitrary<FieldSelector> = fc.record(
  {
    Field: fc.constantFrom(...FIELDS),
    Equals: values,
    StartsWith: values,
    EndsWith: values,
    NotEquals: values,
    NotStartsWith: values,
    NotEndsWith: values,
  },
  { requiredKeys: ['Field'] },
);
const eventSelector: fc.Arbitrary<EventSelector> = fc.record(
  { Name: fc.string(), FieldSelectors: fc.array(fieldSelector, { maxLength: 4 }) },
  { requiredKeys: ['FieldSelectors'] },
);
const selectors = fc.array(eventSelector, { maxLength: 4 });

function permutation<T>(items: readonly T[]): fc.Arbitrary<T[]> {
  return fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });
}

function sequence<T>(items: readonly fc.Arbitrary<T>[]): fc.Arbitrary<T[]> {
  return fc.tuple(...items);
}

/** The values in another order, some repeated. */
function scrambledValues(list: readonly string[]): fc.Arbitrary<string[]> {
  return fc
    .tuple(permutation(list), fc.subarray([...list]))
    .map(([shuffled, repeated]) => [...shuffled, ...repeated]);
}

function scrambledField(field: FieldSelector): fc.Arbitrary<FieldSelector> {
  const { Field, ...operators } = field;
  const entries = Object.entries(operators);
  return sequence(entries.map(([, list]) => scrambledValues(list))).map((lists) => ({
    Field,
    ...Object.fromEntries(entries.map(([operator], i) => [operator, lists[i]])),
  }));
}

/** The same selectors: in another order, renamed or unnamed, values scrambled. */
function scrambled(list: readonly EventSelector[]): fc.Arbitrary<EventSelector[]> {
  const selector = (s: EventSelector) =>
    fc
      .tuple(
        fc.option(fc.string(), { nil: undefined }),
        sequence(s.FieldSelectors.map(scrambledField)).chain(permutation),
      )
      .map(([name, fields]) =>
        name === undefined ? { FieldSelectors: fields } : { Name: name, FieldSelectors: fields },
      );
  return sequence(list.map(selector)).chain(permutation);
}

describe('Function: normalizeSelectors', () => {
  it('drops names, sorts field selectors, values and selectors, drops empty operators', () => {
    // Prepare
    const selector: EventSelector = {
      Name: 'writes',
      FieldSelectors: [
        { Field: 'readOnly', Equals: ['false'] },
        { Field: 'eventName', NotEquals: ['b', 'a', 'b'], Equals: [] },
        { Field: 'eventCategory', Equals: ['Management'] },
      ],
    };

    // Act
    const normal = normalizeSelectors([selector, S3_DATA]);

    // Assess
    expect(normal).toStrictEqual([
      {
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
        ],
      },
      {
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Management'] },
          { Field: 'eventName', NotEquals: ['a', 'b'] },
          { Field: 'readOnly', Equals: ['false'] },
        ],
      },
    ]);
  });

  it('orders field selectors of the same field by their content', () => {
    // Prepare
    const later = { Field: 'eventName', StartsWith: ['Get'] };
    const earlier = { Field: 'eventName', Equals: ['Put'] };

    // Act
    const normal = normalizeSelectors([{ FieldSelectors: [later, earlier] }]);

    // Assess
    expect(normal[0]?.FieldSelectors).toStrictEqual([earlier, later]);
  });

  it('does not change the selectors it is given', () => {
    // Prepare
    const selector = { Name: 'n', FieldSelectors: [{ Field: 'eventName', Equals: ['b', 'a'] }] };
    const copy = structuredClone(selector);

    // Act
    normalizeSelectors([selector]);

    // Assess
    expect(selector).toStrictEqual(copy);
  });

  it('gives the same value for any order of selectors, field selectors and values, and any names', () => {
    fc.assert(
      fc.property(
        selectors.chain((list) => fc.tuple(fc.constant(list), scrambled(list))),
        ([list, other]) => {
          expect(normalizeSelectors(other)).toStrictEqual(normalizeSelectors(list));
        },
      ),
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(selectors, (list) => {
        const normal = normalizeSelectors(list);
        expect(normalizeSelectors(normal)).toStrictEqual(normal);
      }),
    );
  });
});

describe('Function: sameSelectors', () => {
  it.each<{ case: string; after: EventSelector[]; same: boolean }>([
    { case: 'the same selectors', after: BASELINE, same: true },
    { case: 'reordered and renamed', after: [{ ...S3_DATA, Name: 'x' }, MANAGEMENT], same: true },
    { case: 'a selector less', after: [MANAGEMENT], same: false },
    { case: 'another value', after: [MANAGEMENT, LAMBDA_DATA], same: false },
    {
      case: 'a condition more',
      after: managementWith({ Field: 'readOnly', Equals: ['true'] }),
      same: false,
    },
  ])('$case: $same', ({ after, same }) => {
    expect(sameSelectors(BASELINE, after)).toBe(same);
  });

  it('holds for any selectors and any scrambled copy of them', () => {
    fc.assert(
      fc.property(
        selectors.chain((list) => fc.tuple(fc.constant(list), scrambled(list))),
        ([list, other]) => {
          expect(sameSelectors(list, other)).toBe(true);
        },
      ),
    );
  });
});

describe('Function: narrowings', () => {
  it.each<{ change: string; before?: EventSelector[]; after: EventSelector[]; expected: string[] }>(
    [
      {
        change: 'self-exclusion: userIdentity.arn NotStartsWith the attacker',
        after: managementWith({
          Field: 'userIdentity.arn',
          NotStartsWith: ['arn:aws:sts::123456789012:assumed-role/attacker/'],
        }),
        expected: [
          'a NotStartsWith condition on userIdentity.arn was added ("arn:aws:sts::123456789012:assumed-role/attacker/")',
        ],
      },
      {
        change: 'CloudTrail itself excluded: eventSource NotEquals',
        after: managementWith({ Field: 'eventSource', NotEquals: ['cloudtrail.amazonaws.com'] }),
        expected: ['a NotEquals condition on eventSource was added ("cloudtrail.amazonaws.com")'],
      },
      {
        change: 'writes dropped: readOnly Equals true',
        after: managementWith({ Field: 'readOnly', Equals: ['true'] }),
        expected: ['readOnly is now restricted to Equals ["true"]'],
      },
      {
        change: 'match nothing: eventName Equals a call that does not exist',
        after: managementWith({ Field: 'eventName', Equals: ['NoSuchCall'] }),
        expected: ['eventName is now restricted to Equals ["NoSuchCall"]'],
      },
      {
        change: 'a category dropped',
        after: [S3_DATA],
        expected: ['event category Management is no longer selected'],
      },
      {
        change: 'a category replaced by another',
        after: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['NetworkActivity'] }] }],
        before: [MANAGEMENT],
        expected: ['event category Management is no longer selected'],
      },
      {
        change: 'a data selector removed, data events still selected',
        before: [MANAGEMENT, S3_DATA, LAMBDA_DATA],
        after: [MANAGEMENT, LAMBDA_DATA],
        expected: ['a selector was removed (eventCategory Data, resources.type AWS::S3::Object)'],
      },
      {
        change: 'a data selector moved to another resource type',
        after: [MANAGEMENT, LAMBDA_DATA],
        expected: ['a selector was removed (eventCategory Data, resources.type AWS::S3::Object)'],
      },
      {
        change: 'an Equals list shortened',
        before: managementWith({ Field: 'readOnly', Equals: ['true', 'false'] }),
        after: managementWith({ Field: 'readOnly', Equals: ['true'] }),
        expected: ['readOnly is now restricted to Equals ["true"] (was Equals ["false","true"])'],
      },
      {
        change: 'a StartsWith replaced by an Equals it matches',
        before: managementWith({ Field: 'eventName', StartsWith: ['Get'] }),
        after: managementWith({ Field: 'eventName', Equals: ['GetObject'] }),
        expected: ['eventName is now restricted to Equals ["GetObject"] (was StartsWith ["Get"])'],
      },
      {
        change: 'a second exclusion on a field already excluded from',
        before: managementWith({ Field: 'eventSource', NotEquals: ['kms.amazonaws.com'] }),
        after: managementWith({
          Field: 'eventSource',
          NotEquals: ['kms.amazonaws.com', 'cloudtrail.amazonaws.com'],
        }),
        expected: ['a NotEquals condition on eventSource was added ("cloudtrail.amazonaws.com")'],
      },
      {
        change: 'every kind of exclusion at once, on a data selector',
        after: [
          MANAGEMENT,
          withFields(S3_DATA, {
            Field: 'resources.ARN',
            NotStartsWith: ['arn:aws:s3:::logs/'],
            NotEndsWith: ['.tmp'],
          }),
        ],
        expected: [
          'a NotStartsWith condition on resources.ARN was added ("arn:aws:s3:::logs/")',
          'a NotEndsWith condition on resources.ARN was added (".tmp")',
        ],
      },
    ],
  )('$change', ({ before = BASELINE, after, expected }) => {
    expect(narrowings(before, after)).toStrictEqual(expected);
  });

  it.each<{ change: string; before?: EventSelector[]; after: EventSelector[] }>([
    { change: 'nothing', after: BASELINE },
    {
      change: 'renamed and reordered',
      after: [{ ...S3_DATA, Name: 'renamed' }, { FieldSelectors: MANAGEMENT.FieldSelectors }],
    },
    { change: 'a selector added', after: [...BASELINE, LAMBDA_DATA] },
    {
      change: 'a restriction dropped',
      before: managementWith({ Field: 'readOnly', Equals: ['false'] }),
      after: BASELINE,
    },
    {
      change: 'an exclusion dropped',
      before: managementWith({ Field: 'eventSource', NotEquals: ['kms.amazonaws.com'] }),
      after: BASELINE,
    },
    {
      change: 'an Equals list lengthened',
      before: managementWith({ Field: 'readOnly', Equals: ['false'] }),
      after: managementWith({ Field: 'readOnly', Equals: ['false', 'true'] }),
    },
    {
      change: 'an Equals replaced by a StartsWith that matches it',
      before: managementWith({ Field: 'eventName', Equals: ['GetObject'] }),
      after: managementWith({ Field: 'eventName', StartsWith: ['Get'] }),
    },
    {
      change: 'a StartsWith shortened',
      before: managementWith({ Field: 'eventName', StartsWith: ['Get'] }),
      after: managementWith({ Field: 'eventName', StartsWith: ['Ge'] }),
    },
    {
      change: 'an EndsWith shortened',
      before: managementWith({ Field: 'eventName', EndsWith: ['Object'] }),
      after: managementWith({ Field: 'eventName', EndsWith: ['ject'] }),
    },
    {
      change: 'an Equals replaced by an EndsWith that matches it',
      before: managementWith({ Field: 'eventName', Equals: ['GetObject'] }),
      after: managementWith({ Field: 'eventName', EndsWith: ['Object'] }),
    },
    {
      change: 'a NotStartsWith replaced by a longer one',
      before: managementWith({ Field: 'userIdentity.arn', NotStartsWith: ['arn:aws:sts::'] }),
      after: managementWith({ Field: 'userIdentity.arn', NotStartsWith: ['arn:aws:sts::1'] }),
    },
    {
      change: 'a NotEquals already implied by a NotEndsWith',
      before: managementWith({ Field: 'eventName', NotEndsWith: ['Describe'] }),
      after: managementWith({
        Field: 'eventName',
        NotEndsWith: ['Describe'],
        NotEquals: ['FooDescribe'],
      }),
    },
  ])('finds nothing narrower when $change', ({ before = BASELINE, after }) => {
    expect(narrowings(before, after)).toStrictEqual([]);
  });

  it('pairs selectors of the same kind with the one that narrows least', () => {
    // Prepare
    const reads = withFields(S3_DATA, { Field: 'readOnly', Equals: ['true'] });
    const writes = withFields(S3_DATA, { Field: 'readOnly', Equals: ['false'] });
    const gets = withFields(reads, { Field: 'eventName', Equals: ['GetObject'] });
    const puts = withFields(writes, { Field: 'eventName', Equals: ['PutObject'] });

    // Act
    const both = narrowings([writes, reads], [puts, gets]);
    const one = narrowings([reads], [puts, gets]);

    // Assess
    expect(both.sort()).toStrictEqual([
      'eventName is now restricted to Equals ["GetObject"]',
      'eventName is now restricted to Equals ["PutObject"]',
    ]);
    expect(one).toStrictEqual(['eventName is now restricted to Equals ["GetObject"]']);
  });

  it('finds nothing narrower between any selectors and themselves, or a scrambled copy', () => {
    fc.assert(
      fc.property(
        selectors.chain((list) => fc.tuple(fc.constant(list), scrambled(list))),
        ([list, other]) => {
          expect(narrowings(list, list)).toStrictEqual([]);
          expect(narrowings(list, other)).toStrictEqual([]);
        },
      ),
    );
  });

  it('finds something narrower when any one selector is removed', () => {
    fc.assert(
      fc.property(
        fc
          .array(eventSelector, { minLength: 1, maxLength: 4 })
          .chain((list) => fc.tuple(fc.constant(list), fc.nat({ max: list.length - 1 }))),
        ([list, index]) => {
          const after = list.filter((_, i) => i !== index);
          expect(narrowings(list, after)).not.toStrictEqual([]);
        },
      ),
    );
  });

  it('finds something narrower when an exclusion no condition implied is added', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (value) => {
        const after = managementWith({ Field: 'eventName', NotEquals: [value] });
        expect(narrowings(BASELINE, after)).toStrictEqual([
          `a NotEquals condition on eventName was added (${JSON.stringify(value)})`,
        ]);
      }),
    );
  });
});
