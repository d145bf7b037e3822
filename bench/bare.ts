/**
 * The bare baseline of the benchmark: the floor a Lambda that restarts ingestion
 * cannot go below. It only constructs a `CloudTrailClient` (at module scope, like the function)
 * and exports a handler that sends `StartEventDataStoreIngestion` for the store it is given.
 * Built with the function's own build options, entry swapped.
 */
import { CloudTrailClient, StartEventDataStoreIngestionCommand } from '@aws-sdk/client-cloudtrail';

const client = new CloudTrailClient({ region: process.env.AWS_REGION ?? 'us-east-1' });

export const handler = async (event: { eventDataStore: string }): Promise<{ ok: true }> => {
  await client.send(
    new StartEventDataStoreIngestionCommand({ EventDataStore: event.eventDataStore }),
  );
  return { ok: true };
};
