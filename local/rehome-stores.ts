/**
 * Moves the stores to another account: `sam local invoke` gives the function the account of its
 * runtime interface emulator's `invokedFunctionArn`, whatever account the stores file names, and
 * the function only acts on stores of its own account.
 */
import { parseStoreArn, type StoreInput } from './stores-file.js';

/** The stores with every ARN in `accountId` (same partition, region and ID). */
export function rehomeStores(stores: readonly StoreInput[], accountId: string): StoreInput[] {
  if (!/^\d{12}$/.test(accountId)) {
    throw new Error(`an account ID has 12 digits, got "${accountId}"`);
  }
  return stores.map((store) => {
    const arn = parseStoreArn(store.EventDataStoreArn);
    if (arn === undefined) return structuredClone(store);
    return {
      ...structuredClone(store),
      EventDataStoreArn: `arn:${arn.partition}:cloudtrail:${arn.region}:${accountId}:eventdatastore/${arn.id}`,
    };
  });
}
