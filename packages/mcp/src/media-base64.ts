/**
 * Media inside Hearth is bytes + MIME type; the MCP wire (and LangChain's content blocks) carry it as
 * base64 text. These two functions are that crossing, used only at those boundaries.
 */
export function bytesToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Decodes base64 from the wire into a plain `Uint8Array` (a view over the decoded memory, not a `Buffer`). */
export function base64ToBytes(base64: string): Uint8Array {
  const decoded = Buffer.from(base64, 'base64');
  return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
}
