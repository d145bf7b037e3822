/**
 * `sam local invoke` without Docker: the artifact `sam build` makes, run by the Node.js runtime
 * stand-in (lambda-runtime.ts) in a child process whose environment is exactly the one given —
 * the one SAM builds, plus what the nodejs24.x image sets itself.
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { TemplateFunction } from '../../local/template-function.js';
import { ROOT } from './run-runner.js';

const RUNTIME = fileURLToPath(new URL('./lambda-runtime.ts', import.meta.url));

export interface Connection {
  readonly host: string;
  readonly port: number;
  readonly refused: boolean;
}

export interface SamInvocation {
  readonly phase: 'init' | 'invoke';
  readonly result?: Record<string, unknown>;
  readonly error?: Record<string, unknown>;
  readonly connections: readonly Connection[];
  readonly stdout: string;
  readonly stderr: string;
}

/** What `make build-IngestionGuardFunction` puts in ARTIFACTS_DIR: dist/*.mjs. */
export async function buildArtifacts(): Promise<string> {
  const artifacts = await mkdtemp(join(tmpdir(), 'sam-artifacts-'));
  const dist = join(ROOT, 'dist');
  for (const file of (await readdir(dist)).filter((name) => name.endsWith('.mjs'))) {
    await copyFile(join(dist, file), join(artifacts, file));
  }
  return artifacts;
}

/** The variables the nodejs24.x image sets for its runtime (SAM adds none of these). */
export function runtimeImageVariables(fn: TemplateFunction, taskRoot: string) {
  return {
    LAMBDA_TASK_ROOT: taskRoot,
    _HANDLER: fn.handler,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
  };
}

export interface InvokeOptions {
  readonly env: Readonly<Record<string, string>>;
  readonly event: unknown;
  /** Refuse (and record) every connection that would leave the machine. */
  readonly denyNetwork?: boolean;
  /** Another `invokedFunctionArn` than the emulator's (the runner's, say). */
  readonly functionArn?: string;
  /** @default 25000 */
  readonly timeoutMs?: number;
}

/** One invocation in a fresh process (a cold start, as each `sam local invoke` is). */
export async function samInvoke(options: InvokeOptions): Promise<SamInvocation> {
  const eventFile = join(await mkdtemp(join(tmpdir(), 'sam-event-')), 'event.json');
  await writeFile(eventFile, JSON.stringify(options.event));
  const args = [
    RUNTIME,
    eventFile,
    ...(options.denyNetwork ? ['--deny-network'] : []),
    ...(options.functionArn ? ['--function-arn', options.functionArn] : []),
  ];
  const child = spawn(process.execPath, args, {
    env: { ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    timeout: options.timeoutMs ?? 25_000,
  });
  const read = (index: 1 | 2 | 3): Promise<string> =>
    new Promise((resolve) => {
      let text = '';
      const stream = child.stdio[index] as Readable | null;
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        text += chunk;
      });
      stream?.on('end', () => resolve(text));
    });
  const [stdout, stderr, report] = await Promise.all([read(1), read(2), read(3)]);
  if (report === '') throw new Error(`the runtime reported nothing:\n${stderr}`);
  return { ...(JSON.parse(report) as Omit<SamInvocation, 'stdout' | 'stderr'>), stdout, stderr };
}
