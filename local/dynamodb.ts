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

/** A table to create: its name and its partition key (a string attribute). */
export interface TableSpec {
  readonly name: string;
  readonly key: string;
}

/** The partition key of the template's idempotency table. */
export const IDEMPOTENCY_KEY = 'id';
/** The partition key of the template's state table. */
export const STATE_KEY = 'storeArn';

export interface LocalDynamoOptions {
  /** The address to listen on. @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (any free port) */
  readonly port?: number;
}

/**
 * A table as the template declares it: one string partition key, on demand. The idempotency
 * table's TTL on `expiration` is left out: dynalite does not expire items, and Powertools checks
 * `expiration` itself, so an expired record is still treated as absent.
 */
const createTable = (table: TableSpec) =>
  new CreateTableCommand({
    TableName: table.name,
    KeySchema: [{ AttributeName: table.key, KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: table.key, AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });

/** Creates each table; an error names the table DynamoDB refused. */
async function createEach(client: DynamoDBClient, tables: readonly TableSpec[]): Promise<void> {
  for (const table of tables) {
    await client.send(createTable(table)).catch((error: unknown) => {
      throw new Error(`DynamoDB table "${table.name}": ${(error as Error).message}`, {
        cause: error,
      });
    });
  }
}

/**
 * Starts dynalite on 127.0.0.1 (or `host`) and creates `tables` (a bare name is an idempotency
 * table, keyed on `id`); if a table cannot be created, the server is closed before the error is
 * thrown.
 */
export async function startLocalDynamo(
  tables: string | readonly TableSpec[],
  options: LocalDynamoOptions = {},
): Promise<LocalDynamo> {
  const specs = typeof tables === 'string' ? [{ name: tables, key: IDEMPOTENCY_KEY }] : [...tables];
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
    await createEach(client, specs);
  } catch (error) {
    client.destroy();
    await close();
    throw error;
  }
  return {
    endpoint,
    tables: specs.map((table) => table.name),
    async reset() {
      for (const table of specs) {
        await client.send(new DeleteTableCommand({ TableName: table.name }));
      }
      await createEach(client, specs);
    },
    async close() {
      client.destroy();
      await close();
    },
  };
}
