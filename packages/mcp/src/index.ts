// @hearth/mcp: MCP transport only (server over stdio and Streamable HTTP, client, LangChain bridge).
// Tools themselves are defined with @hearth/core's defineTool.
export { HttpServerConfigError } from './errors/http-server-config-error.js';
export { McpConnectionError } from './errors/mcp-connection-error.js';
export { type HttpMcpServer, type HttpServeOptions, isLoopbackHost, serveHttp } from './http-server.js';
export { fromLangChainTool, toLangChainTool, toolResultToLangChainContent } from './langchain-bridge.js';
export {
  McpClientConnection,
  type McpClientOptions,
  type McpToolsResult,
  normalizeRemoteSchema,
  type RemoteToolInfo,
} from './mcp-client.js';
export { createMcpServer, type McpServerOptions, serveStdio } from './mcp-server.js';
export { agentPrompts, runTargetResources } from './run-target-features.js';
export type { McpSamplingOptions } from './sampling.js';
export {
  jsonResourceContents,
  type McpPrompt,
  type McpResourceContents,
  type McpResourceSource,
  nameInResourceUri,
} from './server-features.js';
