// @hearth/evals: suites of cases with their own checkers, a harness that runs them against two or more
// models on the same cases, and the statistics and reports of a run. Used by `hearth eval`.

export { type EpisodeRun, replayAnswer, runEpisode } from './episode.js';
export { EvalDataError } from './errors/eval-data-error.js';
export { FileHashCache } from './file-hash.js';
export {
  type AnswerEvalCaseOptions,
  answerEvalCase,
  type EvalModel,
  type PendingCase,
  type RunEvalsOptions,
  runEvals,
} from './harness.js';
export { type EvalModelOptions, evalModel } from './models.js';
export { mutantEngine, oracleEngine, type SuiteRun } from './reference-models.js';
export { renderReportHtml } from './report/html.js';
export { renderReportMarkdown } from './report/markdown.js';
export { type PublishedScore, publishedScores } from './report/published-reference.js';
export type { ResultRecord } from './result-record.js';
export * from './stats.js';
export type * from './suite.js';
export { isMultiStep } from './suite.js';
export {
  firstCasesAcrossCategories,
  loadSuites,
  parseAnswers,
  readAnswersFile,
  type ScoreReport,
  scoreAnswers,
  suiteNamed,
  suites,
} from './suites.js';
export type { ModelSummary, Rate, Summary } from './summary.js';
export { checkBfclAnswer, standardizeString } from './tool-calling/bfcl-checker.js';
export { bfclSchemaToJsonSchema } from './tool-calling/bfcl-schema.js';
export type * from './tool-calling/bfcl-types.js';
export { shippedToolCallingData, toolCallingSuite } from './tool-calling/suite.js';
