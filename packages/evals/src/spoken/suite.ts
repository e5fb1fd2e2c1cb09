import { join } from 'node:path';
import { type ContentPart, hearthHome } from '@hearth/engine';
import { shippedData } from '../shipped-data.js';
import { checkShortAnswer, shortAnswerMutations } from '../short-answer/short-answer.js';
import type { MutatedAnswer, Suite } from '../suite.js';
import { toolCallingSuite } from '../tool-calling/suite.js';
import { loadSpokenFolder } from './load-spoken.js';
import type { SpokenCase } from './spoken-types.js';

/** The cases this package ships (from the repository's `evals/spoken/data`). */
export const shippedSpokenData = shippedData('spoken');

const questionInstructions =
  "Answer the user's question with the answer only: a number or a few words, no sentence and no explanation.";
const commandInstructions =
  "You are a voice assistant. Carry out the user's request by calling one of the tools.";

/** The user's turn: the recording for the audio form, the same words as text for the transcript form. */
const userTurn = (testCase: SpokenCase): string | ContentPart[] =>
  testCase.variant === 'audio'
    ? [{ type: 'audio', audio: testCase.audio as string, mimeType: 'audio/wav' }]
    : testCase.say;

/**
 * Spoken: questions (arithmetic, lookups in a directory) and commands (tool calls) spoken by espeak-ng.
 * Every case runs twice: heard as audio (n/a for models without audio input) and read as a transcript
 * (every model), so a model that cannot hear is still compared on the same questions.
 */
export const spokenSuite: Suite<SpokenCase> = {
  name: 'spoken',
  description:
    'spoken questions and commands (arithmetic, lookups, tool calls) heard as espeak-ng audio, and the same words as text',
  load: (dataDir = shippedSpokenData, context) =>
    loadSpokenFolder(dataDir, {
      ...context,
      mediaDir: context?.mediaDir ?? join(hearthHome(), 'evals', 'media'),
    }),
  needs: (testCase) => (testCase.variant === 'audio' ? ['audio'] : []),
  request(testCase) {
    if (testCase.toolCall)
      return {
        ...toolCallingSuite.request(testCase.toolCall),
        messages: [
          { role: 'system', content: commandInstructions },
          { role: 'user', content: userTurn(testCase) },
        ],
      };
    const system = testCase.context ? `${questionInstructions}\n\n${testCase.context}` : questionInstructions;
    return {
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: userTurn(testCase) },
      ],
    };
  },
  answer: (testCase, result) =>
    testCase.toolCall
      ? { ...toolCallingSuite.answer(testCase.toolCall, result), id: testCase.id }
      : { id: testCase.id, calls: [], text: result.text },
  check: (testCase, answer) =>
    testCase.toolCall
      ? toolCallingSuite.check(testCase.toolCall, answer)
      : checkShortAnswer(testCase.shortAnswer as NonNullable<SpokenCase['shortAnswer']>, answer.text),
  oracleAnswer: (testCase) =>
    testCase.toolCall
      ? { ...toolCallingSuite.oracleAnswer(testCase.toolCall), id: testCase.id }
      : { id: testCase.id, calls: [], text: testCase.shortAnswer?.expected ?? '' },
  mutantAnswer(testCase, index) {
    if (testCase.toolCall) {
      const mutated = toolCallingSuite.mutantAnswer(testCase.toolCall, index);
      return { ...mutated, answer: { ...mutated.answer, id: testCase.id } };
    }
    const faults = shortAnswerMutations(
      testCase.id,
      testCase.shortAnswer as NonNullable<SpokenCase['shortAnswer']>,
    );
    return faults[index % faults.length] as MutatedAnswer;
  },
  replay: (testCase, answer) =>
    testCase.toolCall
      ? toolCallingSuite.replay(testCase.toolCall, answer)
      : { text: answer.text, toolCalls: [] },
};
