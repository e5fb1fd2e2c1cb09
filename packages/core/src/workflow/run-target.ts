import { randomUUID } from 'node:crypto';
import type {
  ApprovalRequest,
  Engine,
  RunEvent,
  RunStatus,
  RunTargetKind,
  StepRecord,
  ToolCallRecord,
} from '@hearth/engine';
import {
  type BaseCheckpointSaver,
  Command,
  type LangGraphRunnableConfig,
  type StateSnapshot,
} from '@langchain/langgraph';
import type { z } from 'zod';
import type { ApprovalDecision, Effects } from '../approvals/approval-types.js';
import { decisionFor, runWithApprovals } from '../approvals/approver.js';
import { effectsNeedApproval } from '../approvals/effects.js';
import { type CheckpointerOption, defaultCheckpointPath, openCheckpointer } from '../checkpointer.js';
import { RunInputError } from '../errors/run-input-error.js';
import type { NodeEvent } from '../events.js';
import { type RunChild, type ToolLedger, withEnvironment } from '../runtime.js';
import { defineTool, toolResultFromOutput } from '../tools/define-tool.js';
import type { ToolDefinition } from '../tools/tool-types.js';

export interface RunOptions {
  /** The model for agent and planner nodes. */
  engine?: Engine;
  /** Root directory for file tools; default the current directory. */
  workdir?: string;
  /**
   * The run id, which is the LangGraph thread id: checkpoints are stored under it, and a thread holds
   * one run (a new run on a used thread is refused). Default: a new UUID.
   */
  threadId?: string;
  /** Default: SQLite at `$HEARTH_HOME/checkpoints.sqlite`; `memory` keeps nothing after the process. */
  checkpointer?: CheckpointerOption;
  signal?: AbortSignal;
  /** Called with every event as it happens (`stream` yields the same events). */
  onEvent?: (event: RunEvent) => void;
  /** Tool-result events carry the images and audio the tools returned, as base64 (a live view shows them). */
  eventMedia?: boolean;
  /** LangGraph's super-step limit (default 100): a guard against runaway cycles. */
  recursionLimit?: number;
  /** Records tool results so a re-delivered run reuses them (`@hearth/queue`'s effect ledger). */
  toolLedger?: ToolLedger;
  /**
   * Runs each `fanOut` branch whose node is an agent, planner or workflow elsewhere (`@hearth/queue`
   * makes it a child run on another worker) instead of as a subgraph in this process.
   */
  runChild?: RunChild;
}

export type { ApprovalDecision };

/** The value a paused node receives when the run resumes. */
export interface ApprovalResume {
  approved: boolean;
}

/** How one `run`/`resume` call stopped (a failed or cancelled call throws instead). */
export interface RunResult<Output> {
  /** The run id (the LangGraph thread id). */
  threadId: string;
  status: Extract<RunStatus, 'done' | 'paused'>;
  /** The target's output; present when `status` is `done`. */
  output?: Output;
  /** Calls waiting for a human; non-empty exactly when `status` is `paused`. */
  pendingApprovals: ApprovalRequest[];
  /** Node executions during this call (a resumed run lists only what ran after the resume). */
  steps: StepRecord[];
  /** The full graph state at the end of this call. */
  state: Record<string, unknown>;
}

/** The shape of a paused approval, as stored in the checkpoint. */
export interface ApprovalInterrupt {
  kind: 'approval';
  /** The agent or workflow whose node paused. */
  source: string;
  calls: ToolCallRecord[];
}

/** The compiled LangGraph graph as this module uses it (its precise generic type does not matter here). */
export interface CompiledGraphLike {
  invoke(input: unknown, config?: LangGraphRunnableConfig): Promise<Record<string, unknown>>;
  stream(input: unknown, config?: Record<string, unknown>): Promise<AsyncIterable<unknown>>;
  getState(config: LangGraphRunnableConfig): Promise<StateSnapshot>;
  getGraphAsync(config?: Record<string, unknown>): Promise<{
    nodes: Record<string, { id: string }>;
    edges: { source: string; target: string; conditional?: boolean }[];
  }>;
}

/**
 * A target's graph as plain data, for drawing it: LangGraph's nodes (`__start__` and `__end__`
 * included) and edges (`conditional` for a routed edge: one of its targets is taken at run time), and
 * for a node that runs an agent or workflow, that target's own graph.
 */
export interface RunGraph {
  nodes: { id: string; subgraph?: { kind: RunTargetKind; name: string; graph: RunGraph } }[];
  edges: { source: string; target: string; conditional: boolean }[];
}

/** A graph builder that can be compiled with or without a checkpointer. */
export interface GraphBuilderLike {
  compile(options?: { checkpointer?: BaseCheckpointSaver; name?: string }): unknown;
}

export interface RunTargetSpec<Input, Output> {
  kind: RunTargetKind;
  name: string;
  description: string;
  /** Model preset or path the CLI uses when the user gives no `--model`. */
  model?: string;
  /** Validates the caller's input (its input type is `Input`; what it parses to goes to `toState`). */
  input: z.ZodType<unknown, Input>;
  builder: GraphBuilderLike;
  /** The first graph state, from the parsed input. */
  toState(parsed: unknown): Record<string, unknown>;
  fromState(state: Record<string, unknown>): Output;
  /** What the target can do through its tools and nested targets (computed on first use). */
  effects(): Effects;
  /** The agents and workflows its nodes run, by node name (for {@link RunTarget.graph}). */
  nestedTargets?(): Record<string, RunTarget>;
}

const runTargetMarker = Symbol.for('hearth.core.RunTarget');

/** A tool made by `RunTarget.asTool`: its target and the run options it was made with. */
export interface MadeTool {
  target: AnyRunTarget;
  options: Omit<RunOptions, 'threadId' | 'signal' | 'onEvent'>;
}
/** A registered symbol, so a CLI with its own copy of core still recognises a tool made by the user's copy. */
const madeToolKey = Symbol.for('hearth.core.RunTarget.asTool');

/** Any agent or workflow, whatever its input and output types (for registries and lists). */
// biome-ignore lint/suspicious/noExplicitAny: a registry holds run targets of every input type
export type AnyRunTarget = RunTarget<any, any>;

/**
 * What `defineAgent`, `defineWorkflow` and `definePlanner` return: a checkpointed, resumable,
 * streamable LangGraph graph with a typed input and output.
 */
export class RunTarget<Input = unknown, Output = unknown> {
  readonly [runTargetMarker] = true;
  readonly kind: RunTargetKind;
  readonly name: string;
  readonly description: string;
  readonly model: string | undefined;
  readonly input: z.ZodType<unknown, Input>;
  private readonly spec: RunTargetSpec<Input, Output>;
  private nested: CompiledGraphLike | undefined;
  private knownEffects: Effects | undefined;
  private readonly compiledBySaver = new WeakMap<BaseCheckpointSaver, CompiledGraphLike>();

  constructor(spec: RunTargetSpec<Input, Output>) {
    this.spec = spec;
    this.kind = spec.kind;
    this.name = spec.name;
    this.description = spec.description;
    this.model = spec.model;
    this.input = spec.input;
  }

  /**
   * What a run of this target can do, from the tools it (and every agent or workflow inside it) may
   * call. A target whose effects need approval carries that need when served as a tool, even where
   * its own nodes skip the pause (`approval: false`): a call from another program is not consent.
   */
  get effects(): Effects {
    this.knownEffects ??= this.spec.effects();
    return this.knownEffects;
  }

  static isRunTarget(value: unknown): value is RunTarget {
    return typeof value === 'object' && value !== null && runTargetMarker in value;
  }

  /** Its graph as plain data, nested agents and workflows included (what `hearth dev` draws). */
  async graph(): Promise<RunGraph> {
    this.nested ??= this.spec.builder.compile({ name: this.name }) as CompiledGraphLike;
    const drawn = await this.nested.getGraphAsync();
    const nested = this.spec.nestedTargets?.() ?? {};
    return {
      nodes: await Promise.all(
        Object.values(drawn.nodes).map(async ({ id }) => {
          const target = nested[id];
          return target
            ? { id, subgraph: { kind: target.kind, name: target.name, graph: await target.graph() } }
            : { id };
        }),
      ),
      edges: drawn.edges.map(({ source, target, conditional }) => ({
        source,
        target,
        conditional: conditional === true,
      })),
    };
  }

  /**
   * The agent or workflow a node runs, following `nodePath` through nested workflows (a
   * `ChildRunRequest.nodePath`); undefined when a name on the path is not a target node.
   */
  nestedTarget(nodePath: readonly string[]): AnyRunTarget | undefined {
    let target: AnyRunTarget | undefined = this;
    for (const node of nodePath) target = target?.spec.nestedTargets?.()[node];
    return target;
  }

  /** Checks input against the schema; the error lists every problem with its field path. */
  parseInput(input: unknown): unknown {
    const parsed = this.input.safeParse(input);
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`)
      .join('; ');
    throw new RunInputError(`invalid input for ${this.kind} "${this.name}": ${issues}`);
  }

  /**
   * Runs this graph inside a node of another graph (a subgraph): it shares the parent's checkpointer,
   * thread and event stream, so its steps are checkpointed and its interrupts pause the parent.
   */
  async invokeNested(input: unknown, config: LangGraphRunnableConfig): Promise<Output> {
    this.nested ??= this.spec.builder.compile({ name: this.name }) as CompiledGraphLike;
    const state = await this.nested.invoke(this.spec.toState(this.parseInput(input)), config);
    return this.spec.fromState(state);
  }

  /** Runs to completion or to the first pause for approval. */
  async run(input: Input, options: RunOptions = {}): Promise<RunResult<Output>> {
    return drain(this.stream(input, options), options.onEvent);
  }

  /** Like `run`, yielding events as they happen; the generator's return value is the result. */
  stream(input: Input, options: RunOptions = {}): AsyncGenerator<RunEvent, RunResult<Output>> {
    const state = this.spec.toState(this.parseInput(input));
    return this.startFresh(state, options.threadId ?? randomUUID(), options);
  }

  /**
   * Refuses a thread that already holds a run: a run id is its thread id, and a second run on one
   * thread would mix the two runs' state. Callers that record a run before starting it (the CLI)
   * call this first; `run` and `stream` call it themselves.
   * @throws RunInputError when the thread has checkpoints in `options.checkpointer`.
   */
  async assertNewThread(threadId: string, options: Pick<RunOptions, 'checkpointer'> = {}): Promise<void> {
    const existing = await this.compiled(options).getState({ configurable: { thread_id: threadId } });
    if (existing.metadata) {
      throw new RunInputError(
        `thread "${threadId}" already has a run; continue it with resume (hearth run --resume ${threadId}) or pick a new thread id`,
      );
    }
  }

  private async *startFresh(
    state: Record<string, unknown>,
    threadId: string,
    options: RunOptions,
  ): AsyncGenerator<RunEvent, RunResult<Output>> {
    await this.assertNewThread(threadId, options);
    return yield* this.execute(state, threadId, options);
  }

  /**
   * Continues a paused or interrupted run by thread id. A run waiting for approval needs a decision;
   * a run that was killed mid-way continues from its last checkpoint without one (finished steps are
   * not run again); a finished run returns its result.
   * @throws RunInputError for an unknown thread, or a decision the run is not waiting for.
   */
  async resume(
    threadId: string,
    decision?: ApprovalDecision,
    options: RunOptions = {},
  ): Promise<RunResult<Output>> {
    return drain(await this.streamResume(threadId, decision, options), options.onEvent);
  }

  async streamResume(
    threadId: string,
    decision?: ApprovalDecision,
    options: RunOptions = {},
  ): Promise<AsyncGenerator<RunEvent, RunResult<Output>>> {
    const graph = this.compiled(options);
    const snapshot = await graph.getState({ configurable: { thread_id: threadId } });
    if (!snapshot.metadata) {
      const where = typeof options.checkpointer === 'string' ? options.checkpointer : defaultCheckpointPath();
      throw new RunInputError(
        `no run of "${this.name}" with thread id "${threadId}" in ${where}; check the id printed when the run started`,
      );
    }
    const pending = pendingApprovals(snapshot);
    if (pending.length > 0) {
      if (!decision) {
        throw new RunInputError(
          `thread "${threadId}" is waiting for approval of ${describeCalls(pending)}: resume with --approve or --deny`,
        );
      }
      const resume: Record<string, ApprovalResume> = {};
      for (const request of pending) resume[request.id] = { approved: decisionFor(decision, request.id) };
      return this.execute(new Command({ resume }), threadId, options);
    }
    if (decision) {
      throw new RunInputError(
        `thread "${threadId}" is not waiting for approval (${snapshot.next.length > 0 ? 'it was interrupted mid-way' : 'it has finished'}); resume without --approve/--deny`,
      );
    }
    return this.execute(null, threadId, options);
  }

  /**
   * Exposes this run target as a tool (for MCP servers and for other agents). The tool carries the
   * target's effects, and needs approval when they do. Pauses inside the run go to the caller's
   * approver (`context.approver`); without one, a pause ends the call with an error result. Its
   * input takes attachments as base64 `data` (the JSON form); media in its output comes back as
   * image/audio content (`toolResultFromOutput`).
   */
  asTool(options: Omit<RunOptions, 'threadId' | 'signal' | 'onEvent'> = {}): ToolDefinition {
    const tool = defineTool({
      name: this.name,
      description: this.description,
      input: this.input,
      effects: this.effects,
      requiresApproval: effectsNeedApproval(this.effects),
      run: async (input, context) => {
        // Each node that starts is a step of progress (MCP clients see progress notifications).
        let started = 0;
        const runOptions = {
          ...options,
          signal: context.signal,
          onEvent: (event: RunEvent) => {
            if (event.type === 'node-start') context.reportProgress(++started, undefined, event.node);
          },
        };
        const result = context.approver
          ? await runWithApprovals(this, input as Input, { ...runOptions, approver: context.approver })
          : await this.run(input as Input, runOptions);
        if (result.status === 'paused') {
          return {
            content: [
              {
                type: 'text',
                text: `paused: ${describeCalls(result.pendingApprovals)} need approval; run \`hearth run --resume ${result.threadId} --approve\``,
              },
            ],
            isError: true,
          };
        }
        return toolResultFromOutput(result.output);
      },
    });
    const made: MadeTool = { target: this, options };
    Object.defineProperty(tool, madeToolKey, { value: made, enumerable: false });
    return tool;
  }

  /**
   * The run target a tool was made from by `asTool`, and the options it was given: a server that
   * loads `agent.asTool()` from a user's module gives it the server's model when the options name none.
   */
  static madeTool(tool: ToolDefinition): MadeTool | undefined {
    return (tool as { [madeToolKey]?: MadeTool })[madeToolKey];
  }

  private compiled(options: Pick<RunOptions, 'checkpointer'>): CompiledGraphLike {
    const saver = openCheckpointer(options.checkpointer);
    let graph = this.compiledBySaver.get(saver);
    if (!graph) {
      graph = this.spec.builder.compile({ checkpointer: saver, name: this.name }) as CompiledGraphLike;
      this.compiledBySaver.set(saver, graph);
    }
    return graph;
  }

  private async *execute(
    input: unknown,
    threadId: string,
    options: RunOptions,
  ): AsyncGenerator<RunEvent, RunResult<Output>> {
    const graph = this.compiled(options);
    const configurable = withEnvironment(
      { thread_id: threadId },
      {
        engine: options.engine,
        workdir: options.workdir ?? process.cwd(),
        ...(options.toolLedger ? { toolLedger: options.toolLedger } : {}),
        ...(options.eventMedia ? { eventMedia: true } : {}),
        ...(options.runChild ? { runChild: options.runChild } : {}),
      },
    );
    const steps: StepRecord[] = [];
    const started = new Map<string, { node: string; path: string[]; at: number }>();
    const stream = await graph.stream(input, {
      configurable,
      streamMode: ['tasks', 'custom'],
      subgraphs: true,
      // Write each checkpoint before the next step starts: a SIGKILL loses at most the step in flight.
      durability: 'sync',
      recursionLimit: options.recursionLimit ?? 100,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    for await (const chunk of stream) {
      const [namespace, mode, payload] = chunk as [string[], string, Record<string, unknown>];
      const path = namespace.map((segment) => segment.split(':')[0] ?? segment);
      if (mode === 'custom') {
        yield { ...(payload as NodeEvent), path } as RunEvent;
        continue;
      }
      const id = String(payload.id);
      const node = String(payload.name);
      if ('input' in payload) {
        started.set(id, { node, path, at: performance.now() });
        yield { type: 'node-start', node, path };
        continue;
      }
      const start = started.get(id);
      const durationMs = start ? performance.now() - start.at : 0;
      const interrupted = Array.isArray(payload.interrupts) && payload.interrupts.length > 0;
      const error = payload.error
        ? String((payload.error as { message?: string }).message ?? payload.error)
        : undefined;
      steps.push({ node, path, status: interrupted ? 'paused' : error ? 'failed' : 'done', durationMs });
      if (!interrupted) yield { type: 'node-end', node, path, ...(error ? { error } : {}) };
    }
    const snapshot = await graph.getState({ configurable: { thread_id: threadId } });
    const pending = pendingApprovals(snapshot);
    const state = snapshot.values as Record<string, unknown>;
    if (pending.length > 0) {
      yield { type: 'approval-required', requests: pending };
      return { threadId, status: 'paused', pendingApprovals: pending, steps, state };
    }
    return {
      threadId,
      status: 'done',
      output: this.spec.fromState(state),
      pendingApprovals: [],
      steps,
      state,
    };
  }
}

function isApprovalInterrupt(value: unknown): value is ApprovalInterrupt {
  return typeof value === 'object' && value !== null && (value as ApprovalInterrupt).kind === 'approval';
}

function pendingApprovals(snapshot: StateSnapshot): ApprovalRequest[] {
  const requests = new Map<string, ApprovalRequest>();
  for (const task of snapshot.tasks) {
    for (const pending of task.interrupts) {
      if (pending.id && isApprovalInterrupt(pending.value))
        requests.set(pending.id, {
          id: pending.id,
          source: pending.value.source,
          calls: pending.value.calls,
        });
    }
  }
  return [...requests.values()];
}

function describeCalls(requests: readonly ApprovalRequest[]): string {
  return requests
    .flatMap((request) =>
      request.calls.map((call) => `${call.tool}(${JSON.stringify(call.args).slice(0, 80)})`),
    )
    .join(', ');
}

async function drain<Output>(
  generator: AsyncGenerator<RunEvent, RunResult<Output>>,
  onEvent: ((event: RunEvent) => void) | undefined,
): Promise<RunResult<Output>> {
  for (;;) {
    const next = await generator.next();
    if (next.done) return next.value;
    onEvent?.(next.value);
  }
}
