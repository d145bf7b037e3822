/**
 * vitest's global setup: builds dist/handler.mjs once per run, as `npm start` and `sam build` do
 * first, for every test that runs the shipped bundle from dist/ (the runner's, sam local's).
 */
import { buildBundle } from '../../esbuild.config.js';

export default async function setup(): Promise<void> {
  await buildBundle();
}
