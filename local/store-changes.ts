/**
 * What UpdateEventDataStore, AddTags and RemoveTags do to one store's state, with the API's own
 * rules for their members (thrown as ApiError). Finding the store and its status are the store
 * book's part.
 */
import { ApiError } from './api-error.js';
import { BILLING_MODES, type StoreInput, type Tag } from './stores-file.js';

/** The optional UpdateEventDataStore members; at least one must be sent. */
export const UPDATE_MEMBERS = [
  'Name',
  'AdvancedEventSelectors',
  'MultiRegionEnabled',
  'OrganizationEnabled',
  'RetentionPeriod',
  'TerminationProtectionEnabled',
  'KmsKeyId',
  'BillingMode',
] as const;
type UpdateMember = (typeof UPDATE_MEMBERS)[number];

/** Most tags a store may carry. */
export const MAX_TAGS = 50;

const BOOLEAN_MEMBERS = [
  'MultiRegionEnabled',
  'OrganizationEnabled',
  'TerminationProtectionEnabled',
];
const NAME_PATTERN = /^[a-zA-Z0-9._-]{3,128}$/;
const KMS_KEY_PATTERN = /^[a-zA-Z0-9._/\-:]{1,350}$/;

const invalid = (message: string): ApiError => new ApiError('InvalidParameterException', message);

function checkSelectors(value: unknown): void {
  const valid =
    Array.isArray(value) &&
    value.length <= 5 &&
    value.every(
      (selector: unknown) =>
        typeof selector === 'object' &&
        selector !== null &&
        Array.isArray((selector as { FieldSelectors?: unknown }).FieldSelectors) &&
        (selector as { FieldSelectors: unknown[] }).FieldSelectors.length > 0,
    );
  if (!valid) {
    throw new ApiError(
      'InvalidEventSelectorsException',
      'AdvancedEventSelectors must hold up to 5 selectors, each with FieldSelectors.',
    );
  }
}

/** Throws unless the member's value has the type and range the model gives it. */
function checkMember(member: UpdateMember, value: unknown): void {
  if (member === 'AdvancedEventSelectors') checkSelectors(value);
  if (BOOLEAN_MEMBERS.includes(member) && typeof value !== 'boolean') {
    throw invalid(`${member} must be a boolean.`);
  }
  if (member === 'Name' && !(typeof value === 'string' && NAME_PATTERN.test(value))) {
    throw invalid('Name must be 3 to 128 letters, digits, periods, underscores or hyphens.');
  }
  if (member === 'KmsKeyId' && !(typeof value === 'string' && KMS_KEY_PATTERN.test(value))) {
    throw new ApiError('InvalidKmsKeyIdException', 'The KMS key ID is not valid.');
  }
  if (member === 'BillingMode' && !BILLING_MODES.includes(value as never)) {
    throw invalid(`BillingMode must be one of ${BILLING_MODES.join(', ')}.`);
  }
}

/** The retention limit of the billing mode: 3653 days, or 2557 with fixed retention pricing. */
function checkRetention(retention: unknown, billingMode: string | undefined): void {
  const max = billingMode === 'FIXED_RETENTION_PRICING' ? 2557 : 3653;
  if (!Number.isInteger(retention) || (retention as number) < 7 || (retention as number) > max) {
    throw invalid(`RetentionPeriod must be an integer from 7 to ${max}.`);
  }
}

/** The changes that the state forbids: a KMS key replaced or removed, billing made fixed. */
function checkAgainstState(changes: Partial<StoreInput>, state: StoreInput): void {
  if (state.KmsKeyId !== undefined && changes.KmsKeyId !== undefined) {
    if (changes.KmsKeyId !== state.KmsKeyId) {
      throw invalid('The KMS key of an event data store cannot be changed or removed.');
    }
  }
  if (
    state.BillingMode === 'EXTENDABLE_RETENTION_PRICING' &&
    changes.BillingMode === 'FIXED_RETENTION_PRICING'
  ) {
    throw invalid('BillingMode cannot change from EXTENDABLE_RETENTION_PRICING to FIXED.');
  }
  const retention = changes.RetentionPeriod ?? state.RetentionPeriod;
  if (changes.RetentionPeriod !== undefined || changes.BillingMode !== undefined) {
    if (retention !== undefined)
      checkRetention(retention, changes.BillingMode ?? state.BillingMode);
  }
}

/** The members an UpdateEventDataStore request sets, validated against the model and the state. */
export function updateOf(
  input: Readonly<Record<string, unknown>>,
  state: StoreInput,
): Partial<StoreInput> {
  const changes: Record<string, unknown> = {};
  for (const member of UPDATE_MEMBERS) {
    if (input[member] === undefined) continue;
    if (member !== 'RetentionPeriod') checkMember(member, input[member]);
    changes[member] = structuredClone(input[member]);
  }
  if (Object.keys(changes).length === 0) {
    throw invalid(`At least one of ${UPDATE_MEMBERS.join(', ')} must be specified.`);
  }
  checkAgainstState(changes as Partial<StoreInput>, state);
  return changes as Partial<StoreInput>;
}

/** The TagsList of AddTags or RemoveTags: 1 to 200 tags, keys 1–128 and values 1–256 long. */
export function tagsListOf(list: unknown): Tag[] {
  const valid =
    Array.isArray(list) &&
    list.length > 0 &&
    list.length <= 200 &&
    list.every((tag: unknown) => {
      const { Key, Value } = (tag ?? {}) as { Key?: unknown; Value?: unknown };
      return (
        typeof Key === 'string' &&
        Key.length >= 1 &&
        Key.length <= 128 &&
        (Value === undefined || (typeof Value === 'string' && Value.length <= 256))
      );
    });
  if (!valid) {
    throw new ApiError(
      'InvalidTagParameterException',
      'TagsList must hold 1 to 200 tags, each with a Key of 1 to 128 and a Value of up to 256 characters.',
    );
  }
  return (list as Tag[]).map(({ Key, Value }) => (Value === undefined ? { Key } : { Key, Value }));
}

/** The tags after AddTags: a key already present keeps its place with the new value; at most MAX_TAGS. */
export function withTags(tags: readonly Tag[], added: readonly Tag[]): Tag[] {
  const byKey = new Map(tags.map((tag) => [tag.Key, tag]));
  for (const tag of added) byKey.set(tag.Key, tag);
  if (byKey.size > MAX_TAGS) {
    throw new ApiError(
      'TagsLimitExceededException',
      `An event data store can have at most ${MAX_TAGS} tags.`,
    );
  }
  return [...byKey.values()];
}

/** The tags after RemoveTags: those of the listed keys are gone. */
export function withoutTags(tags: readonly Tag[], removed: readonly Tag[]): Tag[] {
  return tags.filter((tag) => !removed.some(({ Key }) => Key === tag.Key));
}
