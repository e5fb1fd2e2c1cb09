// A tool module as users write them: exports of defineTool results, loaded by `hearth mcp serve --tools`.
export { exitTool, pidTool, slowTool } from '@hearth/core/testing';
