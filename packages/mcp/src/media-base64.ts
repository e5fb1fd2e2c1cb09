/**
 * Media inside Hearth is bytes + MIME type; the MCP wire (and LangChain's content blocks) carry it as
 * base64 text. The crossing is @hearth/core's (its JSON inputs take base64 attachments too); this
 * module names it for the MCP side.
 */
export { base64ToBytes, bytesToBase64 } from '@hearth/core';
