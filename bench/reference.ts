/**
 * The benchmark's reference calls: the AWS API calls the function makes on a warm invocation,
 * sent with bare SDK clients and nothing else. Built with the function's build options (entry
 * swapped), run in a process of its own. What the function costs on top of these is its own code.
 */
import {
  CloudTrailClient,
  GetEventDataStoreCommand,
  ListEventDataStoresCommand,
  ListTagsCommand,
  StartEventDataStoreIngestionCommand,
} from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';

const cloudtrail = new CloudTrailClient({ region: process.env.AWS_REGION ?? 'us-east-1' });
const dynamodb = new DynamoDBClient({ region: process.env.AWS_REGION ?? 'us-east-1' });

/** What Powertools' idempotency sends for a new key: the in-progress put, the completing update. */
export async function idempotencyCalls(tableName: string, id: string): Promise<void> {
  const expiration = Math.floor(Date.now() / 1000) + 3600;
  await dynamodb.send(
    new PutItemCommand({
      TableName: tableName,
      Item: {
        id: { S: id },
        expiration: { N: String(expiration) },
        status: { S: 'INPROGRESS' },
        in_progress_expiration: { N: String(Date.now() + 60_000) },
      },
      ConditionExpression: 'attribute_not_exists(#id) OR #expiry < :now',
      ExpressionAttributeNames: { '#id': 'id', '#expiry': 'expiration' },
      ExpressionAttributeValues: { ':now': { N: String(Math.floor(Date.now() / 1000)) } },
    }),
  );
  await dynamodb.send(
    new UpdateItemCommand({
      TableName: tableName,
      Key: { id: { S: id } },
      UpdateExpression: 'SET #response_data = :response_data, #expiry = :expiry, #status = :status',
      ExpressionAttributeNames: {
        '#response_data': 'data',
        '#expiry': 'expiration',
        '#status': 'status',
      },
      ExpressionAttributeValues: {
        ':response_data': { S: '{"summary":{"resumed":1}}' },
        ':expiry': { N: String(expiration) },
        ':status': { S: 'COMPLETED' },
      },
    }),
  );
}

/**
 * The CloudTrail calls of one warm invocation for one managed store (OPT_IN_TAG set): list,
 * tags (20 ARNs a call), describe, start, one verify read.
 */
export async function cloudTrailCalls(eventDataStore: string): Promise<void> {
  const { EventDataStores = [] } = await cloudtrail.send(
    new ListEventDataStoresCommand({ MaxResults: 1000 }),
  );
  const arns = EventDataStores.flatMap((store) => store.EventDataStoreArn ?? []);
  for (let i = 0; i < arns.length; i += 20) {
    await cloudtrail.send(new ListTagsCommand({ ResourceIdList: arns.slice(i, i + 20) }));
  }
  await cloudtrail.send(new GetEventDataStoreCommand({ EventDataStore: eventDataStore }));
  await cloudtrail.send(
    new StartEventDataStoreIngestionCommand({ EventDataStore: eventDataStore }),
  );
  await cloudtrail.send(new GetEventDataStoreCommand({ EventDataStore: eventDataStore }));
}
