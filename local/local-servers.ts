/**
 * The CloudTrail Lake emulator, when the function has tables the embedded DynamoDB, and when asked
 * moto's server with the notification sinks: started together, closed together, and never one
 * left open when another fails to start.
 */
import { type LocalDynamo, startLocalDynamo, type TableSpec } from './dynamodb.js';
import { type Emulator, startEmulator } from './emulator.js';
import type { FaultRule } from './faults.js';
import { type Moto, startMoto } from './moto-server.js';
import { createSinks, type Sinks } from './notification-sinks.js';
import type { StoreInput } from './stores-file.js';

/**
 * The local stack's emulator port; DynamoDB listens on the next one, moto on the one after
 * (8613). env.json points at them.
 */
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
  /** The emulator's port; DynamoDB listens on the next one, moto on P+2. @default 0 (any free ports) */
  readonly port?: number;
  /** Start moto's server with the sinks (SNS topic, EventBridge bus, Security Hub) in this account. */
  readonly moto?: { readonly accountId: string; readonly region: string };
}

/** moto's server and the sinks created in it. */
export interface LocalSinks extends Sinks {
  readonly endpoint: string;
}

export interface LocalServers {
  readonly emulator: Emulator;
  readonly dynamo: LocalDynamo | undefined;
  readonly sinks: LocalSinks | undefined;
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
  let moto: Moto | undefined;
  const close = async () => {
    await Promise.allSettled([emulator.close(), dynamo?.close(), moto?.stop()]);
  };
  try {
    const next = (n: number) => (port === 0 ? 0 : port + n);
    if (options.tables.length > 0) {
      dynamo = await startLocalDynamo(options.tables, { host, port: next(1) });
    }
    let sinks: LocalSinks | undefined;
    if (options.moto !== undefined) {
      moto = await startMoto({ host, port: next(2), accountId: options.moto.accountId });
      sinks = {
        endpoint: moto.endpoint,
        ...(await createSinks(moto.endpoint, options.moto.region)),
      };
    }
    return { emulator, dynamo, sinks, close };
  } catch (error) {
    await close();
    throw error;
  }
}
