/** Counts the requests a server has open (received, not yet closed), in all and by operation. */

export interface OpenRequests {
  enter(operation: string): void;
  leave(operation: string): void;
  /** Open now; all operations without one. */
  open(operation?: string): number;
  /** The most open at once since creation or resetPeaks; all operations without one. */
  peak(operation?: string): number;
  /** Starts the peaks over from the current counts. */
  resetPeaks(): void;
}

const ALL = '*';

export function createOpenRequests(): OpenRequests {
  const counts = new Map<string, { now: number; peak: number }>();
  const count = (operation: string, delta: 1 | -1): void => {
    for (const key of [ALL, operation]) {
      const entry = counts.get(key) ?? { now: 0, peak: 0 };
      entry.now += delta;
      entry.peak = Math.max(entry.peak, entry.now);
      counts.set(key, entry);
    }
  };
  return {
    enter: (operation) => count(operation, 1),
    leave: (operation) => count(operation, -1),
    open: (operation = ALL) => counts.get(operation)?.now ?? 0,
    peak: (operation = ALL) => counts.get(operation)?.peak ?? 0,
    resetPeaks: () => {
      for (const entry of counts.values()) entry.peak = entry.now;
    },
  };
}
