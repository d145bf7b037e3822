/**
 * moto's server (`python3 -m moto.server`) as a stand-in for SNS, SQS, EventBridge and Security
 * Hub: a child process on 127.0.0.1 (or `host`), stopped with its owner. moto keeps everything in
 * memory and accepts any credentials; every resource is in `accountId` (MOTO_ACCOUNT_ID), by
 * default moto's 123456789012.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { listen } from './listen.js';

const PYTHON = 'python3';

export const MOTO_INSTALL_HINT =
  "moto's server is needed for this: pip install -r requirements-dev.txt (moto[server])";

export interface MotoOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (any free port) */
  readonly port?: number;
  /** The account every resource is created in. @default moto's 123456789012 */
  readonly accountId?: string;
  /** How long moto may take to answer. @default 20000 */
  readonly startMs?: number;
}

export interface Moto {
  /** `http://127.0.0.1:<port>`: every service's endpoint. */
  readonly endpoint: string;
  /** Kills the server and resolves once it exited. */
  stop(): Promise<void>;
}

/** Throws naming moto and requirements-dev.txt when Python cannot import moto's server. */
export async function checkMotoInstalled(): Promise<void> {
  try {
    await promisify(execFile)(PYTHON, ['-c', 'import moto, moto.server']);
  } catch (error) {
    const reason =
      (error as { stderr?: string }).stderr?.trim().split('\n').at(-1) ?? (error as Error).message;
    throw new Error(`${MOTO_INSTALL_HINT} (python3 -c "import moto.server" failed: ${reason})`);
  }
}

/**
 * The port moto will listen on: a free one for 0; else `port`, checked free (a server already
 * there would answer for moto), rejecting with EADDRINUSE.
 */
async function claimPort(host: string, port: number): Promise<number> {
  const server = createServer();
  const url = await listen(server, port, host);
  await new Promise((resolve) => server.close(resolve));
  return Number(new URL(url).port);
}

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));

/** Resolves once the server answers HTTP; rejects when it exits first or after `ms`. */
async function answering(endpoint: string, child: ChildProcess, ms: number, output: () => string) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) {
      throw new Error(`moto server exited ${child.exitCode}: ${output()}`);
    }
    try {
      await fetch(`${endpoint}/moto-api/data.json`);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`moto server did not answer within ${ms} ms: ${output()}`);
}

/** Starts moto's server; resolves once it answers. */
export async function startMoto(options: MotoOptions = {}): Promise<Moto> {
  await checkMotoInstalled();
  const host = options.host ?? '127.0.0.1';
  const port = await claimPort(host, options.port ?? 0);
  const child = spawn(PYTHON, ['-m', 'moto.server', '-p', String(port), '-H', host], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...(options.accountId !== undefined && { MOTO_ACCOUNT_ID: options.accountId }),
    },
  });
  let output = '';
  const keep = (chunk: string) => {
    output = (output + chunk).slice(-4_000);
  };
  child.stdout?.setEncoding('utf8').on('data', keep);
  child.stderr?.setEncoding('utf8').on('data', keep);
  const endpoint = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  const stop = async () => {
    child.kill('SIGTERM');
    await exited(child);
  };
  try {
    await answering(endpoint, child, options.startMs ?? 20_000, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, stop };
}
