import { defineTool, type ToolDefinition } from '@hearth/core';
import { z } from 'zod';
import { ExpressionError } from './errors/expression-error.js';

type Token =
  | { kind: 'number'; value: number; at: number }
  | { kind: 'name'; value: string; at: number }
  | { kind: 'op'; value: string; at: number };

const functions: Record<string, { arity: [number, number]; fn: (...args: number[]) => number }> = {
  sqrt: { arity: [1, 1], fn: Math.sqrt },
  abs: { arity: [1, 1], fn: Math.abs },
  sin: { arity: [1, 1], fn: Math.sin },
  cos: { arity: [1, 1], fn: Math.cos },
  tan: { arity: [1, 1], fn: Math.tan },
  asin: { arity: [1, 1], fn: Math.asin },
  acos: { arity: [1, 1], fn: Math.acos },
  atan: { arity: [1, 1], fn: Math.atan },
  ln: { arity: [1, 1], fn: Math.log },
  log: {
    arity: [1, 2],
    fn: (x, base) => (base === undefined ? Math.log10(x) : Math.log(x) / Math.log(base)),
  },
  exp: { arity: [1, 1], fn: Math.exp },
  floor: { arity: [1, 1], fn: Math.floor },
  ceil: { arity: [1, 1], fn: Math.ceil },
  round: { arity: [1, 1], fn: Math.round },
  min: { arity: [1, 64], fn: Math.min },
  max: { arity: [1, 64], fn: Math.max },
};
const constants: Record<string, number> = { pi: Math.PI, e: Math.E, tau: 2 * Math.PI };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const number = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(source.slice(i));
    if (number) {
      tokens.push({ kind: 'number', value: Number(number[0]), at: i });
      i += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (name) {
      tokens.push({ kind: 'name', value: name[0].toLowerCase(), at: i });
      i += name[0].length;
      continue;
    }
    if (source.startsWith('**', i)) {
      tokens.push({ kind: 'op', value: '^', at: i });
      i += 2;
      continue;
    }
    if ('+-*/%^(),'.includes(ch)) {
      tokens.push({ kind: 'op', value: ch, at: i });
      i++;
      continue;
    }
    throw new ExpressionError(`Unexpected character ${JSON.stringify(ch)}`, i);
  }
  return tokens;
}

/**
 * Evaluates an arithmetic expression with a recursive-descent parser (no `eval`): numbers, `+ - * / % ^`
 * (`**` too), parentheses, unary minus, constants (pi, e, tau) and functions (sqrt, sin, log, min, ...).
 * Throws `ExpressionError` with the position of the problem.
 */
export function evaluateExpression(source: string): number {
  if (source.length > 1000) throw new ExpressionError('Expression longer than 1000 characters', 1000);
  const tokens = tokenize(source);
  let pos = 0;
  let depth = 0;
  const peek = () => tokens[pos];
  const at = () => tokens[pos]?.at ?? source.length;
  const isOp = (value: string) => {
    const token = peek();
    return token?.kind === 'op' && token.value === value;
  };
  const expect = (value: string) => {
    if (!isOp(value)) throw new ExpressionError(`Expected "${value}"`, at());
    pos++;
  };

  function expression(): number {
    if (++depth > 200) throw new ExpressionError('Expression nested too deeply', at());
    let value = term();
    while (isOp('+') || isOp('-')) {
      const op = (tokens[pos++] as Token).value;
      const right = term();
      value = op === '+' ? value + right : value - right;
    }
    depth--;
    return value;
  }
  function term(): number {
    let value = unary();
    while (isOp('*') || isOp('/') || isOp('%')) {
      const token = tokens[pos++] as Token;
      const right = unary();
      if ((token.value === '/' || token.value === '%') && right === 0)
        throw new ExpressionError('Division by zero', token.at);
      value = token.value === '*' ? value * right : token.value === '/' ? value / right : value % right;
    }
    return value;
  }
  function unary(): number {
    if (isOp('-')) {
      pos++;
      return -unary();
    }
    if (isOp('+')) {
      pos++;
      return unary();
    }
    return power();
  }
  function power(): number {
    const base = primary();
    if (isOp('^')) {
      pos++;
      return base ** unary(); // right-associative: 2^3^2 = 2^9
    }
    return base;
  }
  function primary(): number {
    const token = peek();
    if (!token) throw new ExpressionError('Unexpected end of expression', source.length);
    if (token.kind === 'number') {
      pos++;
      return token.value;
    }
    if (token.kind === 'name') {
      pos++;
      if (isOp('(')) {
        // Own properties only: `constructor` or `__proto__` must not reach Object.prototype.
        const fn = Object.hasOwn(functions, token.value) ? functions[token.value] : undefined;
        if (!fn) throw new ExpressionError(`Unknown function "${token.value}"`, token.at);
        pos++;
        const args = [expression()];
        while (isOp(',')) {
          pos++;
          args.push(expression());
        }
        expect(')');
        if (args.length < fn.arity[0] || args.length > fn.arity[1])
          throw new ExpressionError(
            `${token.value}() takes ${fn.arity.join('-')} arguments, got ${args.length}`,
            token.at,
          );
        return fn.fn(...args);
      }
      const constant = Object.hasOwn(constants, token.value) ? constants[token.value] : undefined;
      if (constant === undefined) throw new ExpressionError(`Unknown name "${token.value}"`, token.at);
      return constant;
    }
    if (token.value === '(') {
      pos++;
      const value = expression();
      expect(')');
      return value;
    }
    throw new ExpressionError(`Unexpected "${token.value}"`, token.at);
  }

  const value = expression();
  if (pos < tokens.length) throw new ExpressionError(`Unexpected "${(tokens[pos] as Token).value}"`, at());
  if (!Number.isFinite(value)) throw new ExpressionError('The result is not a finite number', 0);
  return value;
}

/** `calculator`: evaluates an arithmetic expression exactly as `evaluateExpression` does. */
export function calculatorTool(): ToolDefinition {
  return defineTool({
    name: 'calculator',
    description:
      'Evaluate an arithmetic expression, e.g. "2 * (3 + 4) ^ 2 / sqrt(16)". Supports + - * / % ^, parentheses, pi, e, sqrt, sin, cos, tan, log, ln, exp, abs, min, max, round, floor, ceil.',
    input: z.object({ expression: z.string().min(1) }),
    effects: {},
    run: ({ expression }) => ({ expression, result: evaluateExpression(expression) }),
  });
}
