import { z } from 'zod';
import type { AnyRunTarget } from './run-target.js';

/**
 * Whether a target's input has room for attachments (screenshots, audio): agents and planners always
 * do; a workflow does when its input has an `attachments` field or passes unknown keys through. A
 * workflow whose input lists its fields without `attachments` would drop them silently (zod strips
 * unknown keys), so callers refuse `--image`/`--audio` for it instead.
 */
export function takesAttachments(target: AnyRunTarget): boolean {
  const schema = z.toJSONSchema(target.input, { io: 'input', unrepresentable: 'any' }) as {
    type?: unknown;
    properties?: Record<string, unknown>;
    additionalProperties?: unknown;
  };
  if (schema.type !== 'object' || !schema.properties) return true;
  if ('attachments' in schema.properties) return true;
  return schema.additionalProperties !== undefined && schema.additionalProperties !== false;
}
