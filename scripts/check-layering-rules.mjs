// Shows that the layering rules in .dependency-cruiser.cjs bite: builds a throwaway copy of the workspace's
// shape in a temp directory (the real config, package manifests and stub entry files), adds one probe file per
// case, cruises them once and checks that each forbidden import fails with the rule that names it and each
// allowed one passes. Nothing is written to the working tree. Run by `npm run lint:layers`.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const depcruise = join(repoRoot, 'node_modules', '.bin', 'depcruise');

/** Each probe: the files to add and the rule they must break (null: they must pass). */
const probes = [
  { files: { 'packages/engine/src/probe-upward.ts': "import '@hearth/core';\n" }, rule: 'no-upward-import' },
  {
    files: { 'packages/model/src/probe-testkit.ts': "import '@hearth/testkit';\n" },
    rule: 'no-testkit-in-library',
  },
  {
    files: { 'packages/core/src/probe-type-only-upward.ts': "import type {} from '@hearth/model';\n" },
    rule: 'no-upward-import',
  },
  {
    files: { 'packages/mcp/src/probe-internals.ts': "import '@hearth/core/src/tools/define-tool.js';\n" },
    rule: 'no-package-internals',
  },
  {
    files: { 'packages/mcp/src/probe-relative.ts': "import '../../core/src/index.js';\n" },
    rule: 'no-relative-import-across-packages',
  },
  {
    files: {
      'packages/core/src/probe-cycle-a.ts': "import './probe-cycle-b.js';\n",
      'packages/core/src/probe-cycle-b.ts': "import './probe-cycle-a.js';\n",
    },
    rule: 'no-circular',
  },
  {
    files: { 'packages/cli/src/probe-static-testkit.ts': "import '@hearth/testkit';\n" },
    rule: 'cli-loads-testkit-lazily',
  },
  {
    files: {
      'packages/cli/src/probe-dynamic-testkit.ts': "export const load = () => import('@hearth/testkit');\n",
    },
    rule: null,
  },
  {
    files: { 'packages/model/src/probe-allowed.ts': "import '@hearth/engine';\nimport '@hearth/gguf';\n" },
    rule: null,
  },
  { files: { 'packages/model/src/probe-testkit.test.ts': "import '@hearth/testkit';\n" }, rule: null },
  { files: { 'packages/testkit/src/probe-launcher.ts': "import '@hearth/chromium';\n" }, rule: null },
  { files: { 'packages/testkit/src/probe-tools.ts': "import '@hearth/tools';\n" }, rule: 'no-upward-import' },
  { files: { 'packages/core/src/probe-evals.ts': "import '@hearth/evals';\n" }, rule: 'no-upward-import' },
  {
    files: { 'packages/evals/src/probe-testkit.ts': "import '@hearth/testkit';\n" },
    rule: 'no-testkit-in-library',
  },
  {
    files: { 'packages/evals/src/probe-allowed.ts': "import '@hearth/core';\nimport '@hearth/model';\n" },
    rule: null,
  },
];

/** Copies what the rules and module resolution read: configs, manifests, one stub file per public entry. */
function buildWorkspaceShape(root) {
  for (const file of ['.dependency-cruiser.cjs', '.dependency-cruiser.tsconfig.json', 'tsconfig.json']) {
    cpSync(join(repoRoot, file), join(root, file));
  }
  const { compilerOptions } = JSON.parse(
    readFileSync(join(repoRoot, '.dependency-cruiser.tsconfig.json'), 'utf8'),
  );
  const stubs = [
    ...Object.values(compilerOptions.paths).map(([file]) => file),
    'packages/core/src/tools/define-tool.ts',
  ];
  for (const file of stubs) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), 'export {};\n');
  }
  // Workspace packages are linked into node_modules as npm does, so deep imports resolve as in the repo.
  const packageDirs = new Set(stubs.map((file) => file.slice(0, file.indexOf('/src/'))));
  for (const packageDir of packageDirs) {
    const manifest = readFileSync(join(repoRoot, packageDir, 'package.json'), 'utf8');
    writeFileSync(join(root, packageDir, 'package.json'), manifest);
    const link = join(root, 'node_modules', JSON.parse(manifest).name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(relative(dirname(link), join(root, packageDir)), link, 'dir');
  }
}

function cruise(root, files) {
  return new Promise((resolve, reject) => {
    execFile(
      depcruise,
      ['--config', '.dependency-cruiser.cjs', '--output-type', 'json', ...files],
      { cwd: root, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        // depcruise exits non-zero when it finds violations; only output that is not a report is a failure.
        if (!stdout.trim()) reject(new Error(`depcruise produced no report: ${stderr || error?.message}`));
        else resolve(JSON.parse(stdout));
      },
    );
  });
}

const root = mkdtempSync(join(tmpdir(), 'hearth-layering-'));
try {
  buildWorkspaceShape(root);
  const probeFiles = probes.flatMap((probe) => Object.keys(probe.files));
  for (const probe of probes) {
    for (const [file, source] of Object.entries(probe.files)) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), source);
    }
  }
  const report = await cruise(root, probeFiles);
  const failures = [];
  for (const probe of probes) {
    const files = Object.keys(probe.files);
    const rules = new Set(
      report.summary.violations
        .filter((violation) => files.includes(violation.from))
        .map((violation) => violation.rule.name),
    );
    const expected = probe.rule ? [probe.rule] : [];
    if (expected.length !== rules.size || !expected.every((rule) => rules.has(rule))) {
      failures.push(
        `${files.join(' + ')}: expected ${probe.rule ?? 'no violation'}, got ${[...rules].join(', ') || 'no violation'}`,
      );
    }
  }
  if (failures.length > 0) {
    console.error(`Layering rules do not behave as documented:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log(
      `layering rules bite: ${probes.length} probes (forbidden and allowed imports) judged as expected`,
    );
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
