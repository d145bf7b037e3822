/**
 * The notifier: the incident fanned out to every configured sink at once. A sink is set up only
 * when configured, and its module (with its SDK client) is imported on its first use: a cold
 * start, and every invocation with nothing to tell, never evaluates it. A sink that fails is reported, never thrown: the others
 * still deliver.
 */
import type { Incident } from '../incident.js';
import { loadOnce } from '../lazy.js';
import { runSink, type SinkName, type SinkReport } from './sink.js';

export type { SinkName, SinkReport } from './sink.js';

export interface NotifierSettings {
  /** `NOTIFY_TOPIC_ARN`. */
  readonly topicArn?: string | undefined;
  /** `NOTIFY_EVENT_BUS`: a bus name or ARN. */
  readonly eventBus?: string | undefined;
  /** `SECURITY_HUB`. */
  readonly securityHub: boolean;
  readonly region: string;
  readonly partition: string;
  readonly accountId: string;
  /** Endpoints other than AWS's, per service (tests, the local runner). */
  readonly endpoints?: {
    readonly sns?: string | undefined;
    readonly eventbridge?: string | undefined;
    readonly securityhub?: string | undefined;
  };
}

export interface Notifier {
  /**
   * Sends `incident` to every sink (SNS and EventBridge only when there is one), and archives the
   * Security Hub findings of `healthyStores`. Resolves with one report per sink that had something
   * to send; never rejects. Every request is aborted when `deadline` fires.
   */
  notify(
    incident: Incident | undefined,
    healthyStores: readonly string[],
    deadline: AbortSignal,
  ): Promise<SinkReport[]>;
}

type Delivery = (
  incident: Incident | undefined,
  healthyStores: readonly string[],
  deadline: AbortSignal,
) => Promise<SinkReport> | undefined;

/** The notifier of the configured sinks; undefined when none is configured. */
export function createNotifier(settings: NotifierSettings): Notifier | undefined {
  const deliveries = [
    snsDelivery(settings),
    eventBridgeDelivery(settings),
    securityHubDelivery(settings),
  ].filter((delivery): delivery is Delivery => delivery !== undefined);
  if (deliveries.length === 0) return undefined;
  return {
    async notify(incident, healthyStores, deadline) {
      const running = deliveries.map((deliver) => deliver(incident, healthyStores, deadline));
      return Promise.all(running.filter((report) => report !== undefined));
    },
  };
}

const at = (settings: NotifierSettings, sink: SinkName) => ({
  region: settings.region,
  endpoint: settings.endpoints?.[sink],
});

function snsDelivery(settings: NotifierSettings): Delivery | undefined {
  if (settings.topicArn === undefined) return undefined;
  const { topicArn } = settings;
  const sink = loadOnce(async () =>
    (await import('./sns-sink.js')).createSnsSink({ ...at(settings, 'sns'), topicArn }),
  );
  return (incident, _, deadline) =>
    incident === undefined
      ? undefined
      : runSink('sns', async () => (await sink()).publish(incident, deadline));
}

function eventBridgeDelivery(settings: NotifierSettings): Delivery | undefined {
  if (settings.eventBus === undefined) return undefined;
  const { eventBus } = settings;
  const sink = loadOnce(async () =>
    (await import('./eventbridge-sink.js')).createEventBridgeSink({
      ...at(settings, 'eventbridge'),
      eventBus,
    }),
  );
  return (incident, _, deadline) =>
    incident === undefined
      ? undefined
      : runSink('eventbridge', async () => (await sink()).put(incident, deadline));
}

function securityHubDelivery(settings: NotifierSettings): Delivery | undefined {
  if (!settings.securityHub) return undefined;
  const sink = loadOnce(async () =>
    (await import('./security-hub-sink.js')).createSecurityHubSink({
      ...at(settings, 'securityhub'),
      partition: settings.partition,
      accountId: settings.accountId,
    }),
  );
  return (incident, healthyStores, deadline) =>
    incident === undefined && healthyStores.length === 0
      ? undefined
      : runSink('securityhub', async () =>
          (await sink()).deliver(incident, healthyStores, deadline),
        );
}
