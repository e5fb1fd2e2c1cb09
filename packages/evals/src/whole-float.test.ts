import { describe, expect, it } from 'vitest';
import { parseJsonKeepingWholeFloats, WholeFloat } from './whole-float.js';

describe('parseJsonKeepingWholeFloats', () => {
  it('keeps 6.0 and 1e3 apart from 6 and 1000, and leaves strings and other numbers alone', () => {
    const parsed = parseJsonKeepingWholeFloats(
      '{"a": 6.0, "b": 6, "c": [1e3, -2.50, 0.5], "d": "6.0 \\" 7.0", "e": {"f": -0.0}}',
    ) as Record<string, unknown>;
    expect(parsed.a).toEqual(new WholeFloat(6));
    expect(parsed.b).toBe(6);
    expect(parsed.c).toEqual([new WholeFloat(1000), -2.5, 0.5]);
    expect(parsed.d).toBe('6.0 " 7.0');
    expect((parsed.e as Record<string, unknown>).f).toEqual(new WholeFloat(-0));
    expect(JSON.stringify(parsed.a)).toBe('6');
  });
});
