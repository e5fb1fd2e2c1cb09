import type { Message } from '@hearth/engine';
import type { z } from 'zod';
import { generateObject } from '../generate-object.js';
import { NoObjectGeneratedError } from '../generate-object-error.js';
import type { ModelTurn, StepDecision } from './mode-strategy.js';

/**
 * Decodes a turn under `schema` with `generateObject` and lets `decide` read the object. A reply the
 * schema rejects is an `unusable` decision with generateObject's reason, which the model is told.
 */
export async function decodeUnderSchema<Schema extends z.ZodType>(
  turn: ModelTurn,
  schema: Schema,
  decide: (object: z.output<Schema>, reply: Message) => StepDecision,
): Promise<StepDecision> {
  try {
    const { object, text } = await generateObject({
      engine: turn.engine,
      schema,
      messages: turn.messages,
      maxTokens: turn.maxTokens,
      sampling: turn.sampling,
      onToken: turn.onToken,
      ...(turn.signal ? { signal: turn.signal } : {}),
    });
    return decide(object, { role: 'assistant', content: text });
  } catch (error) {
    if (!NoObjectGeneratedError.isInstance(error)) throw error;
    return { kind: 'unusable', problem: error.reason, reply: { role: 'assistant', content: error.text } };
  }
}
