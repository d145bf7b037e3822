/** Finding a store's tags in a ListTags answer, whose ResourceIds may be spelled otherwise. */
import { storeId } from './identifiers.js';
import type { Tags } from './types.js';

/**
 * The tags of `arn` in `answer`: by the exact ARN, else by the store's ID (the answer may spell
 * the ARN differently, e.g. `EventDataStore`). IDs are unique within an account and region, and
 * only stores of our own are asked about.
 */
export function tagsOf(answer: ReadonlyMap<string, Tags>, arn: string): Tags | undefined {
  const exact = answer.get(arn);
  if (exact !== undefined) return exact;
  const id = storeId(arn);
  for (const [resourceId, tags] of answer) {
    if (storeId(resourceId) === id) return tags;
  }
  return undefined;
}
