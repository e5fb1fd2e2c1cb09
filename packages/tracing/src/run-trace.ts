import type {
  Engine,
  GenerateDelta,
  GenerateRequest,
  GenerateResult,
  RunEvent,
  RunStatus,
  RunTargetKind,
} from '@hearth/engine';
import {
  type Attributes,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import {
  genAi,
  inputContent,
  outputContent,
  requestAttributes,
  resultAttributes,
} from './genai-attributes.js';

/** The run a trace is about. */
export interface TracedRun {
  runId: string;
  /** The agent, workflow or planner's name. */
  target: string;
  targetKind: RunTargetKind;
  /** The model preset or file the run was started with; none for a run that calls no model. */
  model?: string;
  /** True when this call continues a paused or killed run. */
  resumed?: boolean;
}

/** How a traced run call stopped. */
export interface TracedOutcome {
  status: RunStatus;
  /** The error that stopped a failed or cancelled call. */
  error?: unknown;
  /** Calls waiting for a human (status `paused`). */
  pendingApprovals?: number;
}

/** A finished model call waiting for its node span (see {@link RunTrace.traceEngine}). */
interface ModelCall {
  name: string;
  start: number;
  end: number;
  attributes: Attributes;
  error?: unknown;
}

const now = () => performance.timeOrigin + performance.now();
const errorType = (error: unknown) => (error as { code?: string }).code ?? (error as Error).name ?? 'Error';
const keyOf = (path: readonly string[]) => path.join('\u0000');

/**
 * Turns one run call into spans: the run, each node (nested agents and workflows nest), each model
 * call and each tool call, with the GenAI semantic conventions' attributes. It reads only the run's
 * events and the engine's requests and results, so the core knows nothing of OpenTelemetry.
 *
 * Model calls are seen by the engine wrapper, not by events; their node is the innermost node open
 * when the next event arrives after the call ends (the node that made the call cannot have ended
 * before then). Parallel branches calling the model at once may be attributed to a sibling node.
 */
export class RunTrace {
  private readonly root: Span;
  /** Open node spans by the path of nodes down to and including the node. */
  private readonly nodes = new Map<string, { span: Span; path: readonly string[] }>();
  private readonly tools = new Map<string, Span>();
  private finishedCalls: ModelCall[] = [];

  constructor(
    private readonly tracer: Tracer,
    run: TracedRun,
    private readonly captureContent: boolean,
  ) {
    const operation = run.targetKind === 'workflow' ? 'invoke_workflow' : 'invoke_agent';
    this.root = tracer.startSpan(`${operation} ${run.target}`, {
      kind: SpanKind.INTERNAL,
      attributes: {
        [genAi.operationName]: operation,
        [run.targetKind === 'workflow' ? genAi.workflowName : genAi.agentName]: run.target,
        [genAi.conversationId]: run.runId,
        [genAi.requestModel]: run.model,
        'hearth.run.id': run.runId,
        'hearth.run.target_kind': run.targetKind,
        'hearth.run.resumed': run.resumed === true,
      },
    });
  }

  /** The trace id, for people to find the run in their tracing backend. */
  get traceId(): string {
    return this.root.spanContext().traceId;
  }

  /** Feed every run event here, in order (`RunOptions.onEvent`). */
  onEvent(event: RunEvent): void {
    if (event.type === 'node-end') this.attachFinishedCalls();
    this.record(event);
    if (event.type !== 'node-end') this.attachFinishedCalls();
  }

  /** The engine whose calls become `chat` spans; give it to the run instead of `engine`. */
  traceEngine(engine: Engine): Engine {
    const finish = (call: ModelCall) => this.finishedCalls.push(call);
    const capture = this.captureContent;
    const callOf = (request: GenerateRequest, streamed: boolean, start: number): ModelCall => ({
      name: `chat ${engine.info.model}`,
      start,
      end: start,
      attributes: {
        ...requestAttributes(engine, request, streamed),
        ...(capture ? inputContent(request) : {}),
      },
    });
    const finished = (call: ModelCall, result: GenerateResult): ModelCall => ({
      ...call,
      end: now(),
      attributes: {
        ...call.attributes,
        ...resultAttributes(result),
        ...(capture ? outputContent(result) : {}),
      },
    });
    return {
      get info() {
        return engine.info;
      },
      close: () => engine.close(),
      async generate(request) {
        const call = callOf(request, false, now());
        try {
          const result = await engine.generate(request);
          finish(finished(call, result));
          return result;
        } catch (error) {
          finish({ ...call, end: now(), error });
          throw error;
        }
      },
      async *stream(request): AsyncIterable<GenerateDelta> {
        const call = callOf(request, true, now());
        let firstChunk: number | undefined;
        try {
          for await (const delta of engine.stream(request)) {
            firstChunk ??= now();
            if (delta.type === 'done') {
              const done = finished(call, delta.result);
              done.attributes[genAi.responseTimeToFirstChunk] = (firstChunk - call.start) / 1000;
              finish(done);
            }
            yield delta;
          }
        } catch (error) {
          finish({ ...call, end: now(), error });
          throw error;
        }
      },
    };
  }

  /** Ends every span of this call; a paused run's open nodes end as paused. */
  end(outcome: TracedOutcome): void {
    this.attachFinishedCalls(this.root);
    const endTime = now();
    for (const tool of this.tools.values()) tool.end(endTime);
    for (const { span } of [...this.nodes.values()].reverse()) {
      span.setAttribute('hearth.node.status', outcome.status);
      span.end(endTime);
    }
    this.root.setAttribute('hearth.run.status', outcome.status);
    if (outcome.pendingApprovals)
      this.root.setAttribute('hearth.run.pending_approvals', outcome.pendingApprovals);
    if (outcome.error !== undefined) failed(this.root, outcome.error);
    this.root.end(endTime);
  }

  private record(event: RunEvent): void {
    switch (event.type) {
      case 'node-start': {
        const path = [...event.path, event.node];
        const span = this.tracer.startSpan(
          event.node,
          { attributes: { 'hearth.node.name': event.node, 'hearth.node.path': path } },
          trace.setSpan(ROOT_CONTEXT, this.spanAt(event.path)),
        );
        this.nodes.set(keyOf(path), { span, path });
        return;
      }
      case 'node-end': {
        const key = keyOf([...event.path, event.node]);
        const node = this.nodes.get(key);
        if (!node) return;
        this.nodes.delete(key);
        node.span.setAttribute('hearth.node.status', event.error ? 'failed' : 'done');
        if (event.error) failed(node.span, new Error(event.error));
        node.span.end();
        return;
      }
      case 'agent-step': {
        // The node an agent's turn runs in is one of the agent's own; its parent is the agent's invocation.
        const turn = this.innermostAt(event.path);
        const agent = turn ? (this.nodes.get(keyOf(turn.path.slice(0, -1)))?.span ?? this.root) : this.root;
        agent.setAttributes({ [genAi.operationName]: 'invoke_agent', [genAi.agentName]: event.agent });
        (turn?.span ?? this.root).addEvent('agent-step', { step: event.step, action: event.action });
        return;
      }
      case 'tool-call': {
        const span = this.tracer.startSpan(
          `execute_tool ${event.tool}`,
          {
            attributes: {
              [genAi.operationName]: 'execute_tool',
              [genAi.toolName]: event.tool,
              [genAi.toolType]: 'function',
              [genAi.toolCallId]: event.callId,
              ...(this.captureContent ? { [genAi.toolCallArguments]: JSON.stringify(event.args) } : {}),
            },
          },
          trace.setSpan(ROOT_CONTEXT, this.innermostAt(event.path)?.span ?? this.root),
        );
        this.tools.set(event.callId, span);
        return;
      }
      case 'tool-result': {
        const span = this.tools.get(event.callId);
        if (!span) return;
        this.tools.delete(event.callId);
        span.setAttribute('hearth.tool.media', event.media);
        if (this.captureContent) span.setAttribute(genAi.toolCallResult, event.summary);
        if (event.isError) {
          span.setAttribute(genAi.errorType, 'tool_error');
          span.setStatus({ code: SpanStatusCode.ERROR, message: event.summary.slice(0, 200) });
        }
        span.end();
        return;
      }
      case 'approval-required':
        this.root.addEvent('approval-required', {
          'hearth.approval.tools': event.requests.flatMap((request) =>
            request.calls.map((call) => call.tool),
          ),
        });
        return;
      case 'plan':
        (this.innermostAt(event.path)?.span ?? this.root).addEvent('plan', {
          'hearth.plan.revision': event.revision,
          'hearth.plan.steps': event.plan.steps.length,
        });
        return;
      case 'token':
        return;
    }
  }

  /** The open node span at this path of nodes (a node's parent), or the run's span at the top. */
  private spanAt(path: readonly string[]): Span {
    return this.nodes.get(keyOf(path))?.span ?? this.root;
  }

  /**
   * The node an event from inside a node came from: its path names the node at the top level, and the
   * nested graph (not its node) inside agents and workflows, so it is the deepest open node under it.
   */
  private innermostAt(path: readonly string[]): { span: Span; path: readonly string[] } | undefined {
    let found: { span: Span; path: readonly string[] } | undefined;
    for (const node of this.nodes.values())
      if (path.every((name, at) => node.path[at] === name) && node.path.length >= (found?.path.length ?? 0))
        found = node;
    return found;
  }

  /** Gives model calls that have finished a span under the innermost open node (or `parent`). */
  private attachFinishedCalls(parent?: Span): void {
    if (this.finishedCalls.length === 0) return;
    const innermost = parent ?? [...this.nodes.values()].at(-1)?.span ?? this.root;
    for (const call of this.finishedCalls) {
      const span = this.tracer.startSpan(
        call.name,
        { kind: SpanKind.CLIENT, startTime: call.start, attributes: call.attributes },
        trace.setSpan(ROOT_CONTEXT, innermost),
      );
      if (call.error !== undefined) failed(span, call.error);
      span.end(call.end);
    }
    this.finishedCalls = [];
  }
}

function failed(span: Span, error: unknown): void {
  span.setAttribute(genAi.errorType, errorType(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message ?? String(error) });
}
