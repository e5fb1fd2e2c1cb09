import { HearthError } from '@hearth/engine';

/**
 * Thrown when a tool returns media in a shape Hearth no longer reads: `{type: 'image' | 'audio', data:
 * '<base64>'}`. Media is bytes + MIME type inside Hearth; the message names the content item and the
 * helper to use (`imageResult(bytes, mimeType)`, `audioResult(bytes, mimeType)`). In a registry call
 * it becomes the call's error result. Code `TOOL_RESULT_INVALID`.
 */
export class ToolResultError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['TOOL_RESULT_INVALID'] as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super('TOOL_RESULT_INVALID', message, options);
  }
}
