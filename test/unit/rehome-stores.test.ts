import { describe, expect, it } from 'vitest';
import { rehomeStores } from '../../local/rehome-stores.js';

const STORE = {
  EventDataStoreArn: 'arn:aws:cloudtrail:eu-west-1:123456789012:eventdatastore/abc-1',
  Name: 'audit',
  Tags: [{ Key: 'team', Value: 'secops' }],
};

describe('Function: rehomeStores', () => {
  it('moves every ARN to the account, keeping partition, region, ID and the rest', () => {
    // Act
    const [moved] = rehomeStores([STORE], '012345678912');

    // Assess
    expect(moved).toEqual({
      ...STORE,
      EventDataStoreArn: 'arn:aws:cloudtrail:eu-west-1:012345678912:eventdatastore/abc-1',
    });
  });

  it('leaves the stores it was given unchanged', () => {
    // Prepare
    const stores = [structuredClone(STORE)];

    // Act
    rehomeStores(stores, '012345678912');

    // Assess
    expect(stores).toEqual([STORE]);
  });

  it.each(['12345', '01234567891x', ''])('rejects the account ID "%s"', (account) => {
    expect(() => rehomeStores([STORE], account)).toThrow('an account ID has 12 digits');
  });
});
