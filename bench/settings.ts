/** How much the benchmark measures, and the function's settings it runs with. */

/** Runs of each kind; override with BENCH_COLD / BENCH_WARM / BENCH_SWEEP (at least the minimum). */
export const SETTINGS = {
  coldRuns: Math.max(20, Number(process.env.BENCH_COLD ?? 30)),
  /** Untimed rounds of fresh processes before the timed ones. */
  coldWarmupRounds: 1,
  warmCalls: Math.max(2000, Number(process.env.BENCH_WARM ?? 2000)),
  warmupCalls: 200,
  /** Seed of the call orders (each round's kinds in a shuffled order). */
  warmSeed: Number(process.env.BENCH_SEED ?? 6),
  sweepRuns: Math.max(10, Number(process.env.BENCH_SWEEP ?? 40)),
  /** Latency of every CloudTrail call during the sweep (a real control-plane call: tens of ms). */
  sweepApiLatencyMs: Math.max(0, Number(process.env.BENCH_SWEEP_LATENCY_MS ?? 30)),
  /** Emulator: STARTING_INGESTION lasts this long (the verify read sees it as ingesting). */
  emulatorStartDelayMs: 5,
  /**
   * The function's settings that differ from env.json's. The common path: no state table (its
   * DynamoDB client is then never loaded) and, as in env.json, no notification sink.
   */
  env: {
    STATE_TABLE: '',
    VERIFY_INTERVAL_MS: '10',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  },
  samples: 'every sample kept; none dropped',
} as const;

export type Settings = typeof SETTINGS;
