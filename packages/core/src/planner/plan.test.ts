import { describe, expect, it } from 'vitest';
import { readObject } from '../generate-object.js';
import { freshStepIds, planJsonSchema, planSchema, repairPlan } from './plan.js';

describe('plans', () => {
  it('repairPlan keeps a DAG: drops duplicate and reused ids, forward and unknown dependencies', () => {
    const repaired = repairPlan(
      [
        { id: 's2', task: 'second', dependsOn: ['s3', 's1', 's9'] }, // s3 is later, s9 unknown: dropped; s1 finished: kept
        { id: 's3', task: ' ', dependsOn: ['s2', 's2'] },
        { id: 's2', task: 'duplicate', dependsOn: [] },
        { id: 's1', task: 'reuses a finished id', dependsOn: [] },
      ],
      'the goal',
      { used: ['s1'], finished: ['s1'] },
    );
    expect(repaired).toEqual([
      { id: 's2', task: 'second', dependsOn: ['s1'] },
      { id: 's3', task: 'the goal', dependsOn: ['s2'] },
    ]);
  });

  it('an empty or unusable plan becomes one step that is the goal', () => {
    expect(repairPlan([], 'do it', { used: ['s1', 's2'], finished: [] })).toEqual([
      { id: 's3', task: 'do it', dependsOn: [] },
    ]);
    expect(readObject('{"steps": [', planSchema(['s1'])).ok).toBe(false);
    expect(readObject('{"steps": [{"id": "s1"}]}', planSchema(['s1'])).ok).toBe(false);
  });

  it('fresh ids skip used ones, and the schema only allows them (plus finished ids as dependencies)', () => {
    expect(freshStepIds(['s1', 's3'], 3)).toEqual(['s2', 's4', 's5']);
    const schema = planJsonSchema(['s2', 's4'], ['s1']) as {
      properties: { steps: { maxItems: number; items: { properties: Record<string, unknown> } } };
    };
    expect(schema.properties.steps.maxItems).toBe(2);
    expect(schema.properties.steps.items.properties.id).toEqual({ enum: ['s2', 's4'] });
    expect(schema.properties.steps.items.properties.dependsOn).toMatchObject({
      items: { enum: ['s1', 's2', 's4'] },
    });
  });
});
