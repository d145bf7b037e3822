import { InvalidTriggerError } from './errors.js';
import { findStoreArns, isStoreReference } from './identifiers.js';
import type { Actor, ResumeRequest } from './types.js';

/**
 * Turns any supported event into one `ResumeRequest`. No I/O.
 * Lenient where real senders are sloppy, strict on identifiers and request objects.
 */
export function parseTrigger(event: unknown): ResumeRequest {
  if (!isObject(event)) throw new InvalidTriggerError('event', 'must be a JSON object');
  if ('Records' in event) return parseSnsDelivery(event.Records);
  if (isEventBridgeEvent(event)) return parseEventBridge(event, 'event');
  if (event.source === 'aws.cloudwatch' && 'alarmData' in event) return parseAlarmAction(event);
  return parseRequestObject(event, 'event', 'manual');
}

type Json = Record<string, unknown>;

const REQUEST_KEYS = ['eventDataStore', 'eventDataStores', 'dryRun', 'reason', 'executionId'];
const MAX_NAMED_STORES = 100;
const STOP_EVENT = 'StopEventDataStoreIngestion';
const API_CALL = 'AWS API Call via CloudTrail';

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEventBridgeEvent(value: Json): boolean {
  return typeof value['detail-type'] === 'string' && typeof value.source === 'string';
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidTriggerError(field, 'must be a string');
  return value;
}

function identifier(value: unknown, field: string): string {
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

/** Direct invoke, Scheduler custom input, or a request object sent through SNS. */
function parseRequestObject(event: Json, path: string, kind: 'manual' | 'incident'): ResumeRequest {
  const unknownKey = Object.keys(event).find((key) => !REQUEST_KEYS.includes(key));
  if (unknownKey !== undefined) {
    throw new InvalidTriggerError(
      `${path}.${unknownKey}`,
      `unknown field; a request object may hold only ${REQUEST_KEYS.join(', ')}`,
    );
  }
  if (event.eventDataStore !== undefined && event.eventDataStores !== undefined) {
    throw new InvalidTriggerError(
      `${path}.eventDataStores`,
      'give eventDataStore or eventDataStores, not both',
    );
  }
  let scope: ResumeRequest['scope'] = 'managed';
  if (event.eventDataStore !== undefined) {
    scope = [identifier(event.eventDataStore, `${path}.eventDataStore`)];
  } else if (event.eventDataStores !== undefined) {
    const list = event.eventDataStores;
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_NAMED_STORES) {
      throw new InvalidTriggerError(
        `${path}.eventDataStores`,
        `must be a list of 1 to ${MAX_NAMED_STORES} identifiers`,
      );
    }
    scope = [...new Set(list.map((item, i) => identifier(item, `${path}.eventDataStores[${i}]`)))];
  }
  if (event.dryRun !== undefined && typeof event.dryRun !== 'boolean') {
    throw new InvalidTriggerError(`${path}.dryRun`, 'must be true or false');
  }
  const executionId = optionalString(event.executionId, `${path}.executionId`)?.trim();
  if (executionId !== undefined && (executionId === '' || executionId.length > 256)) {
    throw new InvalidTriggerError(`${path}.executionId`, 'must be 1 to 256 characters');
  }
  const note = optionalString(event.reason, `${path}.reason`);
  return {
    kind: kind === 'manual' && executionId !== undefined ? 'schedule' : kind,
    scope,
    source:
      kind === 'manual' ? (executionId !== undefined ? 'aws.scheduler' : 'direct') : 'aws.sns',
    ...(executionId !== undefined && { deliveryId: executionId }),
    ...(event.dryRun === true && { dryRun: true }),
    ...(note !== undefined && { note: note.slice(0, 500) }),
  };
}

function parseEventBridge(event: Json, path: string): ResumeRequest {
  const source = event.source as string;
  const detailType = event['detail-type'] as string;
  const id = optionalString(event.id, `${path}.id`);
  const withId = id === undefined ? {} : { deliveryId: id };
  if (detailType === 'Scheduled Event' && (source === 'aws.events' || source === 'aws.scheduler')) {
    return { kind: 'schedule', scope: 'managed', source, ...withId };
  }
  const detail = event.detail;
  if (detailType !== API_CALL || !isObject(detail)) {
    return { kind: 'incident', scope: 'managed', source, ...withId };
  }
  // A CloudTrail record: its eventID is the same whichever path (rule or SNS) brought it.
  const eventId = optionalString(detail.eventID, `${path}.detail.eventID`);
  const actor = readActor(detail.userIdentity);
  const base = {
    kind: 'incident' as const,
    source,
    ...(eventId === undefined ? withId : { deliveryId: eventId }),
    ...(actor !== undefined && { actor }),
  };
  if (detail.eventName !== STOP_EVENT) return { ...base, scope: 'managed' };

  const params = detail.requestParameters;
  const named = isObject(params) ? params.eventDataStore : undefined;
  const failed = detail.errorCode !== undefined && detail.errorCode !== null;
  // A failed stop changed nothing, even when the record does not say which store it named.
  if (named === undefined || named === null) return { ...base, scope: failed ? [] : 'managed' };
  const store = identifier(named, `${path}.detail.requestParameters.eventDataStore`);
  // The stop failed: the store is still ingesting; it is reported, never acted on.
  if (failed) return { ...base, scope: [], failedStops: [store] };
  return { ...base, scope: [store] };
}

function readActor(identity: unknown): Actor | undefined {
  if (!isObject(identity) || typeof identity.arn !== 'string') return undefined;
  const context = identity.sessionContext;
  const issuer = isObject(context) ? context.sessionIssuer : undefined;
  const roleArn = isObject(issuer) && typeof issuer.arn === 'string' ? issuer.arn : undefined;
  return roleArn === undefined ? { arn: identity.arn } : { arn: identity.arn, roleArn };
}

/** A CloudWatch alarm's Lambda action: ALARM means act on every managed store. */
function parseAlarmAction(event: Json): ResumeRequest {
  const data = event.alarmData;
  const state = isObject(data) && isObject(data.state) ? data.state : undefined;
  const value = optionalString(state?.value, 'event.alarmData.state.value');
  if (value === undefined) {
    throw new InvalidTriggerError('event.alarmData.state.value', 'is missing');
  }
  const alarmArn = optionalString(event.alarmArn, 'event.alarmArn');
  const at = optionalString(state?.timestamp, 'event.alarmData.state.timestamp');
  return {
    kind: 'incident',
    source: 'aws.cloudwatch',
    scope: value === 'ALARM' ? 'managed' : [],
    ...(alarmArn !== undefined && { deliveryId: `${alarmArn}#${at ?? value}` }),
  };
}

function parseSnsDelivery(records: unknown): ResumeRequest {
  if (!Array.isArray(records) || records.length === 0) {
    throw new InvalidTriggerError('event.Records', 'must be a non-empty list of SNS records');
  }
  const [first, ...rest] = records.map((record, i) =>
    parseSnsRecord(record, `event.Records[${i}]`),
  ) as [ResumeRequest, ...ResumeRequest[]]; // non-empty: checked above
  return rest.length === 0 ? first : mergeRequests(first, rest);
}

function parseSnsRecord(record: unknown, path: string): ResumeRequest {
  if (!isObject(record) || !isObject(record.Sns)) {
    throw new InvalidTriggerError(`${path}.Sns`, 'is missing: only SNS records are supported');
  }
  const sns = record.Sns;
  const message = optionalString(sns.Message, `${path}.Sns.Message`) ?? '';
  const messageId = optionalString(sns.MessageId, `${path}.Sns.MessageId`);
  const request = parseSnsMessage(message, `${path}.Sns.Message`);
  const deliveryId = request.deliveryId ?? messageId;
  return { ...request, kind: 'incident', ...(deliveryId !== undefined && { deliveryId }) };
}

function parseSnsMessage(message: string, path: string): ResumeRequest {
  const parsed = tryParseJson(message);
  if (isObject(parsed)) {
    if (isEventBridgeEvent(parsed)) {
      // A CloudTrail record keeps its eventID (the same stop by two paths is one incident);
      // any other event wrapped in SNS is identified by the SNS MessageId.
      const { deliveryId, ...request } = parseEventBridge(parsed, path);
      return parsed['detail-type'] === API_CALL && deliveryId !== undefined
        ? { ...request, deliveryId }
        : request;
    }
    if (typeof parsed.AlarmName === 'string' && typeof parsed.NewStateValue === 'string') {
      return {
        kind: 'incident',
        source: 'aws.cloudwatch',
        scope: parsed.NewStateValue === 'ALARM' ? 'managed' : [],
      };
    }
    if (Object.keys(parsed).every((key) => REQUEST_KEYS.includes(key))) {
      return parseRequestObject(parsed, path, 'incident');
    }
  }
  const arns = findStoreArns(message);
  return { kind: 'incident', source: 'aws.sns', scope: arns.length > 0 ? arns : 'managed' };
}

function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Several SNS records in one delivery: each counts. */
function mergeRequests(first: ResumeRequest, rest: readonly ResumeRequest[]): ResumeRequest {
  const requests = [first, ...rest];
  const scope = requests.some((r) => r.scope === 'managed')
    ? 'managed'
    : [...new Set(requests.flatMap((r) => r.scope))];
  const ids = requests.map((r) => r.deliveryId);
  const actors = new Set(requests.map((r) => JSON.stringify(r.actor ?? null)));
  const failedStops = [...new Set(requests.flatMap((r) => r.failedStops ?? []))];
  return {
    kind: 'incident',
    source: 'aws.sns',
    scope,
    // Only a delivery whose every record is identifiable can be recognised when it comes again.
    ...(ids.every((id) => id !== undefined) && { deliveryId: [...new Set(ids)].sort().join(',') }),
    // One actor for the whole delivery, or none (then no stop counts as authorized).
    ...(actors.size === 1 && first.actor !== undefined && { actor: first.actor }),
    ...(requests.every((r) => r.dryRun === true) && { dryRun: true }),
    ...(failedStops.length > 0 && { failedStops }),
  };
}
