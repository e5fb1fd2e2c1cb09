import { HearthError } from '@hearth/engine';
import { CommanderError } from 'commander';

/** Exit codes that mean something, documented in `hearth --help` and the README. */
export const ExitCode = {
  success: 0,
  failure: 1,
  /** Bad usage or input: flags, an unknown preset, a missing file, input a run target refuses. */
  usage: 2,
  /** A model file or model process failed (bad GGUF, mismatched set, crash, offline, does not fit). */
  model: 3,
  /** `hearth run` paused: a tool call waits for `--resume <thread> --approve|--deny`. */
  approvalNeeded: 4,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The one place an error becomes an exit code: every `code` a Hearth error can carry (the classes'
 * static `codes`), mapped to what it means for the person at the terminal. A test checks that each
 * code the packages declare is here, so a new code cannot fall through to "failure" unnoticed.
 */
export const exitCodeByErrorCode: Readonly<Record<string, ExitCode>> = {
  // @hearth/cli
  USAGE: ExitCode.usage,
  RUN_NOT_FOUND: ExitCode.usage,
  RUN_NOT_CANCELLABLE: ExitCode.failure,
  RUN_CANCELLED: ExitCode.failure,
  EVAL_QUEUED_CASE_FAILED: ExitCode.failure,
  // @hearth/engine: media or a JSON Schema refused before any engine sees it
  JSON_SCHEMA_UNSUPPORTED: ExitCode.usage,
  STREAM_INCOMPLETE: ExitCode.failure,
  // @hearth/core
  RUN_INPUT: ExitCode.usage,
  CONFIG_UNREADABLE: ExitCode.usage,
  CONFIG_INVALID: ExitCode.usage,
  TOOL_MODULE_INVALID: ExitCode.usage,
  TOOL_INVALID: ExitCode.failure,
  TOOL_DUPLICATE: ExitCode.failure,
  TOOL_INPUT: ExitCode.failure,
  TOOL_NOT_FOUND: ExitCode.failure,
  TOOL_TIMEOUT: ExitCode.failure,
  TOOL_RESULT_INVALID: ExitCode.failure,
  CHECKPOINT_STORE: ExitCode.failure,
  CHECKPOINT_DAMAGED: ExitCode.failure,
  ENGINE_MISSING: ExitCode.failure,
  WORKFLOW_DEFINITION: ExitCode.failure,
  NO_OBJECT_GENERATED: ExitCode.failure,
  // @hearth/mcp
  MCP_HTTP_CONFIG: ExitCode.usage,
  MCP_CONNECTION: ExitCode.failure,
  // @hearth/gguf
  GGUF_INVALID: ExitCode.model,
  // @hearth/model: a preset name, quantisation or path that names nothing is bad input (2); a file
  // or model process that fails is a model failure (3).
  MODEL_UNKNOWN_PRESET: ExitCode.usage,
  MODEL_UNKNOWN_QUANTIZATION: ExitCode.usage,
  MODEL_FILE_NOT_FOUND: ExitCode.usage,
  MEDIA_INPUT: ExitCode.usage,
  SERVE_CONFIG: ExitCode.usage,
  MODEL_CRASHED: ExitCode.model,
  MODEL_DOWNLOAD: ExitCode.model,
  MODEL_MEMORY: ExitCode.model,
  MODEL_OFFLINE: ExitCode.model,
  MODEL_SET_MISMATCH: ExitCode.model,
  ENGINE_LOAD: ExitCode.model,
  ENGINE_OPTIONS: ExitCode.usage,
  TOOL_CHOICE_UNKNOWN: ExitCode.usage,
  ENGINE_NOT_BUILT: ExitCode.failure,
  ENGINE_BUILD_TOOLS: ExitCode.failure,
  ENGINE_BUILD_FAILED: ExitCode.failure,
  MODEL_GENERATOR_MISSING: ExitCode.failure,
  ENGINE_CAPABILITY: ExitCode.failure,
  GENERATION_FAILED: ExitCode.failure,
  OPENAI_REQUEST: ExitCode.failure,
  SERVE_REQUEST: ExitCode.failure,
  // @hearth/tools
  COMMAND_NOT_ALLOWED: ExitCode.failure,
  EXPRESSION_INVALID: ExitCode.failure,
  HOST_NOT_ALLOWED: ExitCode.failure,
  PATH_OUTSIDE_ROOT: ExitCode.failure,
  NOT_A_REGULAR_FILE: ExitCode.failure,
  SHELL_SANDBOX_UNAVAILABLE: ExitCode.failure,
  // @hearth/chromium (the browser tools, testkit screenshots)
  CHROMIUM_NOT_FOUND: ExitCode.failure,
  // @hearth/queue: a server that does not answer is a failure; a run id or state that does not fit
  // the command is bad input
  QUEUE_REDIS_UNREACHABLE: ExitCode.failure,
  QUEUE_POSTGRES_UNREACHABLE: ExitCode.failure,
  QUEUE_REDIS_VERSION: ExitCode.failure,
  QUEUE_POSTGRES_VERSION: ExitCode.failure,
  QUEUE_RUN_NOT_FOUND: ExitCode.usage,
  QUEUE_RUN_STATE: ExitCode.usage,
  QUEUE_CHILD_RUN_FAILED: ExitCode.failure,
  // @hearth/evals: a data, answers or results file that is not in its format
  EVAL_DATA: ExitCode.usage,
  // @hearth/testkit (`hearth testkit`, `hearth demo`)
  MEDIA_FORMAT: ExitCode.failure,
  SYSTEM_TOOL_MISSING: ExitCode.failure,
  SYSTEM_TOOL_FAILED: ExitCode.failure,
  SERVICE_START_FAILED: ExitCode.failure,
  SERVICE_STOP_FAILED: ExitCode.failure,
  SERVICE_STATE_MISSING: ExitCode.usage,
};

/** The exit code for an error that ended a command: by its Hearth `code`, else a plain failure. */
export function exitCodeFor(error: unknown): ExitCode {
  // Commander has already printed its own message (or the help / version text it was asked for).
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.success : ExitCode.usage;
  if (HearthError.isInstance(error)) return exitCodeByErrorCode[error.code] ?? ExitCode.failure;
  return ExitCode.failure;
}

/** Prints an error for a person (message only, stack with HEARTH_DEBUG=1) and returns its exit code. */
export function reportFailure(error: unknown): ExitCode {
  if (!(error instanceof CommanderError)) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`hearth: ${message}\n`);
    if (process.env.HEARTH_DEBUG && error instanceof Error && error.stack)
      process.stderr.write(`${error.stack}\n`);
  }
  return exitCodeFor(error);
}

/** Writes one JSON document to stdout (what `--json` promises). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
