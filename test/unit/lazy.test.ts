import { describe, expect, it, vi } from 'vitest';
import { loadOnce } from '../../src/lazy.js';

describe('Function: loadOnce', () => {
  it('loads once and gives every caller, concurrent ones included, the same result', async () => {
    // Prepare
    const load = vi.fn(async () => ({ loaded: true }));
    const get = loadOnce(load);

    // Act
    const [first, second] = await Promise.all([get(), get()]);
    const third = await get();

    // Assess
    expect(load).toHaveBeenCalledTimes(1);
    expect(second).toBe(first);
    expect(third).toBe(first);
  });

  it('does not keep a failed load: the caller gets the error and the next call loads again', async () => {
    // Prepare
    const load = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(new Error('chunk missing'))
      .mockResolvedValueOnce('module');
    const get = loadOnce(load);

    // Act
    const failed = get();
    await expect(failed).rejects.toThrow('chunk missing');
    const retried = await get();

    // Assess
    expect(retried).toBe('module');
    expect(load).toHaveBeenCalledTimes(2);
  });
});
