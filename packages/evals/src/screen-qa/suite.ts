import { join } from 'node:path';
import { hearthHome } from '@hearth/engine';
import { shippedData } from '../shipped-data.js';
import { checkShortAnswer, shortAnswerMutations } from '../short-answer/short-answer.js';
import type { MutatedAnswer, Suite } from '../suite.js';
import { loadScreenQaFolder } from './load-screen-qa.js';
import type { ScreenQaCase } from './screen-qa-types.js';

/** The cases this package ships (from the repository's `evals/screen-qa/data`). */
export const shippedScreenQaData = shippedData('screen-qa');

const instructions =
  'You answer questions about a screenshot. Reply with the answer only: a number or a few words as ' +
  'written on the screen, no sentence and no explanation.';

/** Screen QA: a page rendered in Chromium, a question about it; the answer is read from the page's DOM. */
export const screenQaSuite: Suite<ScreenQaCase> = {
  name: 'screen-qa',
  description:
    'questions about pages rendered in Chromium (tables, charts, forms, error banners), the screenshot given as an image',
  load: (dataDir = shippedScreenQaData, context) =>
    loadScreenQaFolder(dataDir, join(context?.mediaDir ?? join(hearthHome(), 'evals', 'media'), 'screen-qa')),
  needs: () => ['image'],
  request: (testCase) => ({
    messages: [
      { role: 'system', content: instructions },
      {
        role: 'user',
        content: [
          { type: 'image', image: testCase.screenshot, mimeType: 'image/png' },
          { type: 'text', text: testCase.question },
        ],
      },
    ],
  }),
  answer: (testCase, result) => ({ id: testCase.id, calls: [], text: result.text }),
  check: (testCase, answer) => checkShortAnswer(testCase, answer.text),
  oracleAnswer: (testCase) => ({ id: testCase.id, calls: [], text: testCase.expected }),
  mutantAnswer(testCase, index) {
    const faults = shortAnswerMutations(testCase.id, testCase);
    return faults[index % faults.length] as MutatedAnswer;
  },
  replay: (_testCase, answer) => ({ text: answer.text, toolCalls: [] }),
};
