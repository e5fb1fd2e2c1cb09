import { describe, expect, it } from 'vitest';
import { pairedBootstrap, passHatK, quantile, seededRandom, wilsonInterval } from './stats.js';

describe('wilsonInterval', () => {
  it('matches published 95% Wilson intervals', () => {
    // Reference values: Newcombe (1998) / statsmodels proportion_confint(method="wilson").
    const [low, high] = wilsonInterval(8, 10) ?? [0, 0];
    expect(low).toBeCloseTo(0.4902, 4);
    expect(high).toBeCloseTo(0.9433, 4);
    expect(wilsonInterval(0, 10)?.[0]).toBe(0);
    expect(wilsonInterval(0, 10)?.[1]).toBeCloseTo(0.2775, 4);
    expect(wilsonInterval(10, 10)?.[0]).toBeCloseTo(0.7225, 4);
    expect(wilsonInterval(10, 10)?.[1]).toBeCloseTo(1, 12);
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});

describe('quantile', () => {
  it('interpolates linearly like numpy.percentile', () => {
    expect(quantile([4, 1, 3, 2], 0.25)).toBe(1.75);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50], 0.95)).toBe(48);
    expect(quantile([], 0.5)).toBeNull();
  });
});

describe('pairedBootstrap', () => {
  it('is exact when every case differs by the same amount, and deterministic for a seed', () => {
    const same = pairedBootstrap([
      [1, 0],
      [1, 0],
      [1, 0],
    ]);
    expect(same).toMatchObject({ cases: 3, difference: 1, interval95: [1, 1] });
    const pairs: Array<[number, number]> = [
      [1, 0],
      [1, 1],
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ];
    const a = pairedBootstrap(pairs, { seed: 7 });
    expect(pairedBootstrap(pairs, { seed: 7 })).toEqual(a);
    expect(a?.difference).toBeCloseTo(1 / 6, 10);
    const [low, high] = a?.interval95 ?? [0, 0];
    expect(low).toBeLessThan(1 / 6);
    expect(high).toBeGreaterThan(1 / 6);
    expect(low).toBeGreaterThanOrEqual(-1);
    expect(high).toBeLessThanOrEqual(1);
  });

  it('gives null for no pairs', () => {
    expect(pairedBootstrap([])).toBeNull();
  });
});

describe('seededRandom', () => {
  it('repeats its sequence for a seed and stays in [0, 1)', () => {
    const first = seededRandom(42);
    const second = seededRandom(42);
    const values = Array.from({ length: 1000 }, () => first());
    expect(Array.from({ length: 1000 }, () => second())).toEqual(values);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
  });
});

describe('passHatK', () => {
  it("is τ-bench's unbiased estimate: the mean over cases of C(c, k) / C(n, k)", () => {
    // Case a: 4 of 4; case b: 2 of 4; case c: 0 of 4.
    const cases = [
      { successes: 4, trials: 4 },
      { successes: 2, trials: 4 },
      { successes: 0, trials: 4 },
    ];
    expect(passHatK(cases, 1)).toBeCloseTo((1 + 0.5 + 0) / 3, 12);
    // C(2,2)/C(4,2) = 1/6.
    expect(passHatK(cases, 2)).toBeCloseTo((1 + 1 / 6 + 0) / 3, 12);
    // C(2,3) = 0.
    expect(passHatK(cases, 3)).toBeCloseTo(1 / 3, 12);
    expect(passHatK(cases, 4)).toBeCloseTo(1 / 3, 12);
    expect(passHatK(cases, 5)).toBeNull();
  });
});
