/** An embedded DynamoDB (dynalite, in-process) with the function's tables. */
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { listen } from './listen.js';

export interface LocalDynamo {
  readonly endpoint: string;
  readonly tables: readonly string[];
  /** Empties every table (deletes and creates it again). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface LocalDynamoOptions {
  /** The address to listen on. @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (any free port) */
  readonly port?: number;
}

/**
 * The template's idempotency table: key `id` (S), TTL on `expiration` (dynalite does not expire
 * items; Powertools checks `expiration` itself, so an expired record is still treated as absent).
 */
const createTable = (tableName: string) =>
  new CreateTableCommand({
    TableName: tableName,
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });

/** Creates each table; an error names the table DynamoDB refused. */
async function createEach(client: DynamoDBClient, tables: readonly string[]): Promise<void> {
  for (const table of tables) {
    await client.send(createTable(table)).catch((error: unknown) => {
      throw new Error(`DynamoDB table "${table}": ${(error as Error).message}`, { cause: error });
    });
  }
}

/**
 * Starts dynalite on 127.0.0.1 (or `host`) and creates `tables` (each keyed on `id`); if a table
 * cannot be created, the server is closed before the error is thrown.
 */
export async function startLocalDynamo(
  tables: string | readonly string[],
  options: LocalDynamoOptions = {},
): Promise<LocalDynamo> {
  const names = typeof tables === 'string' ? [tables] : [...tables];
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections?.();
      server.close((error) => (error ? reject(error) : resolve()));
    });
  const endpoint = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const client = new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await createEach(client, names);
  } catch (error) {
    client.destroy();
    await close();
    throw error;
  }
  return {
    endpoint,
    tables: names,
    async reset() {
      for (const table of names) await client.send(new DeleteTableCommand({ TableName: table }));
      await createEach(client, names);
    },
    async close() {
      client.destroy();
      await close();
    },
  };
}
