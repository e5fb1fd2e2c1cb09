// @hearth/core: tools, agents, workflows, the planner, checkpoints and run events. It speaks only the
// @hearth/engine contract, so importing it loads no native module and no browser driver.
export type * from '@hearth/engine';
export { HearthError, hearthHome, runStatuses } from '@hearth/engine';
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
export type { ApprovalDecision, Approver, DeclaredEffects, Effects } from './approvals/approval-types.js';
export {
  approveAll,
  decisionFor,
  describeApprovalRequest,
  type Resumable,
  runWithApprovals,
  toolCallApprovalRequest,
} from './approvals/approver.js';
export {
  combineEffects,
  describeEffects,
  effectsNeedApproval,
  noEffects,
  toolEffects,
  toolNeedsApproval,
  toolSourceEffects,
} from './approvals/effects.js';
export { compactBytes } from './checkpoint-serde.js';
export {
  type CheckpointRepair,
  type CheckpointStoreReport,
  type CheckpointThread,
  inspectCheckpointStore,
  repairCheckpointStore,
} from './checkpoint-store.js';
export { type CheckpointerOption, defaultCheckpointPath, openCheckpointer } from './checkpointer.js';
export {
  type HearthConfig,
  hearthConfigSchema,
  loadHearthConfig,
  type McpServerConfig,
  mcpServersFromConfig,
  parseHearthConfig,
} from './config/hearth-config.js';
export { CheckpointDamagedError } from './errors/checkpoint-damaged-error.js';
export { CheckpointStoreError } from './errors/checkpoint-store-error.js';
export { DuplicateToolError } from './errors/duplicate-tool-error.js';
export { HearthConfigError } from './errors/hearth-config-error.js';
export { InvalidToolError } from './errors/invalid-tool-error.js';
export { MissingEngineError } from './errors/missing-engine-error.js';
export { RunInputError } from './errors/run-input-error.js';
export { ToolInputError } from './errors/tool-input-error.js';
export { ToolNotFoundError } from './errors/tool-not-found-error.js';
export { ToolResultError } from './errors/tool-result-error.js';
export { ToolTimeoutError } from './errors/tool-timeout-error.js';
export { WorkflowDefinitionError } from './errors/workflow-definition-error.js';
export type { NodeEvent } from './events.js';
export {
  type FallbackObject,
  type GeneratedObject,
  type GenerateObjectOptions,
  type GenerateObjectResult,
  generateObject,
  type StructureLimits,
} from './generate-object.js';
export { NoObjectGeneratedError } from './generate-object-error.js';
export {
  type Attachment,
  attachmentFromBytes,
  attachmentFromFile,
  attachmentSchema,
  attachmentToContentPart,
  base64ToBytes,
  bytesToBase64,
} from './media.js';
export {
  definePlanner,
  type PlannerDefinition,
  type PlannerInput,
  type PlannerOutput,
  plannerInputSchema,
  type StepResult,
} from './planner/define-planner.js';
export {
  type ChildRunRequest,
  type RunChild,
  type RunEnvironment,
  type ToolLedger,
  type ToolSource,
  toolCallKey,
} from './runtime.js';
export { callTool, type ToolOutcome } from './tool-runner.js';
export {
  audioResult,
  defineTool,
  imageResult,
  isToolDefinition,
  isToolResult,
  normalizeToolOutput,
} from './tools/define-tool.js';
export { loadToolsFromDirectory, toolsFromModule } from './tools/load-tools.js';
export {
  errorResult,
  type ToolCallOptions,
  ToolRegistry,
  type ToolRegistryOptions,
} from './tools/tool-registry.js';
export {
  type ToolMessagePart,
  toolInputJsonSchema,
  toolResultToMessageContent,
  toolSpecFromDefinition,
} from './tools/tool-schema.js';
export type * from './tools/tool-types.js';
export {
  defineWorkflow,
  type EdgeSpec,
  END,
  type FanOut,
  type FunctionNode,
  fanOut,
  type InputOf,
  type NodeContext,
  type NodePolicy,
  type NodeSpec,
  type OutputOf,
  START,
  type TargetNode,
  type ToolNode,
  type WorkflowDefinition,
} from './workflow/define-workflow.js';
export { type RunCall, summarizeRun } from './workflow/run-summary.js';
export {
  type AnyRunTarget,
  type MadeTool,
  type RunGraph,
  type RunOptions,
  type RunResult,
  RunTarget,
} from './workflow/run-target.js';
export { takesAttachments } from './workflow/takes-attachments.js';
