/** Request objects: a direct invoke, Scheduler custom input, or the same sent through SNS (pure). */
import { InvalidTriggerError } from './errors.js';
import type { Json } from './trigger-fields.js';
import { identifier, identifierList, optionalString } from './trigger-fields.js';
import type { ResumeRequest } from './types.js';

const REQUEST_KEYS = ['eventDataStore', 'eventDataStores', 'dryRun', 'reason', 'executionId'];
const BASELINE_KEYS = ['acceptBaseline', 'reason'];
const MAX_NOTE = 500;

/** Every key is a request object's. */
export function isRequestObject(value: Json): boolean {
  return Object.keys(value).every((key) => REQUEST_KEYS.includes(key));
}

/** Asks to accept the named stores' current configuration as their baseline. */
export function isBaselineRequest(value: Json): boolean {
  return Object.hasOwn(value, 'acceptBaseline');
}

/**
 * `{"acceptBaseline": [...], "reason"?}` by direct invoke: only who may invoke the function
 * directly may say that a store's configuration is as it should be.
 */
export function parseBaselineRequest(event: Json, path: string): ResumeRequest {
  rejectUnknownKeys(event, path, BASELINE_KEYS, 'a baseline request');
  const scope = identifierList(event.acceptBaseline, `${path}.acceptBaseline`);
  return {
    kind: 'manual',
    source: 'direct',
    scope,
    acceptBaseline: true,
    evidence: 'trusted',
    ...readNote(event, path),
  };
}

/** The answer to a baseline request that came through SNS, which anyone may publish to. */
export function baselineThroughSns(path: string): InvalidTriggerError {
  return new InvalidTriggerError(
    `${path}.acceptBaseline`,
    'a baseline is accepted only by a direct invoke or an authorized UpdateEventDataStore delivered by EventBridge, never through SNS',
  );
}

/** Direct invoke, Scheduler custom input (with `executionId`), or a request object sent through SNS. */
export function parseRequestObject(
  event: Json,
  path: string,
  kind: 'manual' | 'incident',
): ResumeRequest {
  rejectUnknownKeys(event, path, REQUEST_KEYS, 'a request object');
  const scope = readScope(event, path);
  if (event.dryRun !== undefined && typeof event.dryRun !== 'boolean') {
    throw new InvalidTriggerError(`${path}.dryRun`, 'must be true or false');
  }
  const executionId = readExecutionId(event.executionId, `${path}.executionId`);
  const scheduled = kind === 'manual' && executionId !== undefined;
  const source = kind === 'incident' ? 'aws.sns' : scheduled ? 'aws.scheduler' : 'direct';
  return {
    kind: scheduled ? 'schedule' : kind,
    scope,
    source,
    evidence: source === 'direct' ? 'trusted' : 'alert',
    ...(executionId !== undefined && { deliveryId: executionId }),
    ...(event.dryRun === true && { dryRun: true }),
    ...readNote(event, path),
  };
}

function rejectUnknownKeys(event: Json, path: string, allowed: readonly string[], what: string) {
  const unknownKey = Object.keys(event).find((key) => !allowed.includes(key));
  if (unknownKey !== undefined) {
    throw new InvalidTriggerError(
      `${path}.${unknownKey}`,
      `unknown field; ${what} may hold only ${allowed.join(', ')}`,
    );
  }
}

function readScope(event: Json, path: string): ResumeRequest['scope'] {
  if (event.eventDataStore !== undefined && event.eventDataStores !== undefined) {
    throw new InvalidTriggerError(
      `${path}.eventDataStores`,
      'give eventDataStore or eventDataStores, not both',
    );
  }
  if (event.eventDataStore !== undefined) {
    return [identifier(event.eventDataStore, `${path}.eventDataStore`)];
  }
  if (event.eventDataStores !== undefined) {
    return identifierList(event.eventDataStores, `${path}.eventDataStores`);
  }
  return 'managed';
}

function readExecutionId(value: unknown, field: string): string | undefined {
  const executionId = optionalString(value, field)?.trim();
  if (executionId !== undefined && (executionId === '' || executionId.length > 256)) {
    throw new InvalidTriggerError(field, 'must be 1 to 256 characters');
  }
  return executionId;
}

function readNote(event: Json, path: string): { note?: string } {
  const note = optionalString(event.reason, `${path}.reason`);
  return note === undefined ? {} : { note: note.slice(0, MAX_NOTE) };
}
