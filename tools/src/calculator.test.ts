import { ToolRegistry } from '@hearth/core';
import { describe, expect, it } from 'vitest';
import { calculatorTool, evaluateExpression } from './calculator.js';
import { ExpressionError } from './errors/expression-error.js';

describe('evaluateExpression', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['2 ^ 3 ^ 2', 512],
    ['2 ** 10', 1024],
    ['-2 ^ 2', -4],
    ['10 % 4', 2],
    ['7 / 2', 3.5],
    ['1.5e3 + .5', 1500.5],
    ['sqrt(16) + abs(-3)', 7],
    ['max(1, 9, 4) - min(3, 2)', 7],
    ['log(1000)', 3],
    ['log(8, 2)', 3],
    ['round(pi * 100) / 100', 3.14],
    ['--3', 3],
  ])('%s = %d', (expression, expected) => {
    expect(evaluateExpression(expression)).toBeCloseTo(expected, 10);
  });

  it.each([
    ['1 +', /Unexpected end of expression/],
    ['2 * (3 + 4', /Expected "\)"/],
    ['1 / 0', /Division by zero/],
    ['foo(1)', /Unknown function "foo"/],
    ['process.exit(1)', /Unexpected character "."/],
    ['constructor', /Unknown name "constructor"/],
    ['constructor(1)', /Unknown function "constructor"/],
    ['__proto__', /Unknown name "__proto__"/],
    ['1; 2', /Unexpected character ";"/],
    ['sqrt(1, 2)', /takes 1-1 arguments, got 2/],
    ['10 ^ 400', /not a finite number/],
    ['(((((((((('.repeat(30), /nested too deeply|Unexpected end/],
  ])('%s fails clearly', (expression, message) => {
    const error = (() => {
      try {
        evaluateExpression(expression);
      } catch (e) {
        return e;
      }
    })();
    expect(ExpressionError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  it('works as a tool', async () => {
    const registry = new ToolRegistry([calculatorTool()]);
    expect((await registry.call('calculator', { expression: '6*7' })).structuredContent).toEqual({
      expression: '6*7',
      result: 42,
    });
    expect((await registry.call('calculator', { expression: '6*' })).isError).toBe(true);
  });
});
