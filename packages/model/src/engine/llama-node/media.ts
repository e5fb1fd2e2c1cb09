import { inspectMedia, type MediaInput } from '@hearth/engine';
import { describeMedia, mediaBytes } from '../../media-check/media-bytes.js';

/**
 * Turns a media part (file path, `file://` URL, `data:` URL or bytes) into the `data:` URL that
 * llama.node reads, after `inspectMedia` has walked its header and structure within limits.
 * Checking first matters: llama.node aborts the whole process on media it cannot open (a missing
 * file, a truncated PNG, a 30-byte WAV) and trusts header sizes (a WAV claiming 1 Hz costs minutes
 * and gigabytes), and audio must be a data URL. Requests that passed `checkGenerateRequest` are
 * checked again here, cheaply, because this is the last step before native code.
 *
 * @throws MediaInputError when the input is unreadable, not the expected kind, corrupt or over a limit.
 */
export async function toMediaDataUrl(input: MediaInput, kind: 'image' | 'audio'): Promise<string> {
  const bytes = await mediaBytes(input);
  const { mimeType } = inspectMedia(bytes, kind, { source: describeMedia(input) });
  return `data:${mimeType};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
}
