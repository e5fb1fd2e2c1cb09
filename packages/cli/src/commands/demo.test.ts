import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeMediaFixtures } from '@hearth/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { runHearth } from './test-support/hearth-binary.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** The real `hearth` binary, run from the repository root (where the example workflows are). */
const hearth = (args: string[]) => runHearth(args, { cwd: repoRoot });

let fixtures: Awaited<ReturnType<typeof makeMediaFixtures>>;
beforeAll(async () => {
  fixtures = await makeMediaFixtures();
});

describe('the main job, end to end through the binary (tiny model, offline)', () => {
  it('hearth run workflows/bug-report --model tiny --image --audio --json: plan, steps and result; the report is on disk', async () => {
    const workdir = mkdtempSync(join(tmpdir(), 'hearth-main-job-'));
    const run = await hearth([
      'run',
      'workflows/bug-report',
      '--model',
      'tiny',
      '--image',
      fixtures.screenshotPng,
      '--audio',
      fixtures.speechWav,
      '--workdir',
      workdir,
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ status: 'done', target: 'bug-report', model: 'tiny' });
    expect(summary.plan.steps.length).toBeGreaterThanOrEqual(1);
    const topLevel = summary.steps
      .filter((s: { path: string[] }) => s.path.length === 0)
      .map((s: { node: string }) => s.node);
    expect(topLevel[0]).toBe('plan');
    expect(topLevel.slice(-2)).toEqual(['analyze', 'write']);
    expect(summary.output.written).toBe(true);
    expect(summary.output.page).toMatchObject({ screenshot: true, problems: [] });
    expect(readFileSync(join(workdir, summary.output.reportPath), 'utf8')).toContain(
      'Something went wrong. Please try again later.',
    );
  });

  it('hearth demo completes offline and says where the report is', async () => {
    const workdir = mkdtempSync(join(tmpdir(), 'hearth-demo-'));
    const demo = await hearth(['demo', '--workdir', workdir]);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toContain('workflow bug-report on tiny');
    // The sample page is served by the browser itself, on a reserved name: no loopback server.
    expect(demo.stdout).toContain('-> browser_screenshot {"url":"http://sample-site.invalid/login"}');
    const reportPath = /report: (.+\.md)/.exec(demo.stdout)?.[1];
    expect(reportPath && existsSync(reportPath)).toBe(true);
  });

  it('hearth demo --stream prints the replies decoded under JSON schemas as many token events', async () => {
    const workdir = mkdtempSync(join(tmpdir(), 'hearth-demo-stream-'));
    const demo = await hearth(['demo', '--workdir', workdir, '--stream']);
    expect(demo.code, demo.stderr).toBe(0);
    const events = demo.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; text?: string });
    expect(events.at(-1)?.type).toBe('result');
    const tokens = events.filter((event) => event.type === 'token').map((event) => event.text ?? '');
    // Every model turn of the demo is decoded under a schema. Each used to arrive as one event of
    // hundreds of characters at the end of its turn; now its tokens arrive as they decode.
    expect(tokens.length).toBeGreaterThanOrEqual(40);
    expect(Math.max(...tokens.map((text) => text.length))).toBeLessThan(100);
  });
});
