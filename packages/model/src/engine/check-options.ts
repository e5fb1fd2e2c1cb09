import { EngineOptionsError } from '../errors/engine-options-error.js';

/** The JavaScript type an option must have (`typeof`, except `'object'`: a plain object, not null or an array). */
export type OptionType = 'string' | 'number' | 'boolean' | 'object';

/** Each option a factory takes: its type and whether it must be given. */
export type OptionsShape = Record<string, { type: OptionType; required?: boolean }>;

/**
 * Checks a public factory's options at runtime, where TypeScript cannot (JavaScript callers, `as any`,
 * options read from JSON), so a wrong key fails with a message that names it instead of a TypeError
 * deep inside the engine.
 *
 * @throws EngineOptionsError on a missing or ill-typed required option, an ill-typed optional one, or an
 *   unknown key (suggesting the known key it resembles).
 */
export function checkOptions(factory: string, options: unknown, shape: OptionsShape): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new EngineOptionsError(factory, `expected an options object, got ${describe(options)}`);
  }
  const given = options as Record<string, unknown>;
  const known = Object.keys(shape);
  for (const key of Object.keys(given)) {
    if (known.includes(key) || given[key] === undefined) continue;
    const meant = closestKey(key, known);
    throw new EngineOptionsError(
      factory,
      `unknown option "${key}"${meant ? ` (did you mean "${meant}"?)` : ''}; it takes ${known.join(', ')}`,
    );
  }
  for (const [key, { type, required }] of Object.entries(shape)) {
    const value = given[key];
    if (value === undefined) {
      if (required) throw new EngineOptionsError(factory, `option "${key}" (${type}) is required`);
      continue;
    }
    const matches =
      type === 'object'
        ? typeof value === 'object' && value !== null && !Array.isArray(value)
        : typeof value === type;
    if (!matches)
      throw new EngineOptionsError(
        factory,
        `option "${key}" must be ${withArticle(type)}, got ${describe(value)}`,
      );
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the string ${JSON.stringify(value)}` : withArticle(typeof value);
}

function withArticle(type: string): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

/** The known key an unknown one was probably meant to be: same letters in another case, or a small typo. */
function closestKey(key: string, known: string[]): string | undefined {
  const sameLetters = known.find((candidate) => candidate.toLowerCase() === key.toLowerCase());
  if (sameLetters) return sameLetters;
  return known.find((candidate) => editDistance(candidate.toLowerCase(), key.toLowerCase()) <= 2);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
}
