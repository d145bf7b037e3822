import { describe, expect, it } from 'vitest';
import {
  findStoreArns,
  isStoreIdentifier,
  isStoreReference,
  parseStoreArn,
  storeId,
} from '../../src/identifiers.js';

const ID = 'a3f1c0de-5b2a-4c1e-9f3d-0e7a1b2c3d4e';
const ARN = `arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/${ID}`;
const OTHER_ARN = 'arn:aws:cloudtrail:eu-west-1:210987654321:eventdatastore/b7e2d1f0-6c3b';

describe('Function: isStoreIdentifier', () => {
  // The API's rule (the service model): 3–256 characters of [a-zA-Z0-9._/\-:].
  it.each([
    { case: '3 characters (the minimum)', value: 'abc', expected: true },
    { case: '256 characters (the maximum)', value: 'a'.repeat(256), expected: true },
    { case: 'a full ARN', value: ARN, expected: true },
    { case: 'an ID suffix', value: ID, expected: true },
    { case: 'every allowed punctuation mark', value: 'a._/-:Z9', expected: true },
    { case: 'empty', value: '', expected: false },
    { case: '2 characters (one too few)', value: 'ab', expected: false },
    { case: '257 characters (one too many)', value: 'a'.repeat(257), expected: false },
    { case: 'a space', value: 'my store', expected: false },
    { case: 'a leading space', value: ' abc', expected: false },
    { case: 'a trailing newline', value: 'abc\n', expected: false },
    { case: 'a star', value: 'store*', expected: false },
    { case: 'a plus sign', value: 'a+b+c', expected: false },
    { case: 'a non-ASCII letter', value: 'störe', expected: false },
    { case: 'a backslash', value: 'a\\bc', expected: false },
  ])('returns $expected for $case', ({ value, expected }) => {
    // Act
    const result = isStoreIdentifier(value);

    // Assess
    expect(result).toBe(expected);
  });
});

describe('Function: parseStoreArn', () => {
  it.each([
    {
      arn: ARN,
      expected: { partition: 'aws', region: 'us-east-1', accountId: '123456789012', id: ID },
    },
    {
      arn: 'arn:aws-us-gov:cloudtrail:us-gov-west-1:123456789012:eventdatastore/abc',
      expected: {
        partition: 'aws-us-gov',
        region: 'us-gov-west-1',
        accountId: '123456789012',
        id: 'abc',
      },
    },
    {
      arn: 'arn:aws-cn:cloudtrail:cn-north-1:000000000000:eventdatastore/x.y_z-1',
      expected: {
        partition: 'aws-cn',
        region: 'cn-north-1',
        accountId: '000000000000',
        id: 'x.y_z-1',
      },
    },
  ])('splits $arn into its parts', ({ arn, expected }) => {
    // Act
    const parts = parseStoreArn(arn);

    // Assess
    expect(parts).toEqual(expected);
  });

  it.each([
    { case: 'an ID suffix', value: ID },
    { case: 'a trail ARN', value: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail' },
    {
      case: 'an account of 11 digits',
      value: 'arn:aws:cloudtrail:us-east-1:12345678901:eventdatastore/abc',
    },
    { case: 'another service', value: 'arn:aws:s3:us-east-1:123456789012:eventdatastore/abc' },
    { case: 'no ID', value: 'arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/' },
    { case: 'a slash in the ID', value: `${ARN}/extra` },
    { case: 'text around the ARN', value: ` ${ARN}` },
    { case: 'an empty string', value: '' },
  ])('returns undefined for $case', ({ value }) => {
    // Act
    const parts = parseStoreArn(value);

    // Assess
    expect(parts).toBeUndefined();
  });
});

describe('Function: storeId', () => {
  it.each([
    { case: 'an ARN', value: ARN, expected: ID },
    { case: 'an ID suffix', value: ID, expected: ID },
    { case: 'a partial path', value: 'eventdatastore/abc', expected: 'abc' },
    { case: 'a path ending in a slash', value: 'eventdatastore/', expected: '' },
  ])('returns the ID of $case', ({ value, expected }) => {
    // Act
    const id = storeId(value);

    // Assess
    expect(id).toBe(expected);
  });
});

describe('Function: isStoreReference', () => {
  it.each([
    { case: 'an event data store ARN', value: ARN, expected: true },
    {
      case: 'an ARN of another partition',
      value: ARN.replace(':aws:', ':aws-cn:'),
      expected: true,
    },
    { case: 'an ID suffix', value: ID, expected: true },
    { case: 'a path in the ARN', value: ARN.replace(`/${ID}`, `/x/../${ID}`), expected: false },
    { case: 'a path as the ID', value: `x/../${ID}`, expected: false },
    { case: 'a colon in the ID', value: `a:${ID}`, expected: false },
    {
      case: 'a trail ARN',
      value: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/t1',
      expected: false,
    },
    {
      case: 'an ARN without account',
      value: 'arn:aws:cloudtrail:us-east-1::eventdatastore/abc',
      expected: false,
    },
    { case: 'too short', value: 'ab', expected: false },
  ])('returns $expected for $case', ({ value, expected }) => {
    // Act, Assess
    expect(isStoreReference(value)).toBe(expected);
  });
});

/** Median time of `runs` calls of `fn`, in ms. */
function medianMs(fn: () => void, runs = 5): number {
  const times = Array.from({ length: runs }, () => {
    const start = performance.now();
    fn();
    return performance.now() - start;
  });
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)] ?? 0;
}

describe('Function: findStoreArns', () => {
  it('scans a 256 KB message of an ARN and dots about as fast as plain text of the same size', () => {
    // Prepare: the most an SNS message holds; a run of dots followed by an ID character made
    // the old trim of trailing dots quadratic (a minute for this message)
    const size = 256 * 1024;
    const adversarial = `${ARN}${'.'.repeat(size - ARN.length - 1)}x`;
    const plain = `${ARN} stopped. `.repeat(Math.ceil(size / (ARN.length + 10))).slice(0, size);

    // Act
    const ratio = medianMs(() => findStoreArns(adversarial)) / medianMs(() => findStoreArns(plain));

    // Assess: linear, so within a small factor of the plain scan (quadratic is 10,000× slower)
    expect(findStoreArns(adversarial)).toEqual([]);
    expect(findStoreArns(`${ARN}${'.'.repeat(size - ARN.length)}`)).toEqual([ARN]);
    expect(ratio).toBeLessThan(50);
  });

  it('finds one ARN in a sentence', () => {
    // Act
    const arns = findStoreArns(`Ingestion was stopped on ${ARN} by an unexpected principal`);

    // Assess
    expect(arns).toEqual([ARN]);
  });

  it('finds several ARNs, each once, in the order they appear', () => {
    // Prepare
    const text = `stores ${OTHER_ARN}, ${ARN} and again ${OTHER_ARN}`;

    // Act
    const arns = findStoreArns(text);

    // Assess
    expect(arns).toEqual([OTHER_ARN, ARN]);
  });

  it.each([
    { case: 'text without ARNs', text: 'CloudTrail Lake ingestion stopped. Please investigate.' },
    { case: 'an empty string', text: '' },
    { case: 'only an ID suffix', text: `store ${ID} stopped` },
    { case: 'a trail ARN', text: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail' },
  ])('finds nothing in $case', ({ text }) => {
    // Act
    const arns = findStoreArns(text);

    // Assess
    expect(arns).toEqual([]);
  });

  it('leaves out the full stop of a sentence that ends with an ARN', () => {
    // Act
    const arns = findStoreArns(`Ingestion was stopped on ${ARN}. Please investigate.`);

    // Assess
    expect(arns).toEqual([ARN]);
  });

  it.each([
    {
      case: 'the China partition',
      arn: 'arn:aws-cn:cloudtrail:cn-north-1:123456789012:eventdatastore/a3f1c0de',
    },
    {
      case: 'the GovCloud partition',
      arn: 'arn:aws-us-gov:cloudtrail:us-gov-west-1:123456789012:eventdatastore/a3f1c0de',
    },
    {
      case: 'a dotted ID',
      arn: 'arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/lake.audit.v2',
    },
    {
      case: 'a dotted ID in another partition',
      arn: 'arn:aws-us-gov:cloudtrail:us-gov-east-1:123456789012:eventdatastore/a.b_c-d',
    },
  ])('finds an ARN of $case in a sentence, without its full stop', ({ arn }) => {
    // Act
    const arns = findStoreArns(`Ingestion was stopped on ${arn}. Then on ${arn}...`);

    // Assess
    expect(arns).toEqual([arn]);
  });

  it('finds ARNs inside JSON or quotes', () => {
    // Act
    const arns = findStoreArns(JSON.stringify({ stores: [ARN], note: `"${OTHER_ARN}"` }));

    // Assess
    expect(arns).toEqual([ARN, OTHER_ARN]);
  });

  it('never returns a match longer than the API allows an identifier to be', () => {
    // Prepare
    const tooLong = `arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/${'a'.repeat(256)}`;

    // Act
    const arns = findStoreArns(`stopped: ${tooLong} and ${ARN}`);

    // Assess
    expect(arns).toEqual([ARN]);
  });
});
