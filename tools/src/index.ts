import type { ToolDefinition } from '@hearth/core';
import { type BrowserToolsOptions, browserTools } from './browser.js';
import { calculatorTool } from './calculator.js';
import { clockTool } from './clock.js';
import { fsTools } from './fs.js';
import { httpFetchTool } from './http-fetch.js';
import { shellTool } from './shell.js';

export interface BuiltinToolsOptions {
  /** Root directory of the `fs_*` tools (they cannot see outside it). */
  fsRoot: string;
  /**
   * Enables `shell` with these bare command names, sandboxed with `fsRoot` as its only writable
   * folder and working directory (network only with `network: true`); without it there is no shell tool.
   */
  shell?: { allow: string[]; network?: boolean };
  /** Hosts `http_fetch` may reach; without it `http_fetch` is left out. */
  http?: { allowHosts: string[] };
  browser?: BrowserToolsOptions | false;
}

/**
 * Hearth's built-in tools: `fs_read`, `fs_write`, `fs_list`, `fs_search`, `browser_screenshot`,
 * `browser_text`, `calculator`, `clock`, plus `http_fetch` (with an allow-list) and `shell`
 * (with an allow-list) when configured.
 */
export function builtinTools(options: BuiltinToolsOptions): ToolDefinition[] {
  const tools = [...fsTools({ root: options.fsRoot })];
  if (options.browser !== false) tools.push(...browserTools(options.browser ?? {}));
  if (options.http) tools.push(httpFetchTool({ allowHosts: options.http.allowHosts }));
  tools.push(calculatorTool(), clockTool());
  if (options.shell) tools.push(shellTool({ ...options.shell, root: options.fsRoot }));
  return tools;
}

export { type BrowserToolsOptions, browserTools } from './browser.js';
export type { ServedResponse, ServedSite } from './browser-routing.js';
export { calculatorTool, evaluateExpression } from './calculator.js';
export { clockTool } from './clock.js';
export { CommandNotAllowedError } from './errors/command-not-allowed-error.js';
export { ExpressionError } from './errors/expression-error.js';
export { HostNotAllowedError } from './errors/host-not-allowed-error.js';
export { NotRegularFileError } from './errors/not-a-regular-file-error.js';
export { PathOutsideRootError } from './errors/path-outside-root-error.js';
export { ShellSandboxUnavailableError } from './errors/shell-sandbox-unavailable-error.js';
export {
  type FsToolsOptions,
  fsTools,
  listFolderInRoot,
  type RootEntry,
  readFileInRoot,
  resolveInsideRoot,
} from './fs.js';
export { type CheckedTarget, HostPolicy, type HostPolicyOptions, type ResolveHost } from './host-policy.js';
export { type HttpFetchOptions, httpFetchTool } from './http-fetch.js';
export { type ShellToolOptions, shellTool } from './shell.js';
export type { ShellLimits } from './shell-sandbox.js';
