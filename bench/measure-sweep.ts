/**
 * The sweep: one warm invocation over 10 managed stopped stores against one over 1, alternating,
 * in the function's warm process. A sweep's cost in AWS is API round trips, not CPU: every
 * CloudTrail call is held back `sweepApiLatencyMs`, as a real control-plane call takes tens of
 * milliseconds. (At zero latency the ratio only measures the CPU of 30 SDK calls against 7,
 * which no concurrency can overlap on one JS thread.)
 */
import { randomUUID } from 'node:crypto';
import type { StoreInput } from '../local/stores-file.js';
import type { Order } from './child.js';
import type { Child } from './children.js';
import { SETTINGS } from './settings.js';
import { resumedCount, type Surroundings } from './surroundings.js';

/** `count` stopped stores like `template` (so managed too), each with its own ARN and name. */
function managedStoppedStores(template: StoreInput, count: number): StoreInput[] {
  const base = template.EventDataStoreArn.slice(0, template.EventDataStoreArn.lastIndexOf('/'));
  return Array.from({ length: count }, (_, i) => ({
    ...template,
    EventDataStoreArn: `${base}/0000bench-0000-4000-8000-${String(i).padStart(12, '0')}`,
    Name: `bench-store-${i}`,
    Status: 'STOPPED_INGESTION' as const,
  }));
}

export async function measureSweep(
  s: Surroundings,
  full: Child,
): Promise<{ one: number[]; ten: number[] }> {
  const ten = managedStoppedStores(s.managed, 10);
  const sizes = { one: ten.slice(0, 1), ten };
  const sweep = { one: [] as number[], ten: [] as number[] };
  s.emulator.setFaults([{ operation: '*', delayMs: SETTINGS.sweepApiLatencyMs }]);
  try {
    for (let i = 0; i < SETTINGS.sweepRuns; i++) {
      for (const which of i % 2 === 0 ? (['one', 'ten'] as const) : (['ten', 'one'] as const)) {
        s.emulator.setStores(sizes[which]);
        const order: Order = {
          type: 'call',
          name: 'handler',
          args: [{ executionId: randomUUID() }],
        };
        const reply = await full.ask(order, 'called');
        if (resumedCount(reply.result) !== sizes[which].length) {
          throw new Error(`sweep over ${which} resumed: ${JSON.stringify(reply.result)}`);
        }
        sweep[which].push(reply.ms);
      }
    }
  } finally {
    s.emulator.setFaults([]);
  }
  return sweep;
}
