/**
 * SNS: the incident as JSON, with a readable subject and a `severity` attribute to filter on.
 * Loaded by the notifier on first use (with its SDK client), never at a cold start.
 */
import { PublishCommand, type PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import type { Incident } from '../incident.js';
import { clientConfig, type Delivery, type SinkClientSettings } from './sink.js';

/** SNS rejects a subject longer than this, or with anything but printable ASCII. */
export const SUBJECT_MAX = 100;

/**
 * `[SEVERITY] title`, the actor named by the resource part of its ARN (`assumed-role/Role/name`),
 * printable ASCII only, at most 100 characters.
 */
export function subjectOf(incident: Incident): string {
  const actor = incident.trigger.actor?.arn;
  const title =
    actor === undefined ? incident.title : incident.title.replace(actor, shortArn(actor));
  const ascii = `[${incident.severity}] ${title}`
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= SUBJECT_MAX ? ascii : `${ascii.slice(0, SUBJECT_MAX - 3)}...`;
}

/** What follows an ARN's fifth colon (`assumed-role/Role/name`, `user/…`, `root`). */
const shortArn = (arn: string): string => arn.split(':').slice(5).join(':') || arn;

export function toPublish(incident: Incident, topicArn: string): PublishCommandInput {
  return {
    TopicArn: topicArn,
    Subject: subjectOf(incident),
    Message: JSON.stringify(incident),
    MessageAttributes: { severity: { DataType: 'String', StringValue: incident.severity } },
  };
}

export interface SnsSink {
  publish(incident: Incident, deadline: AbortSignal): Promise<Delivery>;
}

export function createSnsSink(
  settings: SinkClientSettings & { readonly topicArn: string },
): SnsSink {
  const client = new SNSClient(clientConfig(settings));
  return {
    async publish(incident, deadline) {
      const sent = toPublish(incident, settings.topicArn);
      const out = await client.send(new PublishCommand(sent), { abortSignal: deadline });
      return { ok: true, sent, answer: { MessageId: out.MessageId } };
    },
  };
}
