/**
 * The CloudTrail Lake emulator and, when the function has tables, the embedded DynamoDB: started
 * together, closed together, and never one left open when the other fails to start.
 */
import { type LocalDynamo, startLocalDynamo, type TableSpec } from './dynamodb.js';
import { type Emulator, startEmulator } from './emulator.js';
import type { FaultRule } from './faults.js';
import type { StoreInput } from './stores-file.js';

/** The local stack's emulator port; DynamoDB listens on the next one. env.json points at both. */
export const DEFAULT_PORT = 8611;

export interface LocalServersOptions {
  readonly stores: readonly StoreInput[];
  readonly faults?: readonly FaultRule[];
  /** The emulator lists PENDING_DELETION stores (AWS does not document it). @default true */
  readonly listPendingDeletion?: boolean;
  /** DynamoDB tables to create; none: no DynamoDB. */
  readonly tables: readonly TableSpec[];
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** The emulator's port; DynamoDB listens on the next one. @default 0 (any free ports) */
  readonly port?: number;
}

export interface LocalServers {
  readonly emulator: Emulator;
  readonly dynamo: LocalDynamo | undefined;
  close(): Promise<void>;
}

/** The value of `--list-pending-deletion` (`true` or `false`), as the emulator's option. */
export function parseListPendingDeletion(value: string): boolean {
  if (value === 'true' || value === 'false') return value === 'true';
  throw new Error(`--list-pending-deletion must be true or false, got "${value}"`);
}

export async function startLocalServers(options: LocalServersOptions): Promise<LocalServers> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const emulator = await startEmulator({
    stores: options.stores,
    faults: options.faults ?? [],
    ...(options.listPendingDeletion !== undefined && {
      listPendingDeletion: options.listPendingDeletion,
    }),
    host,
    port,
  });
  let dynamo: LocalDynamo | undefined;
  try {
    if (options.tables.length > 0) {
      dynamo = await startLocalDynamo(options.tables, { host, port: port === 0 ? 0 : port + 1 });
    }
  } catch (error) {
    await emulator.close();
    throw error;
  }
  return {
    emulator,
    dynamo,
    async close() {
      await Promise.allSettled([emulator.close(), dynamo?.close()]);
    },
  };
}
