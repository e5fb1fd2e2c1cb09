import type { AnyRunTarget } from '@hearth/core';
import { researchAgent } from './research.js';
import { screenTriageAgent } from './screen-triage.js';

export { type ResearchAnswer, researchAgent, researchAnswerSchema, researchTools } from './research.js';
export { screenTriageAgent, type TriageFindings, triageFindingsSchema } from './screen-triage.js';

/** The example agents by name: what `hearth run <name>` and `hearth mcp serve` offer. */
export const examples: Record<string, AnyRunTarget> = {
  [screenTriageAgent.name]: screenTriageAgent,
  [researchAgent.name]: researchAgent,
};
