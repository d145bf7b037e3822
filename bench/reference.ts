/**
 * The benchmark's reference calls: the AWS API calls the function makes on an invocation, sent
 * with bare SDK clients and nothing else. Built with the function's build options (entry
 * swapped), run in a process of its own: warm, what the function costs on top of
 * `invocationCalls` is its own code; cold (a fresh process that imports this file, constructing
 * both clients, then calls `invocationCalls` once), it is what any function making these calls
 * pays for a cold start.
 */
import {
  CloudTrailClient,
  GetEventDataStoreCommand,
  ListTagsCommand,
  StartEventDataStoreIngestionCommand,
} from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';

const cloudtrail = new CloudTrailClient({ region: process.env.AWS_REGION ?? 'us-east-1' });
const dynamodb = new DynamoDBClient({ region: process.env.AWS_REGION ?? 'us-east-1' });

/**
 * What Powertools' idempotency (DynamoDBPersistenceLayer) sends for a new key, request for
 * request: the in-progress put with its three-way condition and ReturnValuesOnConditionCheckFailure,
 * then the completing update that stores the handler's result as a map.
 */
async function putInProgress(tableName: string, id: string): Promise<number> {
  const now = Date.now();
  const expiration = Math.floor(now / 1000) + 3600;
  await dynamodb.send(
    new PutItemCommand({
      TableName: tableName,
      Item: {
        id: { S: id },
        ...marshall({ expiration, status: 'INPROGRESS' }),
        in_progress_expiration: { N: String(now + 60_000) },
      },
      ExpressionAttributeNames: {
        '#id': 'id',
        '#expiry': 'expiration',
        '#in_progress_expiry': 'in_progress_expiration',
        '#status': 'status',
      },
      ExpressionAttributeValues: marshall({
        ':now': now / 1000,
        ':now_in_millis': now,
        ':inprogress': 'INPROGRESS',
      }),
      ConditionExpression:
        'attribute_not_exists(#id) OR #expiry < :now OR ' +
        '(#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }),
  );
  return expiration;
}

async function updateCompleted(
  tableName: string,
  id: string,
  expiration: number,
  result: object,
): Promise<void> {
  await dynamodb.send(
    new UpdateItemCommand({
      TableName: tableName,
      Key: { id: { S: id } },
      UpdateExpression: 'SET #expiry = :expiry, #status = :status, #response_data = :response_data',
      ExpressionAttributeNames: {
        '#expiry': 'expiration',
        '#status': 'status',
        '#response_data': 'data',
      },
      ExpressionAttributeValues: marshall({
        ':expiry': expiration,
        ':status': 'COMPLETED',
        ':response_data': result,
      }),
    }),
  );
}

/** The CloudTrail calls for one named managed store (OPT_IN_TAG set): tags, describe, start, verify. */
async function cloudTrailCalls(eventDataStore: string): Promise<void> {
  await cloudtrail.send(new ListTagsCommand({ ResourceIdList: [eventDataStore] }));
  await cloudtrail.send(new GetEventDataStoreCommand({ EventDataStore: eventDataStore }));
  await cloudtrail.send(
    new StartEventDataStoreIngestionCommand({ EventDataStore: eventDataStore }),
  );
  await cloudtrail.send(new GetEventDataStoreCommand({ EventDataStore: eventDataStore }));
}

/**
 * Every call of one warm invocation, in the function's order: the idempotency put, the
 * CloudTrail calls, the idempotency update. `result` is a real invocation's result, so the update
 * carries as many bytes as the function's does.
 */
export async function invocationCalls(
  tableName: string,
  id: string,
  result: object,
  eventDataStore: string,
): Promise<void> {
  const expiration = await putInProgress(tableName, id);
  await cloudTrailCalls(eventDataStore);
  await updateCompleted(tableName, id, expiration, result);
}

/** Only the idempotency's two DynamoDB calls (the literal warm target counts these). */
export async function idempotencyCalls(
  tableName: string,
  id: string,
  result: object,
): Promise<void> {
  const expiration = await putInProgress(tableName, id);
  await updateCompleted(tableName, id, expiration, result);
}
