/** Code a cold start does not evaluate: imported on first use, then kept. */

/**
 * `load` runs on the first call; every later call, concurrent ones included, gets the same
 * promise. A load that failed is not kept: the next call tries again.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
