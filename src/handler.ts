/**
 * The Lambda entry point. INIT evaluates only what src/init.ts prepares (the configuration and
 * the CloudTrail client); the function itself (src/function.ts: Logger, Metrics, middy, the use
 * case) is imported on the first invocation, once per execution environment. A cold start pays
 * for both either way, in INIT or in its first invocation; README, Performance, measures both.
 */
import type { Context } from 'aws-lambda';
import './init.js';
import { loadOnce } from './lazy.js';
import type { ResumeResult } from './result.js';

const loadFunction = loadOnce(() => import('./function.js'));

export const handler = async (event: unknown, context: Context): Promise<ResumeResult> =>
  (await loadFunction()).handler(event, context);
