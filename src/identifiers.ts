/** Identifier rules of the CloudTrail API and ARN helpers (pure). */

const IDENTIFIER = /^[a-zA-Z0-9._/\-:]+$/;
const STORE_ARN =
  /^arn:(aws[a-z-]*):cloudtrail:([a-z0-9-]+):(\d{12}):eventdatastore\/([a-zA-Z0-9._-]+)$/;

export interface StoreArn {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly id: string;
}

/** What the API accepts as `EventDataStore`: 3–256 characters of `[a-zA-Z0-9._/\-:]`. */
export function isStoreIdentifier(value: string): boolean {
  return value.length >= 3 && value.length <= 256 && IDENTIFIER.test(value);
}

/** Splits an event data store ARN; undefined when the value is not one. */
export function parseStoreArn(value: string): StoreArn | undefined {
  const match = STORE_ARN.exec(value);
  if (!match) return undefined;
  const [, partition = '', region = '', accountId = '', id = ''] = match;
  return { partition, region, accountId, id };
}

/** The ID suffix of an ARN, or the value itself when it is already an ID. */
export function storeId(value: string): string {
  return parseStoreArn(value)?.id ?? value.slice(value.lastIndexOf('/') + 1);
}

/** Finds every event data store ARN in free text (SNS plain-text alerts). */
export function findStoreArns(text: string): string[] {
  const found =
    text.match(/arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:eventdatastore\/[a-zA-Z0-9._-]+/g) ??
    [];
  // A sentence may end right after an ARN: its full stop is not part of the ID. A match longer
  // than the API allows is no identifier at all.
  const arns = found
    .map((arn) => arn.replace(/\.+$/, ''))
    .filter((arn) => parseStoreArn(arn) !== undefined && isStoreIdentifier(arn));
  return [...new Set(arns)];
}
