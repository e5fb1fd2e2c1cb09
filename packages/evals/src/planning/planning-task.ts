import { z } from 'zod';
import type { EvalCase } from '../suite.js';

const call = z.object({ name: z.string().min(1), args: z.record(z.string(), z.unknown()) });

/**
 * What one file in the work folder must hold at the end, in exactly one of four ways: the same text
 * (surrounding space ignored), a number, JSON equal to a value (key order and formatting ignored), or
 * these lines (blank lines and surrounding space ignored).
 */
const fileCheck = z
  .object({
    path: z.string().min(1),
    equals: z.string().optional(),
    number: z.number().optional(),
    json: z.unknown().optional(),
    lines: z.array(z.string()).optional(),
  })
  .refine(
    (check) => ['equals', 'number', 'json', 'lines'].filter((key) => key in check).length === 1,
    'give exactly one of equals, number, json or lines',
  );

/** A path that stays inside its folder: relative, with no `..` segment (a task's data must not write or read outside). */
const insidePath = z
  .string()
  .min(1)
  .refine(
    (path) => !/^([/\\]|[A-Za-z]:)/.test(path) && !path.split(/[/\\]/).includes('..'),
    'use a relative path inside the folder (no leading / and no ..)',
  );

/** One task of `evals/planning/data/tasks.json`. */
export const planningTaskSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9_]+$/, 'use lower-case letters, digits and _'),
    category: z.string().min(1),
    /** The one instruction the user gives; the agent plans and carries out the steps. */
    prompt: z.string().min(1),
    /** Files the work folder starts with (relative path: text). */
    files: z.record(insidePath, z.string()).default({}),
    /** Images (.png) and audio (.wav) given with the prompt, relative to the data folder. */
    attachments: z
      .array(insidePath.regex(/\.(png|wav)$/, 'attachments are .png images or .wav audio'))
      .default([]),
    /** The ground truth: the calls a right agent makes, one tool turn each, then its answer. */
    actions: z.array(call),
    reply: z.string().min(1),
    expect: z.object({
      files: z.array(fileCheck),
      /** Values the answer must state (whole words or numbers). */
      answerIncludes: z.array(z.string().min(1)),
      /** Steps the answer must cite: the files it read or wrote, say. */
      cites: z.array(z.string().min(1)),
      /** Steps that must have been taken: calls that succeeded with at least these arguments. */
      calls: z.array(call),
    }),
  })
  .refine(
    (task) =>
      task.expect.files.length +
        task.expect.calls.length +
        task.expect.answerIncludes.length +
        task.expect.cites.length >
      0,
    {
      path: ['expect'],
      message: 'expect at least one file, call, answer value or cited step (else any answer passes)',
    },
  );

export type PlanningTask = z.infer<typeof planningTaskSchema>;
export type FileCheck = PlanningTask['expect']['files'][number];

/** A planning case: its task and where its attachments are. */
export interface PlanningCase extends EvalCase {
  task: PlanningTask;
  /** Absolute paths of the attachments. */
  attachments: string[];
}

/** The work folder at the end: each regular file's path (with `/`) and text. */
export type WorkFolder = Record<string, string>;
