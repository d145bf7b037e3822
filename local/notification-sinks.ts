/**
 * The notification sinks in moto for a local run: the SNS topic, the EventBridge bus and Security
 * Hub enabled, and the variables that point the function at them.
 */
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EnableSecurityHubCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';

export const TOPIC_NAME = 'lake-ingestion-guard-incidents';
export const BUS_NAME = 'lake-ingestion-guard';

/** The SDK's endpoint variable of each sink's service. */
export const SINK_ENDPOINT_VARIABLES = [
  'AWS_ENDPOINT_URL_SNS',
  'AWS_ENDPOINT_URL_EVENTBRIDGE',
  'AWS_ENDPOINT_URL_SECURITYHUB',
] as const;

export interface Sinks {
  readonly topicArn: string;
  readonly busArn: string;
  /** NOTIFY_TOPIC_ARN, NOTIFY_EVENT_BUS, SECURITY_HUB and the endpoint variables. */
  readonly variables: Readonly<Record<string, string>>;
}

/** Each sink's endpoint variable set to `endpoint` ('' : the SDK's default). */
export const sinkEndpoints = (endpoint: string): Record<string, string> =>
  Object.fromEntries(SINK_ENDPOINT_VARIABLES.map((name) => [name, endpoint]));

/** Creates the topic and the bus and enables Security Hub, in a fresh moto. */
export async function createSinks(endpoint: string, region: string): Promise<Sinks> {
  const config = {
    endpoint,
    region,
    credentials: { accessKeyId: 'AKIDLOCALSINKS', secretAccessKey: 'local-sinks-secret' },
  };
  const sns = new SNSClient(config);
  const events = new EventBridgeClient(config);
  const hub = new SecurityHubClient(config);
  try {
    const { TopicArn: topicArn = '' } = await sns.send(
      new CreateTopicCommand({ Name: TOPIC_NAME }),
    );
    const { EventBusArn: busArn = '' } = await events.send(
      new CreateEventBusCommand({ Name: BUS_NAME }),
    );
    await hub.send(new EnableSecurityHubCommand({}));
    return {
      topicArn,
      busArn,
      variables: {
        NOTIFY_TOPIC_ARN: topicArn,
        NOTIFY_EVENT_BUS: BUS_NAME,
        SECURITY_HUB: 'true',
        ...sinkEndpoints(endpoint),
      },
    };
  } finally {
    for (const client of [sns, events, hub]) client.destroy();
  }
}
