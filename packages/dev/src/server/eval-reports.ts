import { createHmac } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { EvalReportView } from './api-types.js';

/**
 * The eval reports `hearth eval` wrote under one folder (`$HEARTH_HOME/evals/<name>/report.html` with
 * its summary.json). A report opens at `/reports/<key>/<name>/report.html`: the key is an HMAC of the
 * name under the session token, so a link works in a new tab (which cannot send the token header)
 * while no other site can make one, and the report's relative links (its media) keep the key.
 */
export class EvalReports {
  constructor(
    private readonly dir: string | undefined,
    private readonly token: string,
  ) {}

  private keyFor(name: string): string {
    return createHmac('sha256', this.token).update(name).digest('hex').slice(0, 32);
  }

  list(): EvalReportView[] {
    if (!this.dir || !existsSync(this.dir)) return [];
    const reports: EvalReportView[] = [];
    for (const name of readdirSync(this.dir)) {
      const folder = join(this.dir, name);
      if (!existsSync(join(folder, 'report.html'))) continue;
      let summary: { createdAt?: string; models?: Record<string, { successRate?: number }> } = {};
      try {
        summary = JSON.parse(readFileSync(join(folder, 'summary.json'), 'utf8'));
      } catch {
        // A report whose summary is missing or cut short is still listed, by its folder's time.
      }
      reports.push({
        name,
        createdAt: summary.createdAt ?? statSync(folder).mtime.toISOString(),
        models: Object.entries(summary.models ?? {}).map(([model, result]) => ({
          name: model,
          ...(result.successRate !== undefined ? { successRate: result.successRate } : {}),
        })),
        href: `/reports/${this.keyFor(name)}/${encodeURIComponent(name)}/report.html`,
      });
    }
    return reports.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** The file a `/reports/<key>/<name>/<path>` address names, or undefined for a wrong key or a path outside the report. */
  file(key: string, name: string, path: string): string | undefined {
    if (!this.dir || key !== this.keyFor(name) || name.includes('/') || name.startsWith('.'))
      return undefined;
    const folder = join(this.dir, name);
    const file = join(folder, path);
    if (!existsSync(file)) return undefined;
    const real = realpathSync(file);
    return real.startsWith(realpathSync(folder) + sep) && statSync(real).isFile() ? real : undefined;
  }
}
