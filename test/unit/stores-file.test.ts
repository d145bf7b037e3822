import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  accountAndRegionOf,
  parseStores,
  readStoresFile,
  type StoreInput,
} from '../../local/stores-file.js';

const ARN = 'arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/abc-1';

const tempDirs: string[] = [];

async function writeTempFile(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stores-file-'));
  tempDirs.push(dir);
  const path = join(dir, 'stores.json');
  await writeFile(path, text);
  return path;
}

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('Function: readStoresFile', () => {
  it('reads the default stores file', async () => {
    // Act
    const stores = await readStoresFile('local/stores.json');

    // Assess
    expect(stores).toHaveLength(7);
    expect(stores[0]).toMatchObject({ Name: 'security-audit-trail', Status: 'STOPPED_INGESTION' });
  });

  it('names the file when it is not JSON', async () => {
    // Prepare
    const path = await writeTempFile('[{');

    // Act
    const read = readStoresFile(path);

    // Assess
    await expect(read).rejects.toThrow(`${path}: not valid JSON`);
  });

  it('names the file, index and field when a store is invalid', async () => {
    // Prepare
    const path = await writeTempFile(JSON.stringify([{ EventDataStoreArn: ARN, Status: 'ON' }]));

    // Act
    const read = readStoresFile(path);

    // Assess
    await expect(read).rejects.toThrow(`${path}: stores[0].Status: expected one of CREATED`);
  });
});

describe('Function: parseStores', () => {
  it('accepts a store with only its ARN, and returns a copy', () => {
    // Prepare
    const json = [{ EventDataStoreArn: ARN }];

    // Act
    const stores = parseStores(json);

    // Assess
    expect(stores).toEqual(json);
    expect(stores[0]).not.toBe(json[0]);
  });

  it.each([
    ['not an array', { EventDataStoreArn: ARN }, /^stores: expected a JSON array/],
    ['a store that is not an object', [null], /^stores\[0\]: expected an object/],
    ['a missing ARN', [{ Name: 'abc' }], /^stores\[0\]\.EventDataStoreArn: is required/],
    [
      'an ARN of a trail',
      [{ EventDataStoreArn: ARN.replace('eventdatastore', 'trail') }],
      /stores\[0\]\.EventDataStoreArn: expected an event data store ARN/,
    ],
    [
      'a duplicate ARN',
      [{ EventDataStoreArn: ARN }, { EventDataStoreArn: ARN }],
      /^stores\[1\]\.EventDataStoreArn: duplicate/,
    ],
    ['a short Name', [{ EventDataStoreArn: ARN, Name: 'ab' }], /stores\[0\]\.Name/],
    ['an unknown Status', [{ EventDataStoreArn: ARN, Status: 'RUNNING' }], /stores\[0\]\.Status/],
    [
      'a string timestamp',
      [{ EventDataStoreArn: ARN, CreatedTimestamp: '2024-01-01' }],
      /\.CreatedTimestamp: expected epoch seconds/,
    ],
    [
      'a retention out of range',
      [{ EventDataStoreArn: ARN, RetentionPeriod: 3 }],
      /\.RetentionPeriod/,
    ],
    [
      'a string boolean',
      [{ EventDataStoreArn: ARN, OrganizationEnabled: 'true' }],
      /\.OrganizationEnabled: expected true or false/,
    ],
    [
      'an emulator flag that is not boolean',
      [{ EventDataStoreArn: ARN, EmulatorCallerIsManagementAccount: 0 }],
      /\.EmulatorCallerIsManagementAccount/,
    ],
    ['an unknown field', [{ EventDataStoreArn: ARN, Tag: [] }], /^stores\[0\]\.Tag: unknown field/],
    [
      'a tag without Key',
      [{ EventDataStoreArn: ARN, Tags: [{ Value: 'x' }] }],
      /^stores\[0\]\.Tags\[0\]\.Key: is required/,
    ],
    [
      'a tag with a numeric Value',
      [{ EventDataStoreArn: ARN, Tags: [{ Key: 'a', Value: 1 }] }],
      /^stores\[0\]\.Tags\[0\]\.Value: expected a string/,
    ],
    [
      'a selector without FieldSelectors',
      [{ EventDataStoreArn: ARN, AdvancedEventSelectors: [{ Name: 'x' }] }],
      /^stores\[0\]\.AdvancedEventSelectors\[0\]\.FieldSelectors: is required/,
    ],
    [
      'a field selector with a string Equals',
      [
        {
          EventDataStoreArn: ARN,
          AdvancedEventSelectors: [
            { FieldSelectors: [{ Field: 'eventCategory', Equals: 'Data' }] },
          ],
        },
      ],
      /^stores\[0\]\.AdvancedEventSelectors\[0\]\.FieldSelectors\[0\]\.Equals: expected an array/,
    ],
    ['an unknown BillingMode', [{ EventDataStoreArn: ARN, BillingMode: 'FREE' }], /\.BillingMode/],
    [
      'a partition key without Type',
      [{ EventDataStoreArn: ARN, PartitionKeys: [{ Name: 'a' }] }],
      /\.PartitionKeys\[0\]\.Type: is required/,
    ],
  ])('rejects %s', (_label, json, message) => {
    // Act
    const act = () => parseStores(json);

    // Assess
    expect(act).toThrow(message);
  });
});

describe('Function: accountAndRegionOf', () => {
  const storeIn = (account: string, region: string): StoreInput => ({
    EventDataStoreArn: `arn:aws:cloudtrail:${region}:${account}:eventdatastore/abc-${account}-${region}`,
  });

  it('reads the account and region the ARNs share', async () => {
    // Prepare
    const stores = await readStoresFile('local/stores.json');

    // Act
    const where = accountAndRegionOf(stores);

    // Assess
    expect(where).toEqual({ partition: 'aws', accountId: '012345678912', region: 'us-east-1' });
  });

  it.each([
    ['accounts', [storeIn('123456789012', 'us-east-1'), storeIn('210987654321', 'us-east-1')]],
    ['regions', [storeIn('123456789012', 'us-east-1'), storeIn('123456789012', 'eu-west-1')]],
  ])('rejects stores in different %s, naming the index', (_label, stores) => {
    // Act
    const act = () => accountAndRegionOf(stores);

    // Assess
    expect(act).toThrow(
      /^stores\[1\]\.EventDataStoreArn: every store must be in aws account 123456789012 region us-east-1/,
    );
  });

  it('rejects an empty list', () => {
    // Act
    const act = () => accountAndRegionOf([]);

    // Assess
    expect(act).toThrow(/empty/);
  });
});
