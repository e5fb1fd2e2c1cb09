import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkoutPackages, installedPackageDir } from './init-packages.js';
import { runHearth } from './test-support/hearth-binary.js';

// The release check, as a user meets Hearth: every publishable package packed by `npm pack`, a
// project made by `hearth init --from <those tarballs>` in a temp folder outside the checkout,
// installed (one npm install, from the npm cache when it can), typechecked, its own tests run, its
// workflow run on tiny by the project's own `hearth`, the shipped evals run on the reference
// models, and its tools listed by the MCP inspector.
const checkout = fileURLToPath(new URL('../../../../', import.meta.url));
const minutes = 60_000;

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...(process.env as Record<string, string>), HEARTH_OFFLINE: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm pack -> hearth init --from tarballs -> install -> typecheck, test, run, inspect', () => {
  it(
    'a project made from the tarballs alone works outside the checkout',
    async () => {
      const workspace = mkdtempSync(join(tmpdir(), 'hearth-pack-init-'));
      const tarballs = join(workspace, 'tarballs');
      mkdirSync(tarballs);
      const packages = checkoutPackages(checkout);
      if (!packages) throw new Error(`${checkout} is not a Hearth checkout`);
      // Scripts off: `npm test` has built every dist (turbo: test depends on build).
      const packed = await run(
        'npm',
        ['pack', ...packages.values(), '--ignore-scripts', '--pack-destination', tarballs],
        checkout,
      );
      expect(packed.code, packed.stderr).toBe(0);
      expect(readdirSync(tarballs).length).toBe(packages.size);

      const project = join(workspace, 'my-agents');
      const init = await runHearth(['init', project, '--from', tarballs, '--no-install']);
      expect(init.code, init.stderr).toBe(0);

      const install = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], project);
      expect(install.code, install.stderr).toBe(0);
      // Installed from the project's tarballs, not from the checkout (no symlink back into it).
      expect(readFileSync(join(project, 'node_modules/@hearth/core/package.json'), 'utf8')).toContain(
        '"name": "@hearth/core"',
      );

      const typecheck = await run('npm', ['run', 'typecheck'], project);
      expect(typecheck.code, typecheck.stdout + typecheck.stderr).toBe(0);

      const tests = await run('npm', ['test'], project);
      expect(tests.code, tests.stdout + tests.stderr).toBe(0);
      expect(stripVTControlCharacters(tests.stdout)).toMatch(/Tests\s+4 passed/);

      const hearth = join(project, 'node_modules/.bin/hearth');
      const workflow = await run(
        hearth,
        ['run', 'greeting', '--model', 'tiny', '--input', '{"name":"Ada"}', '--json'],
        project,
      );
      expect(workflow.code, workflow.stderr).toBe(0);
      const { output } = JSON.parse(workflow.stdout) as { output: { greeting: string; words: number } };
      expect(output.words).toBe(output.greeting.split(/\s+/).filter(Boolean).length);

      // Every suite's shipped cases come with the installed @hearth/evals (none read from a checkout).
      const evalRun = await run(
        hearth,
        [
          'eval',
          'run',
          '--candidate',
          'oracle',
          '--baseline',
          'mutant',
          '--cases',
          '2',
          '--out',
          join(workspace, 'eval'),
          '--json',
        ],
        project,
      );
      expect(evalRun.code, evalRun.stderr).toBe(0);
      const evalReport = JSON.parse(evalRun.stdout) as {
        suites: Record<string, { dataDir: string; cases: number }>;
        models: Record<string, { successRate: number; scored: number }>;
      };
      for (const suite of Object.values(evalReport.suites)) {
        expect(suite.dataDir.startsWith(join(project, 'node_modules'))).toBe(true);
        expect(suite.cases).toBe(2);
      }
      const scored = Object.keys(evalReport.suites).length * 2;
      expect(evalReport.models.oracle).toMatchObject({ successRate: 1, scored });
      expect(evalReport.models.mutant).toMatchObject({ successRate: 0, scored });

      // The inspector's CLI mode runs on Node 20 (its package asks for 22 for the web UI it also ships).
      const inspectorDir = installedPackageDir('@modelcontextprotocol/inspector', checkout);
      if (!inspectorDir) throw new Error('@modelcontextprotocol/inspector is not installed: npm ci');
      const inspectorBin = (
        JSON.parse(readFileSync(join(inspectorDir, 'package.json'), 'utf8')) as {
          bin: Record<string, string>;
        }
      ).bin['mcp-inspector'] as string;
      const listed = await run(
        process.execPath,
        [
          join(inspectorDir, inspectorBin),
          '--cli',
          // A busy machine needs more than the inspector's 15 s to start the server; `--` ends its flags.
          '--connect-timeout',
          '120000',
          '--method',
          'tools/list',
          '--',
          hearth,
          'mcp',
          'serve',
          '--no-browser',
        ],
        project,
      );
      expect(listed.code, listed.stderr).toBe(0);
      const names = (JSON.parse(listed.stdout) as { tools: Array<{ name: string }> }).tools.map(
        (tool) => tool.name,
      );
      // The project's tool, agent and workflow, beside the built-ins; not the example workflows.
      expect(names).toEqual(
        expect.arrayContaining(['word_count', 'writer', 'greeting', 'fs_read', 'calculator']),
      );
      expect(names).not.toContain('sales-report');
    },
    40 * minutes,
  );
});
