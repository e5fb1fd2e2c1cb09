import { InvalidArgumentError } from 'commander';

/**
 * The parser of every numeric flag in the CLI: a whole number from `min` to `max`, else Commander
 * stops with "option '--flag <n>' argument 'abc' is invalid. expected ..." (the flag and the value)
 * and exit code 2. Without it `Number('abc')` is NaN, and a NaN limit is no limit at all.
 */
export function integerOption(what: string, min: number, max: number = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    // Number('') and Number(' ') are 0, Number('0x10') is 16: only plain decimal digits count.
    const number = /^\s*-?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(number) || number < min || number > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
      throw new InvalidArgumentError(`expected ${what}, a whole number ${range}.`);
    }
    return number;
  };
}
