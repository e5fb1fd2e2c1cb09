import type { GenerateDelta, GenerateRequest, GenerateResult } from './engine.js';
import { HearthError } from './hearth-error.js';
import { PushIterator } from './push-iterator.js';

/** Thrown when an engine's stream ends without its final `done` delta (a broken engine or transport). */
export class IncompleteStreamError extends HearthError {
  static readonly codes = ['STREAM_INCOMPLETE'] as const;

  constructor(engine: string) {
    super('STREAM_INCOMPLETE', `The ${engine} engine ended its stream without a result.`);
  }
}

/**
 * Reads an engine's deltas to the end and returns the result of the final `done` delta, handing
 * each piece of text to `onText` on the way (progress for a caller that wants only the result).
 * @throws IncompleteStreamError when the stream ends without `done`.
 */
export async function readStreamResult(
  deltas: AsyncIterable<GenerateDelta>,
  engine: string,
  onText?: (text: string) => void,
): Promise<GenerateResult> {
  for await (const delta of deltas) {
    if (delta.type === 'text') onText?.(delta.text);
    if (delta.type === 'done') return delta.result;
  }
  throw new IncompleteStreamError(engine);
}

/**
 * An `Engine.stream` made from a generation that reports deltas through a callback. When `generate`
 * resolves with a result, the final `done` delta is added here; a generation whose callback already
 * delivered `done` (a model host relaying its child's deltas) resolves with nothing. A consumer that
 * stops iterating early aborts the generation through the request's signal, so the engine moves on.
 */
export async function* streamGeneration(
  request: GenerateRequest,
  generate: (
    request: GenerateRequest,
    onDelta: (delta: GenerateDelta) => void,
  ) => Promise<GenerateResult | undefined>,
): AsyncGenerator<GenerateDelta> {
  const stopped = new AbortController();
  const signal = request.signal ? AbortSignal.any([request.signal, stopped.signal]) : stopped.signal;
  const deltas = new PushIterator<GenerateDelta>();
  generate({ ...request, signal }, (delta) => deltas.push(delta)).then(
    (result) => {
      if (result) deltas.push({ type: 'done', result });
      deltas.end();
    },
    (error: unknown) => deltas.fail(error),
  );
  let finished = false;
  try {
    for await (const delta of deltas) {
      if (delta.type === 'done') finished = true;
      yield delta;
    }
  } finally {
    if (!finished) stopped.abort();
  }
}
