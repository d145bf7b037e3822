import { describe, expect, it } from 'vitest';
import { createOpenRequests } from '../../local/open-requests.js';

describe('Function: createOpenRequests', () => {
  it('counts open requests in all and by operation', () => {
    // Prepare
    const open = createOpenRequests();

    // Act
    open.enter('ListTags');
    open.enter('ListTags');
    open.enter('GetEventDataStore');
    open.leave('ListTags');

    // Assess
    expect(open.open()).toBe(2);
    expect(open.open('ListTags')).toBe(1);
    expect(open.open('GetEventDataStore')).toBe(1);
    expect(open.open('StartEventDataStoreIngestion')).toBe(0);
  });

  it('keeps the most open at once until resetPeaks starts over from the current counts', () => {
    // Prepare
    const open = createOpenRequests();
    open.enter('ListTags');
    open.enter('ListTags');
    open.leave('ListTags');

    // Act
    const before = [open.peak(), open.peak('ListTags')];
    open.resetPeaks();
    const after = [open.peak(), open.peak('ListTags'), open.peak('GetEventDataStore')];

    // Assess
    expect(before).toEqual([2, 2]);
    expect(after).toEqual([1, 1, 0]);
  });
});
