/**
 * A number written with a fraction or exponent that is nevertheless whole (`6.0`, `1e3`). JavaScript's
 * JSON.parse makes it the integer 6, but BFCL's checker (Python) sees a float and refuses it for an
 * integer parameter; answers files keep the difference with this wrapper. JSON.stringify writes the number.
 */
export class WholeFloat {
  constructor(readonly value: number) {}

  toJSON(): number {
    return this.value;
  }
}

const marker = '\u0000wholeFloat';
const numberToken = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]?.[0] === marker) return new WholeFloat(Number(entries[0][1]));
    return Object.fromEntries(entries.map(([key, item]) => [key, revive(item)]));
  }
  return value;
}

/** JSON.parse, except that whole numbers written as floats (`6.0`) become `WholeFloat`s. */
export function parseJsonKeepingWholeFloats(text: string): unknown {
  let marked = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (inString) {
      marked += char;
      if (char === '\\') marked += text[++i] ?? '';
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') {
      inString = true;
      marked += char;
      continue;
    }
    if (char === '-' || (char >= '0' && char <= '9')) {
      numberToken.lastIndex = i;
      const token = numberToken.exec(text)?.[0];
      if (token) {
        const whole = /[.eE]/.test(token) && Number.isInteger(Number(token));
        marked += whole ? `{${JSON.stringify(marker)}:${JSON.stringify(token)}}` : token;
        i += token.length - 1;
        continue;
      }
    }
    marked += char;
  }
  return revive(JSON.parse(marked));
}
