import {
  type ContentPart,
  checkJsonSchema,
  type Engine,
  type GenerateDelta,
  type GenerateRequest,
  type GenerateResult,
  inspectMedia,
  type Message,
} from '@hearth/engine';
import { describeMedia, mediaBytes } from './media-bytes.js';

/** Requests this module produced: checking one again costs nothing. */
const checked = new WeakSet<GenerateRequest>();

const isRemote = (input: unknown) => typeof input === 'string' && /^https?:\/\//i.test(input);

async function checkPart(part: ContentPart, where: string): Promise<ContentPart> {
  if (part.type === 'text') return part;
  const input = part.type === 'image' ? part.image : part.audio;
  // A remote URL is fetched by a remote server (the `openai` engine), never by Hearth's native code.
  if (isRemote(input)) return part;
  const bytes = await mediaBytes(input);
  const info = inspectMedia(bytes, part.type, { source: `${where} (${describeMedia(input)})` });
  return part.type === 'image'
    ? { type: 'image', image: bytes, mimeType: info.mimeType }
    : { type: 'audio', audio: bytes, mimeType: info.mimeType };
}

async function checkMessage(message: Message, index: number): Promise<Message> {
  if ((message.role !== 'user' && message.role !== 'tool') || typeof message.content === 'string')
    return message;
  const content = await Promise.all(
    message.content.map((part, partIndex) => checkPart(part, `messages[${index}].content[${partIndex}]`)),
  );
  return { ...message, content };
}

/**
 * The one request check in front of every engine, run before anything reaches native code: each
 * image and audio part is read once and passed through `inspectMedia` (format, structure, image
 * size, sample rate, duration; see `@hearth/engine`), and the `responseFormat` schema and every
 * tool's parameters through `checkJsonSchema`. Returns the request with each local media part
 * replaced by its checked bytes and detected MIME type, so the engine uses exactly what was checked
 * (a file changed after the check is not read again).
 *
 * @throws MediaInputError or JsonSchemaError naming the part or schema path and what is wrong.
 */
export async function checkGenerateRequest(request: GenerateRequest): Promise<GenerateRequest> {
  if (checked.has(request)) return request;
  if (request.responseFormat) checkJsonSchema(request.responseFormat.schema, 'responseFormat.schema');
  for (const [index, tool] of (request.tools ?? []).entries()) {
    checkJsonSchema(tool.parameters, `tools[${index}] (${tool.name}).parameters`);
  }
  const messages = await Promise.all(request.messages.map(checkMessage));
  const result = { ...request, messages };
  checked.add(result);
  return result;
}

/** The engine inside each `checkedEngine` wrapper, for what only the engine itself knows (its host process). */
const wrappedEngines = new WeakMap<Engine, Engine>();

/** The engine `checkedEngine` wrapped, or the engine itself when it is not such a wrapper. */
export function uncheckedEngine(engine: Engine): Engine {
  return wrappedEngines.get(engine) ?? engine;
}

/**
 * Wraps an engine so every `generate` and `stream` passes `checkGenerateRequest` first. A request
 * the check refuses never reaches the engine, so it cannot disturb other requests in flight.
 */
export function checkedEngine(engine: Engine): Engine {
  const checked: Engine = {
    get info() {
      return engine.info;
    },
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      return engine.generate(await checkGenerateRequest(request));
    },
    async *stream(request: GenerateRequest): AsyncIterable<GenerateDelta> {
      yield* engine.stream(await checkGenerateRequest(request));
    },
    close: () => engine.close(),
  };
  wrappedEngines.set(checked, engine);
  return checked;
}
