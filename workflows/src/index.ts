import type { AnyRunTarget } from '@hearth/core';
import { bugReportWorkflow } from './bug-report.js';
import { salesReportWorkflow } from './sales-report.js';

export { bugReportWorkflow } from './bug-report.js';
export { parseSalesCsv, salesReportWorkflow, sampleSalesCsv } from './sales-report.js';
export { sampleLoginPage, sampleSite, sampleSiteHost, sampleSiteUrl } from './sample-site.js';

/** The example workflows by name: what `hearth run <name>`, `hearth demo` and `hearth mcp serve` offer. */
export const examples: Record<string, AnyRunTarget> = {
  [bugReportWorkflow.name]: bugReportWorkflow,
  [salesReportWorkflow.name]: salesReportWorkflow,
};
