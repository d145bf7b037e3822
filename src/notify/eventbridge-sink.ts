/**
 * EventBridge: the incident as the detail of one event on the configured bus. Loaded by the
 * notifier on first use (with its SDK client), never at a cold start.
 */
import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import type { Incident } from '../incident.js';
import { clientConfig, type Delivery, type SinkClientSettings } from './sink.js';

export const EVENT_SOURCE = 'lake-ingestion-guard';
export const DETAIL_TYPE = 'Ingestion Guard Incident';

export function toEntry(incident: Incident, eventBus: string): PutEventsRequestEntry {
  return {
    Source: EVENT_SOURCE,
    DetailType: DETAIL_TYPE,
    Detail: JSON.stringify(incident),
    EventBusName: eventBus,
    Time: new Date(incident.time),
  };
}

export interface EventBridgeSink {
  put(incident: Incident, deadline: AbortSignal): Promise<Delivery>;
}

export function createEventBridgeSink(
  settings: SinkClientSettings & { readonly eventBus: string },
): EventBridgeSink {
  const client = new EventBridgeClient(clientConfig(settings));
  return {
    async put(incident, deadline) {
      const sent = { Entries: [toEntry(incident, settings.eventBus)] };
      const out = await client.send(new PutEventsCommand(sent), { abortSignal: deadline });
      const entry = out.Entries?.[0];
      const failed = out.FailedEntryCount ?? 0;
      const answer = { EventId: entry?.EventId, FailedEntryCount: failed };
      if (failed === 0) return { ok: true, sent, answer };
      return {
        ok: false,
        sent,
        answer,
        errorName: entry?.ErrorCode ?? 'FailedEntry',
        errorMessage: entry?.ErrorMessage ?? 'EventBridge did not take the event',
      };
    },
  };
}
