import { describe, expect, it } from 'vitest';
import { HearthError } from './hearth-error.js';

class OuterError extends HearthError {
  constructor() {
    super('OUTER', 'outer failed');
  }
}
class InnerError extends OuterError {}

describe('HearthError', () => {
  it('has a stable name and code and is recognised through the class chain', () => {
    const error = new InnerError();
    expect(error.name).toBe('InnerError');
    expect(error.code).toBe('OUTER');
    expect(InnerError.isInstance(error)).toBe(true);
    expect(OuterError.isInstance(error)).toBe(true);
    expect(HearthError.isInstance(error)).toBe(true);
    expect(InnerError.isInstance(new OuterError())).toBe(false);
    expect(HearthError.isInstance(new Error('plain'))).toBe(false);
    expect(HearthError.isInstance('OUTER')).toBe(false);
  });

  it('recognises an error made by another copy of the class (same names, different constructor)', () => {
    // What a second copy of a package in node_modules produces: a distinct class with the same name.
    const copy = new (class InnerError extends HearthError {
      constructor() {
        super('OUTER', 'from another copy');
      }
    })();
    expect(copy instanceof InnerError).toBe(false);
    expect(InnerError.isInstance(copy)).toBe(true);
    expect(OuterError.isInstance(copy)).toBe(false);
  });
});
