// @hearth/dev: the server behind `hearth dev` and its built page (dist/web). The CLI hands it the
// project (targets with their input schemas and graphs, tools) as plain data, so it needs no core.
export type {
  DevProject,
  DevTarget,
  DevTool,
  EvalReportView,
  GraphData,
  QueuedRunRow,
  RunsList,
  RunView,
  StartRunRequest,
} from './api-types.js';
export { type DevServer, type DevServerOptions, startDevServer } from './dev-server.js';
export type { HearthCommand } from './run-manager.js';
