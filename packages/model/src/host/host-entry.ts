/**
 * The model host: a child process that owns one in-process `LlamaNodeEngine`, forked by
 * `HostedEngine`. If llama.cpp crashes, only this process dies; the parent turns the exit into a
 * `ModelCrashedError`. It exits when told to close or when the parent goes away.
 */
import { LlamaNodeEngine } from '../engine/llama-node/llama-node-engine.js';
import { type ChildMessage, type ParentMessage, serializeError } from './protocol.js';

let engine: LlamaNodeEngine | undefined;
const controllers = new Map<number, AbortController>();

function send(message: ChildMessage): void {
  process.send?.(message);
}

type StreamDelta = Extract<ChildMessage, { type: 'deltas' }>['deltas'][number];

/**
 * Sends deltas in batches: tokens that arrive within one turn of the event loop share one IPC
 * message (adjacent text merged), so a fast model does not pay one message per token.
 */
function deltaSender(id: number): { push(delta: StreamDelta): void; flush(): void } {
  let pending: StreamDelta[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    send({ type: 'deltas', id, deltas: pending });
    pending = [];
  };
  return {
    push(delta) {
      const last = pending.at(-1);
      if (last && last.type === delta.type && (delta.type === 'text' || delta.type === 'reasoning')) {
        (last as { text: string }).text += delta.text;
      } else {
        pending.push(delta);
      }
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}

async function serve(id: number, request: Extract<ParentMessage, { type: 'generate' }>['request']) {
  const controller = new AbortController();
  controllers.set(id, controller);
  const deltas = deltaSender(id);
  try {
    if (!engine) throw new Error('The model host received a request before its model was loaded');
    for await (const delta of engine.stream({ ...request, signal: controller.signal })) {
      if (delta.type === 'done') {
        deltas.flush();
        send({ type: 'result', id, result: delta.result });
      } else deltas.push(delta);
    }
  } catch (error) {
    deltas.flush();
    send({ type: 'failed', id, error: serializeError(error) });
  } finally {
    controllers.delete(id);
  }
}

async function close(): Promise<void> {
  for (const controller of controllers.values()) controller.abort();
  await engine?.close();
  process.exit(0);
}

process.on('message', (message: ParentMessage) => {
  switch (message.type) {
    case 'load':
      LlamaNodeEngine.load(message.options).then(
        (loaded) => {
          engine = loaded;
          send({ type: 'ready', info: loaded.info });
        },
        (error: unknown) => send({ type: 'load-failed', error: serializeError(error) }),
      );
      break;
    case 'generate':
      void serve(message.id, message.request);
      break;
    case 'abort':
      controllers.get(message.id)?.abort();
      break;
    case 'close':
      void close();
      break;
  }
});

// The parent died or closed the channel: nobody is left to answer.
process.on('disconnect', () => {
  void close();
});
