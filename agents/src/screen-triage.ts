import { defineAgent } from '@hearth/core';
import { z } from 'zod';

/** What the triage agent reports. */
export const triageFindingsSchema = z.object({
  summary: z.string().max(300).describe('one or two sentences: what the user sees and what they said'),
  findings: z
    .array(
      z.object({
        severity: z.enum(['low', 'medium', 'high']),
        area: z.string().max(60).describe('the part of the screen, e.g. "login form"'),
        finding: z.string().max(200),
      }),
    )
    .max(5),
});
export type TriageFindings = z.infer<typeof triageFindingsSchema>;

/**
 * Screen triage: looks at a screenshot and listens to a spoken note (both reach the model as media,
 * never as text), and returns structured findings. No tools: it is one constrained model turn (two
 * when the first answer does not fit the schema).
 */
export const screenTriageAgent = defineAgent({
  name: 'screen-triage',
  description: 'Screenshot + spoken note -> a summary and findings with severities',
  instructions:
    'You triage user reports. You get a screenshot of what the user sees and a voice note in which they describe the problem. ' +
    'Say what is wrong on the screen, where, and how severe it is. Only report what the screenshot or the note supports.',
  defaultPrompt: 'Triage this report: the screenshot is what I see, the voice note says what is wrong.',
  model: 'gemma-4-12b',
  mode: 'constrained',
  output: triageFindingsSchema,
  maxSteps: 2,
  maxTokens: 1024,
});

export default screenTriageAgent;
