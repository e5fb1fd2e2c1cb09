export {
  type Agent,
  type AgentDefinition,
  type AgentInput,
  type AgentMode,
  type AgentOutput,
  agentInputSchema,
  defineAgent,
  type ToolLogEntry,
} from './agent/define-agent.js';
export { constrainedStepSchema } from './agent/step-schema.js';
export { type CheckpointerOption, defaultCheckpointPath, openCheckpointer } from './checkpointer.js';
export { CheckpointStoreError } from './errors/checkpoint-store-error.js';
export { MissingEngineError } from './errors/missing-engine-error.js';
export { PlannerInputError } from './errors/planner-input-error.js';
export { WorkflowDefinitionError } from './errors/workflow-definition-error.js';
export type { ApprovalRequest, NodeEvent, ToolCallRecord, WorkflowEvent } from './events.js';
export {
  type Attachment,
  attachmentFromBytes,
  attachmentFromFile,
  attachmentSchema,
  attachmentToContentPart,
} from './media.js';
export {
  definePlanner,
  type PlannerDefinition,
  type PlannerInput,
  type PlannerOutput,
  plannerInputSchema,
  type StepResult,
} from './planner/define-planner.js';
export type { Plan, PlanStep } from './planner/plan.js';
export type { RunEnvironment, ToolSource } from './runtime.js';
export { callTool, type ToolOutcome } from './tool-runner.js';
export {
  defineWorkflow,
  type EdgeSpec,
  END,
  type FanOut,
  fanOut,
  type NodeContext,
  type NodePolicy,
  type NodeSpec,
  START,
  type WorkflowDefinition,
} from './workflow/define-workflow.js';
export {
  type AnyRunnable,
  type ApprovalDecision,
  Runnable,
  type RunOptions,
  type RunResult,
  type StepRecord,
} from './workflow/runnable.js';
