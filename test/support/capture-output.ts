/** What the function writes (Powertools' log lines and EMF metrics), read back as JSON. */
import { vi } from 'vitest';

/**
 * Captures the JSON lines written to `streams` (stdout by default; Powertools writes WARN and
 * ERROR lines to stderr). Restore with `vi.restoreAllMocks()`.
 */
export function captureOutput(streams: readonly NodeJS.WriteStream[] = [process.stdout]): {
  lines: () => Record<string, unknown>[];
} {
  const chunks: string[] = [];
  for (const stream of streams) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(chunk.toString());
      return true;
    });
  }
  return {
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
