// Package layering for `npm run lint` (see ARCHITECTURE.md, "Packages and the direction of dependencies").
// Workspace imports resolve to source through .dependency-cruiser.tsconfig.json, so the check needs no build
// and sees cycles that run through several packages.

const { compilerOptions } = require('./.dependency-cruiser.tsconfig.json');

/** Where each workspace package lives, relative to the repository root. */
const packageDirs = {
  engine: 'packages/engine',
  gguf: 'packages/gguf',
  'http-guard': 'packages/http-guard',
  tracing: 'packages/tracing',
  dev: 'packages/dev',
  model: 'packages/model',
  core: 'packages/core',
  mcp: 'packages/mcp',
  chromium: 'packages/chromium',
  testkit: 'packages/testkit',
  evals: 'packages/evals',
  queue: 'packages/queue',
  cli: 'packages/cli',
  tools: 'tools',
  agents: 'agents',
  workflows: 'workflows',
};

/**
 * The one allowed direction: engine <- gguf <- model; engine <- core <- mcp; http-guard <- model, mcp; core <- tools <- agents/workflows;
 * engine <- chromium <- tools, testkit, evals; engine, core, model, tools <- evals; engine, core <- queue; everything <- cli. The testkit uses the contract, the GGUF writer and the
 * Chromium launcher (not tools: core and model test with the testkit, so testkit -> tools -> core is a cycle).
 */
const productionDependencies = {
  engine: [],
  gguf: ['engine'],
  'http-guard': [],
  // Spans from the run events and the Engine contract only: core and model know nothing of OpenTelemetry.
  tracing: ['engine'],
  // The `hearth dev` server and page: the CLI hands it the project as plain data, so it needs no core.
  dev: ['engine', 'http-guard', 'tracing'],
  model: ['engine', 'gguf', 'http-guard'],
  core: ['engine'],
  mcp: ['engine', 'core', 'http-guard'],
  chromium: ['engine'],
  tools: ['engine', 'core', 'chromium'],
  agents: ['engine', 'core', 'tools'],
  workflows: ['engine', 'core', 'tools'],
  testkit: ['engine', 'gguf', 'chromium'],
  // The eval harness opens models (model), runs core's and the built-in tools (tools: fs, calculator) in multi-step suites and renders screen-qa pages
  // in Chromium (chromium); only the CLI loads it.
  evals: ['engine', 'core', 'model', 'chromium', 'tools'],
  // Distributed runs: workers run core's targets; the engine comes from the caller (the CLI opens it).
  queue: ['engine', 'core'],
  cli: Object.keys(packageDirs).filter((name) => name !== 'cli'),
};

/** Tests, benches and test helpers may also run the real engines on the testkit's models. */
const testOnlyDependencies = ['model', 'testkit'];

const anyPackage = '^(packages/[^/]+|tools|agents|workflows)/';
/** Tests, type tests, test helpers, benches and the MCP conformance runner, relative to a package's directory. */
const testFile =
  '(bench/|conformance/|vitest\\.config\\.ts$|.*\\.test(-d)?\\.ts$|.*/(test-support|testing)/)';
const testCode = `${anyPackage}${testFile}`;
const libraries = Object.keys(packageDirs).filter((name) => name !== 'cli' && name !== 'testkit');
const pathsOf = (names) => names.map((name) => `^${packageDirs[name]}/`);
const othersThan = (allowed) =>
  Object.keys(packageDirs).filter((name) => name !== 'testkit' && !allowed.includes(name));

/** Resolved source files of each package's public entry points (its package.json exports). */
const publicEntries = Object.values(compilerOptions.paths).map(([file]) => `^${file.replace(/\./g, '\\.')}$`);

const upwardImportRules = Object.entries(productionDependencies).flatMap(([name, allowed]) => {
  const from = `^${packageDirs[name]}/`;
  const testAllowed = [...allowed, ...testOnlyDependencies];
  const rules = [
    {
      name: 'no-upward-import',
      comment: `${name} may import only ${allowed.join(', ') || 'no other Hearth package'} (the layering in ARCHITECTURE.md).`,
      severity: 'error',
      from: { path: from, pathNot: testCode },
      forbiddenPackages: othersThan([name, ...allowed]),
    },
    {
      name: 'no-upward-import',
      comment: `Tests and benches of ${name} may import only ${testAllowed.join(', ')}.`,
      severity: 'error',
      from: { path: `${from}${testFile}` },
      forbiddenPackages: othersThan([name, ...testAllowed]),
    },
  ];
  return rules
    .filter((rule) => rule.forbiddenPackages.length > 0)
    .map(({ forbiddenPackages, ...rule }) => ({ ...rule, to: { path: pathsOf(forbiddenPackages) } }));
});

module.exports = {
  forbidden: [
    ...upwardImportRules,
    {
      name: 'no-testkit-in-library',
      comment:
        'Library packages must not load the testkit (it pulls in test models and a browser driver); only tests, benches and test helpers may.',
      severity: 'error',
      from: { path: pathsOf(libraries), pathNot: testCode },
      to: { path: pathsOf(['testkit']) },
    },
    {
      name: 'cli-loads-testkit-lazily',
      comment: "The CLI may load the testkit only with `await import('@hearth/testkit')`, never at start-up.",
      severity: 'error',
      from: { path: pathsOf(['cli']), pathNot: testCode },
      to: { path: pathsOf(['testkit']), dynamic: false, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-package-internals',
      comment:
        "Import another package by its name and public exports, never its files (e.g. '@hearth/core/src/...').",
      severity: 'error',
      from: { path: anyPackage },
      to: { path: anyPackage, pathNot: ['^$1/', ...publicEntries] },
    },
    {
      name: 'no-package-internals',
      comment:
        "A '@hearth/...' import that is not one of the package's exports (e.g. '@hearth/core/src/...') does not resolve.",
      severity: 'error',
      from: { path: anyPackage },
      to: { path: '^@hearth/', couldNotResolve: true },
    },
    {
      name: 'no-relative-import-across-packages',
      comment: "Import another package by its name (e.g. '@hearth/core'), never by a relative path into it.",
      severity: 'error',
      from: { path: anyPackage },
      to: { path: anyPackage, pathNot: '^$1/', dependencyTypesNot: ['aliased'] },
    },
    {
      name: 'no-circular',
      comment: 'Modules must not depend on each other in a cycle, within a package or across packages.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    tsConfig: { fileName: '.dependency-cruiser.tsconfig.json' },
    // Type-only imports count: a package's published types must not reach up the layers either.
    tsPreCompilationDeps: true,
    // Other packages' build output is a leaf of the graph (and an import of it breaks no-package-internals).
    doNotFollow: { path: ['node_modules', '/dist/'] },
    // Mirrors .gitignore: engineers' scratch files are not part of the graph.
    exclude: { path: ['/node_modules/', '/coverage/', '/\\.scratch', '/scratch-'] },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
