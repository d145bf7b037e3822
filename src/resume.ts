/**
 * The use case: resolve the stores in scope, handle each (describe → decide → start → verify)
 * with bounded concurrency, and build the result. Every store ends as one `StoreResult`;
 * nothing here throws for a store's sake.
 */

import { mapWithConcurrency } from './concurrency.js';
import type { Config } from './config.js';
import { crashed, handleStore } from './handle-store.js';
import { isDryRun } from './policy.js';
import { resolveStores } from './resolve-stores.js';
import { openRun, type ResumeDeps } from './run.js';
import type { ResumeRequest, ResumeResult, StoreResult } from './types.js';

export type { ResumeDeps } from './run.js';

export async function resumeIngestion(
  request: ResumeRequest,
  deps: ResumeDeps,
): Promise<ResumeResult> {
  const run = openRun(deps);
  try {
    const { candidates, failures } = await resolveStores(request, run);
    const handled = await mapWithConcurrency(candidates, deps.config.storeConcurrency, (c) =>
      handleStore(c, request, run).catch((error: unknown) => crashed(run, c, error)),
    );
    return buildResult(request, deps.config, [...failures, ...handled]);
  } finally {
    run.close();
  }
}

function buildResult(
  request: ResumeRequest,
  config: Config,
  stores: readonly StoreResult[],
): ResumeResult {
  const count = (action: StoreResult['action']) => stores.filter((s) => s.action === action).length;
  return {
    trigger: {
      kind: request.kind,
      source: request.source,
      ...(request.deliveryId !== undefined && { deliveryId: request.deliveryId }),
      ...(request.actor !== undefined && { actor: request.actor.arn }),
    },
    dryRun: isDryRun(request, config),
    stores,
    summary: {
      resumed: count('resumed'),
      wouldResume: count('would-resume'),
      restored: count('restored'),
      wouldRestore: count('would-restore'),
      protected: count('protected'),
      skipped: count('skipped'),
      failed: count('failed'),
    },
  };
}
