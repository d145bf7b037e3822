/**
 * The benchmark's measuring processes: `bench/out/child.mjs` (bench/child.ts) started with plain
 * `node --expose-gc`, one order at a time over IPC.
 */
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import type { Order, Reply } from './child.js';

/** The transpiled child, next to the bundles it measures. */
export const CHILD_SCRIPT = 'bench/out/child.mjs';

/** Every child still running, killed if the run fails midway. */
const running = new Set<ChildProcess>();

export function killChildren(): void {
  for (const child of running) child.kill();
}

export class Child {
  private readonly process: ChildProcess;
  private stderr = '';
  private pending: { resolve: (reply: Reply) => void; reject: (error: Error) => void } | undefined;

  constructor(env: NodeJS.ProcessEnv) {
    this.process = fork(path.resolve(CHILD_SCRIPT), [], {
      execPath: process.execPath,
      // Not the parent's execArgv: that holds tsx's loader, which would sit in every import.
      execArgv: ['--expose-gc'],
      env,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    running.add(this.process);
    this.process.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.process.on('message', (reply: Reply) => {
      const pending = this.pending;
      this.pending = undefined;
      if (reply.type === 'error') pending?.reject(new Error(`${reply.message}\n${this.stderr}`));
      else pending?.resolve(reply);
    });
    this.process.on('exit', (code) => {
      running.delete(this.process);
      this.pending?.reject(new Error(`child exited (${code}) mid-order\n${this.stderr}`));
      this.pending = undefined;
    });
  }

  ask<T extends Reply['type']>(order: Order, type: T): Promise<Extract<Reply, { type: T }>> {
    return new Promise((resolve, reject) => {
      // A lost reply fails the run loudly instead of hanging it.
      const timer = setTimeout(
        () => reject(new Error(`no reply to ${order.type} in 60 s\n${this.stderr}`)),
        60_000,
      );
      this.pending = {
        resolve: (reply) => {
          clearTimeout(timer);
          if (reply.type === type) resolve(reply as Extract<Reply, { type: T }>);
          else reject(new Error(`expected ${type}, got ${reply.type}`));
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.process.send(order);
    });
  }

  async close(): Promise<void> {
    if (this.process.exitCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.send({ type: 'exit' } satisfies Order);
    await exited;
  }
}
