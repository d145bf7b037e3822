/** Reading the fields of an event: lenient about sloppy senders, strict on identifiers (pure). */
import { InvalidTriggerError } from './errors.js';
import { isStoreReference } from './identifiers.js';

export type Json = Record<string, unknown>;

export const MAX_NAMED_STORES = 100;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field; `undefined` when missing or null; anything else is rejected. */
export function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidTriggerError(field, 'must be a string');
  return value;
}

/** An event data store ARN or ID, trimmed; anything else is rejected naming the field. */
export function identifier(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new InvalidTriggerError(field, 'must be a string');
  const trimmed = value.trim();
  if (!isStoreReference(trimmed)) {
    throw new InvalidTriggerError(
      field,
      `"${trimmed.slice(0, 300)}" is not an event data store ARN or ID (3-256 characters of [a-zA-Z0-9._/-:]: arn:<partition>:cloudtrail:<region>:<account>:eventdatastore/<id>, or the ID alone)`,
    );
  }
  return trimmed;
}

/** A list of 1 to 100 identifiers, each validated, each kept once (in first-seen order). */
export function identifierList(list: unknown, field: string): string[] {
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_NAMED_STORES) {
    throw new InvalidTriggerError(field, `must be a list of 1 to ${MAX_NAMED_STORES} identifiers`);
  }
  return [...new Set(list.map((item, i) => identifier(item, `${field}[${i}]`)))];
}
