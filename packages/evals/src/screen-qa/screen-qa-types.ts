import type { ShortAnswerKind } from '../short-answer/short-answer.js';
import type { EvalCase } from '../suite.js';

/** A screen-qa case: a question about a rendered page, its screenshot and the answer read from its DOM. */
export interface ScreenQaCase extends EvalCase {
  question: string;
  /** The page's HTML file, relative to the data folder's `pages/`. */
  page: string;
  kind: ShortAnswerKind;
  /** The right answer, read from the rendered page's DOM by the case's `answer` expression. */
  expected: string;
  /** The PNG the model sees. */
  screenshot: string;
}
