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

async function serve(id: number, request: Extract<ParentMessage, { type: 'generate' }>['request']) {
  const controller = new AbortController();
  controllers.set(id, controller);
  try {
    if (!engine) throw new Error('The model host received a request before its model was loaded');
    for await (const delta of engine.stream({ ...request, signal: controller.signal })) {
      if (delta.type === 'done') send({ type: 'result', id, result: delta.result });
      else send({ type: 'delta', id, delta });
    }
  } catch (error) {
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
