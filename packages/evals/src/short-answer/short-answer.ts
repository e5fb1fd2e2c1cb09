import type { MutatedAnswer, Verdict } from '../suite.js';

/**
 * A one-value answer (a number, a name, a code) as the screen-qa and spoken suites ask for it: `number`
 * answers compare as numbers, `text` answers as normalised text.
 */
export type ShortAnswerKind = 'number' | 'text';

export interface ShortAnswer {
  kind: ShortAnswerKind;
  /** The right answer as text (for `number`, a decimal such as `1234.5`). */
  expected: string;
}

/**
 * Text as compared: Unicode-normalised, lower case, Markdown emphasis and quotes dropped, a leading
 * "answer:" or "the answer is" label dropped, whitespace collapsed and trailing sentence punctuation cut.
 */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[*_`"“”‘’]/g, '')
    .replace(/^\s*(the\s+answer\s+is|answer\s*:)\s*/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\s.!,;:]+$/, '');
}

/**
 * The numbers written in a text, in order: thousands separators (`1,234`), currency and percent signs
 * and a leading minus are understood (`-$1,234.50` is -1234.5); words (`twelve`) are not numbers.
 */
export function numbersIn(text: string): number[] {
  const matches = text.normalize('NFKC').match(/[-−]?\$?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-−]?\$?\d+(?:\.\d+)?/g);
  return (matches ?? []).map((match) => Number(match.replace(/[$,]/g, '').replace('−', '-')));
}

/** Equal up to floating-point noise in the last digits (sums of cents read from a page). */
const sameNumber = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * Checks a model's reply against a short answer. A number answer is right when the last number in the
 * reply is the expected one (so "The total is $1,234.50." and "1234.5" both count); a text answer when
 * the normalised reply equals the normalised expected text.
 */
export function checkShortAnswer(answer: ShortAnswer, reply: string): Verdict {
  if (reply.trim() === '')
    return { correct: false, reason: 'the reply is empty', errorType: 'short_answer:empty' };
  if (answer.kind === 'number') {
    const expected = Number(answer.expected);
    const last = numbersIn(reply).at(-1);
    if (last === undefined)
      return {
        correct: false,
        reason: `expected the number ${answer.expected}; the reply has no number: ${JSON.stringify(reply.slice(0, 200))}`,
        errorType: 'short_answer:no_number',
      };
    return sameNumber(last, expected)
      ? { correct: true, reason: `the reply's number ${last} is the expected ${answer.expected}` }
      : {
          correct: false,
          reason: `expected ${answer.expected}, the reply's (last) number is ${last}`,
          errorType: 'short_answer:wrong_value',
        };
  }
  const said = normaliseText(reply);
  return said === normaliseText(answer.expected)
    ? { correct: true, reason: `the reply is "${answer.expected}"` }
    : {
        correct: false,
        reason: `expected "${answer.expected}", the reply is ${JSON.stringify(reply.slice(0, 200))}`,
        errorType: 'short_answer:wrong_value',
      };
}

/**
 * The faults the `mutant` model applies to a short answer, each with the error it must cause: a wrong
 * value of the same kind, an empty reply and, for numbers, a reply without a number.
 */
export function shortAnswerMutations(id: string, answer: ShortAnswer): MutatedAnswer[] {
  const reply = (text: string) => ({ id, calls: [], text });
  const wrong = answer.kind === 'number' ? String(Number(answer.expected) + 7919) : `not ${answer.expected}`;
  return [
    { answer: reply(wrong), fault: 'wrong value', expectedErrorType: 'short_answer:wrong_value' },
    { answer: reply(''), fault: 'empty reply', expectedErrorType: 'short_answer:empty' },
    ...(answer.kind === 'number'
      ? [
          {
            answer: reply('I cannot tell.'),
            fault: 'no number in the reply',
            expectedErrorType: 'short_answer:no_number',
          },
        ]
      : []),
  ];
}
