import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callTool, ToolRegistry, toolSpecFromDefinition } from '@hearth/core';
import type { ContentPart, Engine, GenerateRequest, Message } from '@hearth/engine';
import {
  type Answer,
  type AnswerCall,
  type Episode,
  type EvalCase,
  evalCaseOption,
  type MultiStepSuite,
  type Verdict,
} from './suite.js';

/** Time limit of one tool call inside an episode (the shop's and planning tools finish in milliseconds). */
const toolTimeoutMs = 30_000;

/** What one run of a multi-step case did: the answer and end state the checker reads, and what it cost. */
export interface EpisodeRun<State = unknown> {
  /** The system prompt, the user's scripted turns and the tools' names. */
  input: { messages: Message[]; tools: string[] };
  answer: Answer;
  endState: State;
  /** The conversation after the system prompt, media bytes replaced by their size (for results.jsonl). */
  transcript: Message[];
  /** Model turns taken. */
  steps: number;
  /** `replied`: the agent answered the user's last turn; `max-steps`: it was stopped at the step limit. */
  stopReason: 'replied' | 'max-steps';
  /** Every tool call the model made, as it made it (`answer.calls` keeps only those that succeeded). */
  toolCalls: AnswerCall[];
  promptTokens: number;
  completionTokens: number;
  /** Completion tokens over the turns' decode time (0 when the engine reports no timings). */
  tokensPerSecond: number;
  mtp: { drafted: number; accepted: number } | null;
}

/** The system prompt, the user's scripted turns (with media paths, not bytes) and the tools' names. */
function episodeInput(episode: Pick<Episode, 'system' | 'userTurns' | 'tools'>): {
  messages: Message[];
  tools: string[];
} {
  return {
    messages: [
      { role: 'system', content: episode.system },
      ...episode.userTurns.map((content) => ({ role: 'user' as const, content: withoutBytes(content) })),
    ],
    tools: episode.tools.map((tool) => tool.name),
  };
}

/** Media parts with their bytes replaced by the byte count: results.jsonl stays text (paths are kept). */
function withoutBytes(content: string | ContentPart[]): string | ContentPart[] {
  if (typeof content === 'string') return content;
  return content.map((part) => {
    if (part.type === 'image' && typeof part.image !== 'string')
      return { ...part, image: `(${part.image.byteLength} bytes)` };
    if (part.type === 'audio' && typeof part.audio !== 'string')
      return { ...part, audio: `(${part.audio.byteLength} bytes)` };
    return part;
  });
}

const recordable = (message: Message): Message =>
  message.role === 'user' || message.role === 'tool'
    ? ({ ...message, content: withoutBytes(message.content) } as Message)
    : message;

/**
 * Opens a case's episode in a fresh folder under `workRoot` (default: the system's temporary folder), runs
 * `body`, then closes it and removes the folder.
 */
async function inFreshEpisode<C extends EvalCase, State, T>(
  suite: MultiStepSuite<C, State>,
  testCase: C,
  body: (episode: Episode<State>) => Promise<T>,
  workRoot = tmpdir(),
): Promise<T> {
  const workDir = await mkdtemp(
    join(workRoot, `hearth-evals-${suite.name}-${testCase.id.replace(/[^\w-]/g, '_')}-`),
  );
  try {
    const episode = await suite.episode(testCase, workDir);
    try {
      return await body(episode);
    } finally {
      await episode.close();
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * Runs one multi-step case against an engine: the agent loop over a fresh episode. Each model turn sees
 * the conversation so far and the episode's tools; its tool calls run through a `ToolRegistry` (arguments
 * checked against the tool's schema; unknown tools, bad arguments and failures come back to the model as
 * error results, as in `defineAgent`), and a text reply is answered by the user's next scripted turn,
 * until the user has nothing left to say or `maxSteps` turns are spent. Each request names the suite,
 * case and step in `engineOptions` so the oracle and mutant can replay their scripts turn by turn.
 * `options.workRoot`: where the episode's folder is made (the harness uses the run's output folder).
 */
export async function runEpisode<C extends EvalCase, State>(
  suite: MultiStepSuite<C, State>,
  testCase: C,
  engine: Engine,
  requestOptions: Pick<GenerateRequest, 'sampling' | 'maxTokens'>,
  options: { workRoot?: string } = {},
): Promise<EpisodeRun<State>> {
  return inFreshEpisode(
    suite,
    testCase,
    async (episode) => {
      const registry = new ToolRegistry(episode.tools);
      const tools = episode.tools.map(toolSpecFromDefinition);
      const [firstTurn, ...laterTurns] = episode.userTurns;
      if (firstTurn === undefined) throw new Error(`case ${testCase.id} has no user turn`);
      const messages: Message[] = [
        { role: 'system', content: episode.system },
        { role: 'user', content: firstTurn },
      ];
      const calls: AnswerCall[] = [];
      const toolCalls: AnswerCall[] = [];
      const replies: string[] = [];
      let promptTokens = 0;
      let completionTokens = 0;
      let decodeMs = 0;
      let mtp = null as EpisodeRun['mtp'];
      let steps = 0;
      let stopReason: EpisodeRun['stopReason'] = 'max-steps';
      while (steps < episode.maxSteps) {
        const result = await engine.generate({
          ...requestOptions,
          // A copy: the loop goes on appending to its own list while an engine may still hold this request.
          messages: [...messages],
          tools,
          toolChoice: 'auto',
          engineOptions: { [evalCaseOption]: { suite: suite.name, id: testCase.id, step: steps } },
        });
        steps += 1;
        promptTokens += result.usage.promptTokens;
        completionTokens += result.usage.completionTokens;
        decodeMs += result.timings.decodeMs;
        if (result.mtp?.used)
          mtp = {
            drafted: (mtp?.drafted ?? 0) + result.mtp.drafted,
            accepted: (mtp?.accepted ?? 0) + result.mtp.accepted,
          };
        if (result.toolCalls.length > 0) {
          messages.push({ role: 'assistant', content: result.text, toolCalls: result.toolCalls });
          for (const call of result.toolCalls) {
            toolCalls.push({ name: call.name, args: call.args });
            const outcome = await callTool(registry, call.name, call.args, { timeoutMs: toolTimeoutMs });
            if (!outcome.isError) calls.push({ name: call.name, args: call.args });
            messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: outcome.content });
          }
          continue;
        }
        replies.push(result.text);
        messages.push({ role: 'assistant', content: result.text });
        const next = laterTurns.shift();
        if (next === undefined) {
          stopReason = 'replied';
          break;
        }
        messages.push({ role: 'user', content: next });
      }
      return {
        input: episodeInput(episode),
        answer: { id: testCase.id, calls, text: replies.join('\n') },
        endState: await episode.endState(),
        transcript: messages.slice(1).map(recordable),
        steps,
        stopReason,
        toolCalls,
        promptTokens,
        completionTokens,
        tokensPerSecond: decodeMs > 0 ? completionTokens / (decodeMs / 1000) : 0,
        mtp,
      };
    },
    options.workRoot,
  );
}

/**
 * Scores an answer made elsewhere (an answers file) for a multi-step case: its calls are run in order
 * against a fresh episode (the tools are deterministic, so the same calls leave the same end state),
 * then the end state and the answer's text are checked.
 */
export async function replayAnswer<C extends EvalCase, State>(
  suite: MultiStepSuite<C, State>,
  testCase: C,
  answer: Answer,
): Promise<Verdict> {
  return inFreshEpisode(suite, testCase, async (episode) => {
    const registry = new ToolRegistry(episode.tools);
    const calls: AnswerCall[] = [];
    for (const call of answer.calls) {
      const outcome = await callTool(registry, call.name, call.args, { timeoutMs: toolTimeoutMs });
      if (!outcome.isError) calls.push(call);
    }
    return suite.check(testCase, { answer: { ...answer, calls }, endState: await episode.endState() });
  });
}
