import { z } from 'zod';
import type { EvalCase } from '../suite.js';
import type { ShopState } from './shop-state.js';

const call = z.object({ name: z.string().min(1), args: z.record(z.string(), z.unknown()) });
const cell = z.union([z.string(), z.number(), z.null()]);

/** A change the task expects in the end state: a keyed row's columns set, or a row appended. */
const change = z.union([
  z.object({
    table: z.string(),
    key: z.record(z.string(), cell),
    set: z.record(z.string(), cell),
  }),
  z.object({ table: z.string(), insert: z.record(z.string(), cell) }),
]);

/** One task of `evals/stateful/data/tasks.json`. */
export const shopTaskSchema = z.object({
  id: z.string().regex(/^[a-z0-9_]+$/, 'use lower-case letters, digits and _'),
  category: z.string().min(1),
  /**
   * The conversation: each user turn, the actions a right agent takes in answer (the ground truth, one
   * tool turn per action) and its reply.
   */
  turns: z
    .array(z.object({ user: z.string().min(1), actions: z.array(call), reply: z.string().min(1) }))
    .min(1),
  /** A refusal case: the write the user asks for and the policy forbids (what the mutant does). */
  forbidden: call.optional(),
  expect: z.object({
    /**
     * Policy 2: the customer's email, which `find_customer_by_email` must have found before the first
     * write (a right end state reached without checking who asks is a policy violation).
     */
    identityCheck: z.string().optional(),
    /** Every change from the seed database; any other difference fails the case. */
    changes: z.array(change),
    /** Facts the agent's replies must state (case-insensitive, as whole words or numbers). */
    replyIncludes: z.array(z.string().min(1)),
  }),
});

export type ShopTask = z.infer<typeof shopTaskSchema>;
export type ShopChange = ShopTask['expect']['changes'][number];

/** A stateful case: its task, the shop it starts from and the policy the agent is given. */
export interface StatefulCase extends EvalCase {
  task: ShopTask;
  seedSql: string;
  policy: string;
  /** The seed database's rows (what `expect.changes` apply to). */
  initial: ShopState;
}
