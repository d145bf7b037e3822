/**
 * `npm start -- --aws`: before anything else, the credentials, the region and the account of the
 * shell (environment variables, or a profile: the SDK's whole default chain runs here, in the
 * runner, not in the bundle), checked with one read-only call, ListEventDataStores: the stores
 * it lists must be in that account and region.
 */
import {
  CloudTrailClient,
  type EventDataStore,
  ListEventDataStoresCommand,
} from '@aws-sdk/client-cloudtrail';

type AwsCredentialIdentity = Awaited<ReturnType<CloudTrailClient['config']['credentials']>>;

export interface RealAccount {
  readonly accountId: string;
  readonly region: string;
  readonly credentials: AwsCredentialIdentity;
}

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

async function resolveCredentials(client: CloudTrailClient): Promise<AwsCredentialIdentity> {
  try {
    return await client.config.credentials();
  } catch (error) {
    throw new Error(
      `--aws: no AWS credentials (${describe(error)}): set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
    );
  }
}

async function resolveRegion(client: CloudTrailClient): Promise<string> {
  try {
    return await client.config.region();
  } catch {
    throw new Error('--aws: no AWS region: set AWS_REGION (or a region in the profile)');
  }
}

/** The stores the credentials list: one page is enough to see their account. */
async function listStores(client: CloudTrailClient, region: string): Promise<EventDataStore[]> {
  try {
    const page = await client.send(new ListEventDataStoresCommand({ MaxResults: 1000 }));
    return page.EventDataStores ?? [];
  } catch (error) {
    throw new Error(`--aws: CloudTrail in ${region} refused the credentials: ${describe(error)}`);
  }
}

/** Throws unless every listed store is in `accountId` and `region`. */
function checkOwnership(stores: readonly EventDataStore[], accountId: string, region: string) {
  for (const store of stores) {
    const [, , , storeRegion, storeAccount] = (store.EventDataStoreArn ?? '').split(':');
    if (storeAccount !== accountId || storeRegion !== region) {
      throw new Error(
        `--aws: the credentials reach account ${storeAccount} in ${storeRegion} ` +
          `(${store.EventDataStoreArn}), not AWS_ACCOUNT_ID ${accountId} in ${region}`,
      );
    }
  }
}

/** The account the shell's credentials act in, checked; throws saying what is missing or wrong. */
export async function checkRealAccount(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<RealAccount> {
  const client = new CloudTrailClient({ maxAttempts: 1 });
  try {
    const credentials = await resolveCredentials(client);
    const region = await resolveRegion(client);
    const accountId = env.AWS_ACCOUNT_ID?.trim() || credentials.accountId;
    if (accountId === undefined || accountId === '') {
      throw new Error(
        '--aws: no AWS account: set AWS_ACCOUNT_ID to the account of the credentials',
      );
    }
    checkOwnership(await listStores(client, region), accountId, region);
    return { accountId, region, credentials };
  } finally {
    client.destroy();
  }
}
