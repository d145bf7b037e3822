/** What every sink shares: its report, and the client settings of its lazily loaded SDK client. */

export const SINKS = ['sns', 'eventbridge', 'securityhub'] as const;
export type SinkName = (typeof SINKS)[number];

/** One sink's outcome for one notification. */
export interface SinkReport {
  readonly sink: SinkName;
  readonly ok: boolean;
  /** What was sent (the requests' input), for the local runner's report. */
  readonly sent?: unknown;
  /** What came back: message and event ids, counts. */
  readonly answer?: unknown;
  readonly errorName?: string;
  readonly errorMessage?: string;
}

/** What a sink's delivery returns when no call threw. */
export type Delivery = Omit<SinkReport, 'sink'>;

export interface SinkClientSettings {
  readonly region: string;
  /** Another endpoint than AWS's (moto, the local runner). */
  readonly endpoint?: string | undefined;
}

/**
 * The SDK client configuration of every sink: a request with no answer fails after 5 s, and the
 * SDK's standard retries (3 attempts) run inside the deadline the caller gives.
 */
export function clientConfig(settings: SinkClientSettings) {
  return {
    region: settings.region,
    ...(settings.endpoint !== undefined && { endpoint: settings.endpoint }),
    maxAttempts: 3,
    requestHandler: {
      connectionTimeout: 2_000,
      requestTimeout: 5_000,
      throwOnRequestTimeout: true,
    },
  };
}

/** Runs one delivery; whatever it throws becomes a failed report. */
export async function runSink(
  sink: SinkName,
  deliver: () => Promise<Delivery>,
): Promise<SinkReport> {
  try {
    return { sink, ...(await deliver()) };
  } catch (error) {
    const { name, message } =
      error instanceof Error ? error : { name: 'Error', message: String(error) };
    return { sink, ok: false, errorName: name, errorMessage: message };
  }
}
