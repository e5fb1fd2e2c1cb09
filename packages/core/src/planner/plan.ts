import type { JsonSchema, PlanStep } from '@hearth/engine';
import { z } from 'zod';
import { advertiseJsonSchema } from '../generate-object.js';

export const planStepSchema = z.object({
  id: z.string(),
  task: z.string(),
  dependsOn: z.array(z.string()),
}) satisfies z.ZodType<PlanStep>;
/** The plan data types are the run vocabulary's (a `plan` event carries one), defined in @hearth/engine. */
export type { Plan, PlanStep } from '@hearth/engine';

/**
 * The schema a plan is decoded under. Step ids come from a fixed list (`fresh`), and dependencies may
 * only name ids from `finished` + `fresh`, so even a model with random weights produces a well-formed
 * plan; `repairPlan` then removes what a schema cannot forbid (cycles, duplicates).
 */
export function planJsonSchema(fresh: readonly string[], finished: readonly string[] = []): JsonSchema {
  return {
    type: 'object',
    properties: {
      steps: {
        type: 'array',
        minItems: 1,
        maxItems: fresh.length,
        items: {
          type: 'object',
          properties: {
            id: { enum: [...fresh] },
            task: { type: 'string', minLength: 1, maxLength: 240 },
            dependsOn: { type: 'array', maxItems: 4, items: { enum: [...finished, ...fresh] } },
          },
          required: ['id', 'task', 'dependsOn'],
          additionalProperties: false,
        },
      },
    },
    required: ['steps'],
    additionalProperties: false,
  };
}

/** `count` new step ids after those already used: s1, s2, ... */
export function freshStepIds(used: readonly string[], count: number): string[] {
  const taken = new Set(used);
  const ids: string[] = [];
  for (let n = 1; ids.length < count; n++) if (!taken.has(`s${n}`)) ids.push(`s${n}`);
  return ids;
}

/**
 * Makes a decoded plan safe to run: steps reusing an id (from this plan or an earlier one, `used`)
 * are dropped, and a step may only depend on steps listed before it or on `finished` ones, so the
 * graph is always a DAG; an empty plan becomes one step that is the goal itself.
 */
export function repairPlan(
  steps: readonly PlanStep[],
  goal: string,
  ids: { used: readonly string[]; finished: readonly string[] } = { used: [], finished: [] },
): PlanStep[] {
  const seen = new Set<string>();
  const repaired: PlanStep[] = [];
  for (const step of steps) {
    if (seen.has(step.id) || ids.used.includes(step.id)) continue;
    const allowed = new Set([...ids.finished, ...seen]);
    repaired.push({
      id: step.id,
      task: step.task.trim() || goal,
      dependsOn: [...new Set(step.dependsOn)].filter((id) => allowed.has(id)),
    });
    seen.add(step.id);
  }
  if (repaired.length === 0)
    repaired.push({ id: freshStepIds(ids.used, 1)[0] as string, task: goal, dependsOn: [] });
  return repaired;
}

/**
 * What a plan reply is read as: the model decodes under `planJsonSchema` (fixed ids), but the reply is
 * only checked for shape here; `repairPlan` then drops what does not fit instead of losing the plan.
 */
export function planSchema(fresh: readonly string[], finished: readonly string[] = []) {
  return advertiseJsonSchema(z.object({ steps: z.array(planStepSchema) }), planJsonSchema(fresh, finished));
}

/**
 * The final answer: decoded with `citedSteps` limited to the citable ids; read leniently, because
 * the planner filters the citations itself.
 */
export function answerSchema(citable: readonly string[]) {
  return advertiseJsonSchema(z.object({ answer: z.string(), citedSteps: z.array(z.string()) }), {
    type: 'object',
    properties: {
      answer: { type: 'string', minLength: 1, maxLength: 800 },
      citedSteps: {
        type: 'array',
        maxItems: Math.max(1, citable.length),
        items: { enum: citable.length > 0 ? [...citable] : ['none'] },
      },
    },
    required: ['answer', 'citedSteps'],
    additionalProperties: false,
  });
}
