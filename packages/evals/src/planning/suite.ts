import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { ContentPart } from '@hearth/engine';
import { calculatorTool, fsTools } from '@hearth/tools';
import { EvalDataError } from '../errors/eval-data-error.js';
import { shippedData } from '../shipped-data.js';
import {
  type AnswerCall,
  actionTurns,
  type MediaNeed,
  type MultiStepSuite,
  type MutatedScript,
} from '../suite.js';
import { parseTaskFile } from '../task-file.js';
import { checkPlanningOutcome } from './planning-checker.js';
import {
  type PlanningCase,
  type PlanningTask,
  planningTaskSchema,
  type WorkFolder,
} from './planning-task.js';

/** The tasks this package ships (from the repository's `evals/planning/data`). */
export const shippedPlanningData = shippedData('planning');

/** Model turns per case: the longest ground truth takes 5, with room for a model that looks around first. */
const maxSteps = 10;

const system =
  'You are a careful planning agent working in a folder of files. Work out the steps the task needs, then carry ' +
  'them out one at a time with the tools: fs_list, fs_read and fs_search to look at files, fs_write to write them ' +
  '(paths are relative to the folder), and calculator for any arithmetic. Write files exactly as asked, with ' +
  'nothing extra. When the work is done, answer in a sentence or two.';

const mediaOf = (path: string): MediaNeed => (path.endsWith('.png') ? 'image' : 'audio');

/** Every regular file under `root`, by its path relative to it (with `/`), as text. */
async function readWorkFolder(root: string, dir = root): Promise<WorkFolder> {
  const folder: WorkFolder = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(folder, await readWorkFolder(root, path));
    else if (entry.isFile()) folder[relative(root, path).split(sep).join('/')] = await readFile(path, 'utf8');
  }
  return folder;
}

/** A file's content made wrong: a number one off, the first number in a text one off, or the lines reversed. */
function wrongContent(content: string): string {
  if (/^\s*-?\d+(\.\d+)?\s*$/.test(content)) return String(Number(content) + 1);
  if (/\d/.test(content)) return content.replace(/\d+/, (digits) => String(Number(digits) + 1));
  return `${content.trim().split('\n').reverse().join('\n')}\n`;
}

const sameCall = (call: AnswerCall, wanted: AnswerCall) =>
  call.name === wanted.name &&
  Object.entries(wanted.args).every(
    ([name, value]) => JSON.stringify(call.args[name]) === JSON.stringify(value),
  );

/**
 * The faults that apply to a task: a file written with a wrong value, the last write left out, a
 * required step skipped, and (the mutant's last reply names its fault instead of the right answer) an
 * answer that states no value or cites no step.
 */
function faultsFor(task: PlanningTask): MutatedScript[] {
  const faults: MutatedScript[] = [];
  const writeIndex = task.actions.findLastIndex((action) => action.name === 'fs_write');
  const write = task.actions[writeIndex];
  if (write) {
    const path = String(write.args.path);
    const withWrite = (replacement: AnswerCall[]) => [
      ...task.actions.slice(0, writeIndex),
      ...replacement,
      ...task.actions.slice(writeIndex + 1),
    ];
    faults.push({
      turns: actionTurns(
        withWrite([{ ...write, args: { ...write.args, content: wrongContent(String(write.args.content)) } }]),
        task.reply,
      ),
      fault: 'wrong value in a file',
      expectedErrorType: 'file_content',
    });
    faults.push({
      turns: actionTurns(withWrite([]), task.reply),
      fault: 'missing call',
      // A file the folder started with is still there, with its old content.
      expectedErrorType: path in task.files ? 'file_content' : 'file_missing',
    });
  }
  const required = task.expect.calls[0];
  if (required)
    faults.push({
      turns: actionTurns(
        task.actions.filter((action) => !sameCall(action, required)),
        task.reply,
      ),
      fault: 'a required step skipped',
      expectedErrorType: 'step_missing',
    });
  const silent =
    task.expect.answerIncludes.length > 0
      ? 'answer_missing_value'
      : task.expect.cites.length > 0
        ? 'step_not_cited'
        : null;
  if (silent)
    faults.push({
      turns: actionTurns(task.actions, task.reply),
      fault: 'an answer that says nothing of the work',
      expectedErrorType: silent,
    });
  return faults;
}

/**
 * `planning`: one instruction that takes several steps — read files, compute with the calculator,
 * write files, look at an attached image or listen to a voice note — in a fresh work folder per case x
 * model x trial, with Hearth's own `fs_*` and `calculator` tools. Scored by the end state: the files
 * written and their content, the values the answer states, the steps it cites and the calls it made.
 */
export const planningSuite: MultiStepSuite<PlanningCase, WorkFolder> = {
  kind: 'multi-step',
  name: 'planning',
  description:
    'multi-step tasks with fs and calculator tools and attachments; scored by the files written, values and steps',

  async load(dataDir = shippedPlanningData) {
    const file = join(dataDir, 'tasks.json');
    if (!existsSync(file))
      throw new EvalDataError(
        `${file} is missing: a planning data folder holds tasks.json (and the attachments it names)`,
      );
    const tasks = parseTaskFile(await readFile(file, 'utf8'), file, planningTaskSchema);
    return {
      suite: 'planning',
      dataDir,
      cases: tasks.map((task) => {
        const attachments = task.attachments.map((path) => join(dataDir, path));
        for (const [index, path] of attachments.entries())
          if (!existsSync(path))
            throw new EvalDataError(
              `${file}: task ${task.id}: attachment ${task.attachments[index]} is not in ${dataDir}`,
            );
        return { id: task.id, category: task.category, task, attachments };
      }),
      unscorable: [],
      skipped: [],
    };
  },

  needs: (testCase) => [...new Set(testCase.attachments.map(mediaOf))],

  async episode(testCase, workDir) {
    for (const [path, content] of Object.entries(testCase.task.files)) {
      await mkdir(dirname(join(workDir, path)), { recursive: true });
      await writeFile(join(workDir, path), content);
    }
    const media = testCase.attachments.map(
      (path): ContentPart =>
        mediaOf(path) === 'image'
          ? { type: 'image', image: path, mimeType: 'image/png' }
          : { type: 'audio', audio: path, mimeType: 'audio/wav' },
    );
    return {
      system,
      userTurns: [
        media.length === 0 ? testCase.task.prompt : [{ type: 'text', text: testCase.task.prompt }, ...media],
      ],
      tools: [...fsTools({ root: workDir }), calculatorTool()],
      maxSteps,
      endState: () => readWorkFolder(workDir),
      close: async () => {},
    };
  },

  check: (testCase, outcome) => checkPlanningOutcome(testCase.task, outcome),

  oracleTurns: (testCase) => actionTurns(testCase.task.actions, testCase.task.reply),

  mutantTurns(testCase, index) {
    const faults = faultsFor(testCase.task);
    return faults[index % faults.length] as MutatedScript;
  },
};
