import { readCloudTrailRecord } from './cloudtrail-record.js';
import { InvalidTriggerError } from './errors.js';
import { findStoreArns } from './identifiers.js';
import {
  baselineThroughSns,
  isBaselineRequest,
  isRequestObject,
  parseBaselineRequest,
  parseRequestObject,
} from './request-object.js';
import type { Json } from './trigger-fields.js';
import { isObject, optionalString } from './trigger-fields.js';
import type { ResumeRequest } from './types.js';

export { STORE_EVENT_NAMES, TRAIL_EVENT_NAMES } from './cloudtrail-record.js';

/**
 * Turns any supported event into one `ResumeRequest`. No I/O.
 * Lenient where real senders are sloppy, strict on identifiers and request objects.
 * `evidence` is `trusted` only for what only AWS or a direct invoker can send: a CloudTrail
 * record delivered by EventBridge itself, and a direct invoke. Anything through SNS is an alert.
 */
export function parseTrigger(event: unknown): ResumeRequest {
  if (!isObject(event)) throw new InvalidTriggerError('event', 'must be a JSON object');
  if ('Records' in event) return parseSnsDelivery(event.Records);
  if (isEventBridgeEvent(event)) return parseEventBridge(event, 'event');
  if (event.source === 'aws.cloudwatch' && 'alarmData' in event) return parseAlarmAction(event);
  if (isBaselineRequest(event)) return parseBaselineRequest(event, 'event');
  return parseRequestObject(event, 'event', 'manual');
}

const API_CALL = 'AWS API Call via CloudTrail';

function isEventBridgeEvent(value: Json): boolean {
  return typeof value['detail-type'] === 'string' && typeof value.source === 'string';
}

function parseEventBridge(event: Json, path: string): ResumeRequest {
  const source = event.source as string;
  const detailType = event['detail-type'] as string;
  const id = optionalString(event.id, `${path}.id`);
  const withId = id === undefined ? {} : { deliveryId: id };
  if (detailType === 'Scheduled Event' && (source === 'aws.events' || source === 'aws.scheduler')) {
    return { kind: 'schedule', scope: 'managed', source, evidence: 'alert', ...withId };
  }
  const detail = event.detail;
  if (detailType !== API_CALL || !isObject(detail)) {
    return { kind: 'incident', scope: 'managed', source, evidence: 'alert', ...withId };
  }
  const { eventId, ...reading } = readCloudTrailRecord(detail, `${path}.detail`);
  return {
    kind: 'incident',
    source,
    // Only AWS can put an event of source aws.cloudtrail on EventBridge.
    evidence: source === 'aws.cloudtrail' ? 'trusted' : 'alert',
    // A CloudTrail record: its eventID is the same whichever path (rule or SNS) brought it.
    ...(eventId === undefined ? withId : { deliveryId: eventId }),
    ...reading,
  };
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
    evidence: 'alert',
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
  return {
    ...request,
    kind: 'incident',
    // Anyone allowed to publish to the topic can write any message, a CloudTrail record too.
    evidence: 'alert',
    ...(deliveryId !== undefined && { deliveryId }),
  };
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
    if (isBaselineRequest(parsed)) throw baselineThroughSns(path);
    if (isRequestObject(parsed)) return parseRequestObject(parsed, path, 'incident');
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

/** Several SNS records in one delivery: each counts; what is one record's alone is dropped. */
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
    evidence: 'alert',
    // Only a delivery whose every record is identifiable can be recognised when it comes again.
    ...(ids.every((id) => id !== undefined) && { deliveryId: [...new Set(ids)].sort().join(',') }),
    // One actor for the whole delivery, or none (then no stop counts as authorized).
    ...(actors.size === 1 && first.actor !== undefined && { actor: first.actor }),
    ...(requests.every((r) => r.dryRun === true) && { dryRun: true }),
    ...(failedStops.length > 0 && { failedStops }),
  };
}
