/**
 * The local runner as a user runs it: `tsx local/runner.ts …` from the repository root, in a
 * child process with a user's shell environment. A run that outlives its time is killed and
 * reported as hung (exit code null), so a runner that never exits fails its test instead of
 * blocking the suite.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the run was killed after `timeoutMs`. */
  readonly hung: boolean;
}

export interface RunOptions {
  /** Added to the user's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** @default 25000 */
  readonly timeoutMs?: number;
}

/** Sends `signal` to the child's process group (it was spawned detached); gone is fine. */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group exited meanwhile.
  }
}

/** The environment a user's shell would have: none of the test setup's AWS or Powertools keys. */
export function userEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(AWS_|POWERTOOLS_|VITEST)/.test(key) && key !== 'NODE_ENV',
    ),
  );
}

export function runRunner(args: readonly string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    // Its own process group: a hung run is killed with the node process tsx starts.
    const child = spawn(TSX, ['local/runner.ts', ...args], {
      cwd: ROOT,
      env: { ...userEnv(), ...options.env },
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      signalGroup(child, 'SIGKILL');
    }, options.timeoutMs ?? 25_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: hung ? null : code, stdout, stderr, hung });
    });
  });
}

/** stdout as the JSON lines it must consist of (one per invocation). */
export function resultLines(run: Run): Record<string, unknown>[] {
  expect(run.stdout.endsWith('\n')).toBe(true);
  return run.stdout
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The JSON lines on stderr: the function's log lines and its EMF metric lines. */
export function jsonLines(run: Run): Record<string, unknown>[] {
  return run.stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The function's structured log lines on stderr (its EMF metric lines aside). */
export function logLines(run: Run): Record<string, unknown>[] {
  return jsonLines(run).filter((line) => typeof line.level === 'string');
}
