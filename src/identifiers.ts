/** Identifier rules of the CloudTrail API and ARN helpers (pure). */

const IDENTIFIER = /^[a-zA-Z0-9._/\-:]+$/;
/** An event data store's ID suffix (a UUID in practice): no `/` or `:`, which would make it a path. */
const STORE_ID = /^[a-zA-Z0-9._-]+$/;
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

/**
 * A well-formed reference to an event data store: an identifier the API accepts that is either
 * an event data store ARN or a bare ID suffix. Anything else (`…/x/../id`, an ARN of another
 * resource type) is rejected where it enters, and never looked up.
 */
export function isStoreReference(value: string): boolean {
  if (!isStoreIdentifier(value)) return false;
  return value.startsWith('arn:') ? parseStoreArn(value) !== undefined : STORE_ID.test(value);
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

/** Finds every event data store ARN in free text (SNS plain-text alerts). Linear in the text. */
export function findStoreArns(text: string): string[] {
  const found =
    text.match(/arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:eventdatastore\/[a-zA-Z0-9._-]+/g) ??
    [];
  // A sentence may end right after an ARN: its full stop is not part of the ID. A match longer
  // than the API allows is no identifier at all.
  const arns = found.map(trimTrailingDots).filter((arn) => isStoreReference(arn));
  return [...new Set(arns)];
}

/**
 * `value` without the dots at its end, in one pass from the end. (`replace(/\.+$/, '')` is
 * quadratic when a run of dots is followed by other characters: one SNS message could block
 * the event loop for a minute.)
 */
function trimTrailingDots(value: string): string {
  let end = value.length;
  while (end > 0 && value.charCodeAt(end - 1) === DOT) end -= 1;
  return value.slice(0, end);
}

const DOT = 46;
