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
      const entry = toEntry(incident, settings.eventBus);
      const out = await client.send(new PutEventsCommand({ Entries: [entry] }), {
        abortSignal: deadline,
      });
      // As JSON: the report is part of the result, which the idempotency record stores.
      const sent = { Entries: [{ ...entry, Time: incident.time }] };
      const [answered] = out.Entries ?? [];
      const failed = out.FailedEntryCount ?? 0;
      const answer = { EventId: answered?.EventId, FailedEntryCount: failed };
      if (failed === 0) return { ok: true, sent, answer };
      return {
        ok: false,
        sent,
        answer,
        errorName: answered?.ErrorCode ?? 'FailedEntry',
        errorMessage: answered?.ErrorMessage ?? 'EventBridge did not take the event',
      };
    },
  };
}
