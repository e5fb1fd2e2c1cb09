import { join } from 'node:path';
import { type AnyRunTarget, defineWorkflow, END, type Engine, START } from '@hearth/core';
import { hearthHome } from '@hearth/engine';
import { answerEvalCase, EvalDataError, evalModel, loadSuites, type SuiteRun } from '@hearth/evals';
import { z } from 'zod';
import { suiteContext } from './suite-context.js';

/** The target name `hearth eval run --queue` enqueues and `hearth worker` answers. */
export const evalCaseTargetName = 'hearth-eval-case';

/** The models the eval harness opens itself rather than as a model host: reference models and servers. */
export const isReferenceModel = (spec: string) => spec === 'oracle' || spec === 'mutant';

/** One case x model x trial, as `hearth eval run --queue` enqueues it. */
export const evalCaseInput = z.object({
  suite: z.string(),
  caseId: z.string(),
  /** The model's name in the run: a preset, `hf:` URI, `.gguf` path, server model id, or oracle/mutant. */
  model: z.string(),
  trial: z.number().int().min(0),
  trials: z.number().int().min(1),
  seed: z.number().int().min(0),
  maxTokens: z.number().int().min(1),
  /** `--cases`: the suite is cut the same way on the worker, so case ids and the mutant's faults match. */
  cases: z.number().int().min(1).optional(),
  /** `--data`: a folder on the worker's machine. */
  data: z.string().optional(),
  /** `--engine openai --base-url`: `model` is an id on this server (the key comes from the worker's OPENAI_API_KEY). */
  baseUrl: z.string().optional(),
});
export type EvalCaseInput = z.infer<typeof evalCaseInput>;

/**
 * The eval-case target of one worker process, with what it keeps between jobs: loaded suites (by suite,
 * data folder and case count) and the engines it opens itself, one per reference model or server model.
 * A local model's engine is the worker's own (`engineFor`, the job's `model`), shared with its other runs.
 */
export function evalCaseWorker(): { target: AnyRunTarget; close(): Promise<void> } {
  const loaded = new Map<string, Promise<SuiteRun>>();
  const engines = new Map<string, Promise<Engine>>();

  const suiteFor = (input: EvalCaseInput): Promise<SuiteRun> => {
    const key = JSON.stringify([input.suite, input.data ?? null, input.cases ?? null]);
    let run = loaded.get(key);
    if (!run) {
      // Media is rendered into the shared folder `hearth eval score` uses; files are keyed by content.
      run = loadSuites([input.suite], {
        ...(input.data ? { dataDir: input.data } : {}),
        ...(input.cases ? { cases: input.cases } : {}),
        context: suiteContext(join(hearthHome(), 'evals', 'media')),
      }).then(([only]) => only as SuiteRun);
      loaded.set(key, run);
      run.catch(() => loaded.delete(key));
    }
    return run;
  };

  const ownEngine = (input: EvalCaseInput, run: SuiteRun): Promise<Engine> => {
    const key = JSON.stringify(
      isReferenceModel(input.model)
        ? [input.model, input.suite, input.data ?? null, input.cases ?? null]
        : [input.model, input.baseUrl],
    );
    let engine = engines.get(key);
    if (!engine) {
      const apiKey = process.env.OPENAI_API_KEY;
      engine = evalModel(
        input.model,
        [run],
        input.baseUrl ? { engine: 'openai', baseUrl: input.baseUrl, ...(apiKey ? { apiKey } : {}) } : {},
      ).then((model) => model.open());
      engines.set(key, engine);
      engine.catch(() => engines.delete(key));
    }
    return engine;
  };

  const target = defineWorkflow({
    name: evalCaseTargetName,
    description:
      'answers one eval case with one model (hearth eval run --queue) and returns its result record',
    state: evalCaseInput.extend({ record: z.unknown().optional() }),
    input: evalCaseInput,
    output: (state) => state.record,
    nodes: {
      answer: {
        run: async (state, context) => {
          const run = await suiteFor(state);
          const testCase = run.loaded.cases.find((candidate) => candidate.id === state.caseId);
          if (!testCase)
            throw new EvalDataError(
              `suite ${state.suite} on this worker has no case ${state.caseId}${state.data ? ` in ${state.data}` : ''}: ` +
                'the workers must read the same suite data as the machine running hearth eval',
            );
          const engine =
            isReferenceModel(state.model) || state.baseUrl ? await ownEngine(state, run) : context.engine();
          const record = await answerEvalCase(run, testCase, state.model, state.trial, engine, {
            trials: state.trials,
            seed: state.seed,
            maxTokens: state.maxTokens,
            workRoot: context.environment.workdir,
          });
          return { record };
        },
      },
    },
    edges: [
      { from: START, to: 'answer' },
      { from: 'answer', to: END },
    ],
  });

  return {
    target,
    close: async () => {
      const opened = await Promise.allSettled(engines.values());
      await Promise.allSettled(
        opened.flatMap((settled) => (settled.status === 'fulfilled' ? [settled.value.close()] : [])),
      );
    },
  };
}
