import { describe, expect, it } from 'vitest';
import { checkShortAnswer, normaliseText, numbersIn, shortAnswerMutations } from './short-answer.js';

describe('checkShortAnswer', () => {
  const total = { kind: 'number' as const, expected: '854' };
  const city = { kind: 'text' as const, expected: 'Trondheim' };

  it('accepts a number however it is written, judged by the last number in the reply', () => {
    for (const reply of ['854', '854.00', '$854.00', 'The total is $854.', '**854**', 'Answer: 854 dollars'])
      expect(checkShortAnswer(total, reply), reply).toMatchObject({ correct: true });
    expect(checkShortAnswer({ kind: 'number', expected: '1234.5' }, '1,234.50')).toMatchObject({
      correct: true,
    });
    expect(checkShortAnswer({ kind: 'number', expected: '-3' }, 'minus: -3')).toMatchObject({
      correct: true,
    });
  });

  it('refuses a wrong number, a reply without a number and an empty reply, saying which', () => {
    expect(checkShortAnswer(total, '845')).toMatchObject({
      correct: false,
      errorType: 'short_answer:wrong_value',
      reason: "expected 854, the reply's (last) number is 845",
    });
    // The last number is the one that counts: a reply that ends on another number is wrong.
    expect(checkShortAnswer(total, '854 in 6 orders')).toMatchObject({ correct: false });
    expect(checkShortAnswer(total, 'eight hundred fifty-four')).toMatchObject({
      correct: false,
      errorType: 'short_answer:no_number',
    });
    expect(checkShortAnswer(total, '  ')).toMatchObject({ correct: false, errorType: 'short_answer:empty' });
  });

  it('compares text after normalising case, quotes, emphasis, whitespace and end punctuation', () => {
    for (const reply of ['Trondheim', 'trondheim.', '  "Trondheim" ', '**TRONDHEIM**', 'Answer: Trondheim'])
      expect(checkShortAnswer(city, reply), reply).toMatchObject({ correct: true });
    expect(checkShortAnswer({ kind: 'text', expected: 'Lena  Fischer' }, 'lena fischer')).toMatchObject({
      correct: true,
    });
    for (const reply of ['Oslo', 'Trondheim, Norway', 'The city is Trondheim'])
      expect(checkShortAnswer(city, reply), reply).toMatchObject({
        correct: false,
        errorType: 'short_answer:wrong_value',
      });
  });

  it('reads numbers with separators, currency and minus signs, and not words', () => {
    expect(numbersIn('-$1,234.50 and 7% of 12')).toEqual([-1234.5, 7, 12]);
    expect(numbersIn('twelve')).toEqual([]);
    expect(normaliseText('The answer is  “Express”!')).toBe('express');
  });

  it("makes mutant answers that each fail with the fault's error", () => {
    for (const answer of [total, city])
      for (const mutated of shortAnswerMutations('case', answer))
        expect(checkShortAnswer(answer, mutated.answer.text), mutated.fault).toMatchObject({
          correct: false,
          errorType: mutated.expectedErrorType,
        });
    expect(shortAnswerMutations('case', total)).toHaveLength(3);
  });
});
