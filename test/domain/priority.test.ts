import { describe, expect, it } from 'vitest';
import { amountScore, defaultPriority, dpdScore } from '../../src/domain/priority.js';

describe('default priority', () => {
  it('weighs the amount on a log scale and the delinquency bucket', () => {
    expect(amountScore(999)).toBeCloseTo(50, 0);
    expect(amountScore(1_000_000)).toBeCloseTo(100, 3);
    expect(amountScore(1e9)).toBe(100);
    expect([15, 45, 75, 100, 150, 400].map(dpdScore)).toEqual([40, 70, 100, 90, 70, 40]);
  });

  it('stays within 1..100 and defaults to 50', () => {
    expect(defaultPriority(undefined, undefined)).toBe(50);
    expect(defaultPriority(0, 0)).toBe(20);
    expect(defaultPriority(1_000_000, 75)).toBe(100);
    for (const a of [0, 1, 1e3, 1e5, 1e7, 1e12]) for (const d of [0, 30, 31, 90, 91, 181, 5000]) {
      const p = defaultPriority(a, d);
      expect(p).toBeGreaterThanOrEqual(1);
      expect(p).toBeLessThanOrEqual(100);
    }
  });

  it('ranks a large third-bucket account above a small fresh one', () => {
    expect(defaultPriority(200_000, 75)).toBeGreaterThan(defaultPriority(5_000, 10));
  });
});
