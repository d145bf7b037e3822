/**
 * `npm run local-stack` as a user starts it: `tsx local/local-stack.ts …` in a child process of
 * its own process group, read until it prints that it is ready, stopped with a signal.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { ROOT, signalGroup, TSX, userEnv } from './run-runner.js';

const READY = 'Ctrl-C stops the stack.';

export interface StackProcess {
  /** What the stack printed on stdout up to its ready line. */
  readonly stdout: string;
  readonly stderr: () => string;
  readonly cloudtrail: string;
  readonly dynamodb: string | undefined;
  /** moto's endpoint, with --moto. */
  readonly moto: string | undefined;
  /** Sends `signal` and resolves with the exit code (null: still running after 10 s, killed). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Resolves when the process exits, or with null after `ms` (then it is killed). */
function exitOf(child: ChildProcess, ms: number): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signalGroup(child, 'SIGKILL');
      resolve(null);
    }, ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/**
 * Starts the stack; resolves once it is ready, rejects with what it printed if it exits first
 * (`exit` holds the code then).
 */
export function startStackProcess(
  args: readonly string[],
  /** Added to the user's environment. */
  env: Readonly<Record<string, string>> = {},
): Promise<StackProcess> {
  const child = spawn(TSX, ['local/local-stack.ts', ...args], {
    cwd: ROOT,
    env: { ...userEnv(), ...env },
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!stdout.includes(READY)) return;
      resolve({
        stdout,
        stderr: () => stderr,
        cloudtrail: /CloudTrail Lake emulator\s+(\S+)/.exec(stdout)?.[1] ?? '',
        dynamodb: /DynamoDB\s+(\S+)/.exec(stdout)?.[1],
        moto: /^moto\s+(\S+)/m.exec(stdout)?.[1],
        // To the whole group, as Ctrl-C in a terminal does (tsx passes it on only once).
        stop: (signal = 'SIGINT') => {
          signalGroup(child, signal);
          return exitOf(child, 10_000);
        },
      });
    });
    child.once('exit', (code) => {
      reject(
        Object.assign(new Error(`local stack exited ${code}: ${stderr}`), { exit: code, stderr }),
      );
    });
  });
}
