export {
  audioResult,
  defineTool,
  imageResult,
  isToolDefinition,
  isToolResult,
  normalizeToolOutput,
} from './define-tool.js';
export { DuplicateToolError } from './errors/duplicate-tool-error.js';
export { HearthConfigError } from './errors/hearth-config-error.js';
export { HttpServerConfigError } from './errors/http-server-config-error.js';
export { InvalidToolError } from './errors/invalid-tool-error.js';
export { McpConnectionError } from './errors/mcp-connection-error.js';
export { ToolInputError } from './errors/tool-input-error.js';
export { ToolNotFoundError } from './errors/tool-not-found-error.js';
export { ToolTimeoutError } from './errors/tool-timeout-error.js';
export {
  type HearthConfig,
  hearthConfigSchema,
  loadHearthConfig,
  mcpServersFromConfig,
  parseHearthConfig,
} from './hearth-config.js';
export { type HttpMcpServer, type HttpServeOptions, isLoopbackHost, serveHttp } from './http-server.js';
export { fromLangChainTool, toLangChainTool, toolResultToLangChainContent } from './langchain-bridge.js';
export { loadToolsFromDirectory, toolsFromModule } from './load-tools.js';
export {
  McpClientConnection,
  type McpServerConfig,
  type McpToolsResult,
  normalizeRemoteSchema,
  type RemoteToolInfo,
} from './mcp-client.js';
export { createMcpServer, type McpServerOptions, serveStdio } from './mcp-server.js';
export {
  errorResult,
  type ToolCallOptions,
  ToolRegistry,
  type ToolRegistryOptions,
} from './tool-registry.js';
export { toolInputJsonSchema, toolResultToMessageContent, toolSpecFromDefinition } from './tool-schema.js';
export type * from './tool-types.js';
