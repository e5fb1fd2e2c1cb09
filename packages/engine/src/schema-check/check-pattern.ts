import { schemaLimits } from './limits.js';

/**
 * Says why a `pattern` is outside the safe subset, or returns undefined when it is inside: anchored
 * with `^...$`, at most `maxPatternChars` long, a valid regular expression, no backreferences or
 * lookarounds, no anchors inside, `{n,m}` no larger than `maxPatternRepeat`, and no repeated group
 * whose repetitions can overlap: a group holding a quantifier must also hold a literal character
 * that every pass consumes (`(-[a-z]+)*` is fine, `(a+)+` and `([a-z]+|x)*` are exponential for
 * backtracking matchers such as the JS validator that checks the reply).
 */
export function patternProblem(pattern: string): string | undefined {
  if (pattern.length > schemaLimits.maxPatternChars) {
    return `pattern is ${pattern.length} characters; at most ${schemaLimits.maxPatternChars} are accepted`;
  }
  try {
    new RegExp(pattern, 'u');
  } catch (error) {
    return `pattern is not a valid regular expression (${(error as Error).message})`;
  }
  if (!pattern.startsWith('^') || !pattern.endsWith('$') || pattern.endsWith('\\$')) {
    return `pattern ${JSON.stringify(pattern)} must be anchored: start with ^ and end with $`;
  }
  const body = pattern.slice(1, -1);
  // One frame per open group: whether something inside is quantified, whether every pass through it
  // must consume a literal character (which keeps repetitions of it from overlapping), and whether
  // it has alternatives (then one branch's literal protects nothing).
  type Frame = { quantified: boolean; literal: boolean; alternatives: boolean };
  const groups: Frame[] = [{ quantified: false, literal: false, alternatives: false }];
  const top = () => groups[groups.length - 1] as Frame;
  let atom: 'none' | 'literal' | 'class' | { group: Frame } = 'none';
  const commitAtom = () => {
    if (atom === 'literal') top().literal = true;
    atom = 'none';
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    let repeat = c === '*' || c === '+' || c === '?';
    if (c === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(body.slice(i));
      if (match) {
        const largest = Math.max(Number(match[1]), Number(match[3] || 0));
        if (largest > schemaLimits.maxPatternRepeat) {
          return `pattern repeats {${match[1]}${match[2] ?? ''}}; at most ${schemaLimits.maxPatternRepeat} repetitions are supported`;
        }
        i += match[0].length - 1;
        repeat = true;
      }
    }
    if (repeat) {
      // A lazy `?` right after a quantifier qualifies it; it does not repeat anything again.
      if (atom === 'none') continue;
      if (typeof atom === 'object') {
        const inner = atom.group;
        if (inner.quantified && (!inner.literal || inner.alternatives)) {
          return `pattern ${JSON.stringify(pattern)} repeats a group whose own repetitions can overlap (like (a+)+), which can take exponential time`;
        }
      }
      top().quantified = true;
      atom = 'none';
      continue;
    }
    commitAtom();
    if (c === '\\') {
      const next = body[i + 1] ?? '';
      if (/[1-9k]/.test(next)) return 'pattern uses a backreference, which is not supported';
      i++;
      atom = /[A-Za-z0-9]/.test(next) ? 'class' : 'literal';
    } else if (c === '[') {
      i++;
      if (body[i] === '^') i++;
      if (body[i] === ']') i++;
      while (i < body.length && body[i] !== ']') i += body[i] === '\\' ? 2 : 1;
      atom = 'class';
    } else if (c === '(') {
      if (body[i + 1] === '?') {
        if (body[i + 2] !== ':')
          return 'pattern uses a lookaround or named group; only (...) and (?:...) are supported';
        i += 2;
      }
      groups.push({ quantified: false, literal: false, alternatives: false });
      if (groups.length > 10) return 'pattern nests groups more than 9 deep';
    } else if (c === ')') {
      const inner = groups.pop() as Frame;
      const parent = top();
      parent.quantified ||= inner.quantified;
      parent.literal ||= inner.literal && !inner.alternatives;
      atom = { group: inner };
    } else if (c === '|') {
      top().alternatives = true;
    } else if (c === '^' || c === '$') {
      return 'pattern has an anchor inside it; only a leading ^ and a trailing $ are supported';
    } else {
      atom = c === '.' ? 'class' : 'literal';
    }
  }
  return undefined;
}
