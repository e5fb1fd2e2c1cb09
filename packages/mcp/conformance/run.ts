/**
 * Runs @modelcontextprotocol/conformance against Hearth: every server scenario against `serveHttp`
 * (conformance/server.ts) and the client scenarios against `McpClientConnection` (conformance/client.ts),
 * with conformance/baseline.yml listing the known failures. Needs Node >= 22 and the suite, both installed in packages/mcp/peers:
 *   npm run conformance -w @hearth/mcp
 * Prints pass counts and exits non-zero on any failure not in the baseline (or a baseline entry that passes).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// The suite lives in packages/mcp/peers, installed apart from the workspace (see its package.json).
const require = createRequire(join(here, '../peers/package.json'));
const cli = join(dirname(require.resolve('@modelcontextprotocol/conformance/package.json')), 'dist/index.js');
const tsx = import.meta.resolve('tsx');
const node = process.execPath;
const baseline = join(here, 'baseline.yml');
const work = mkdtempSync(join(tmpdir(), 'hearth-conformance-'));
if (Number(process.versions.node.split('.')[0]) < 22)
  throw new Error(
    `conformance needs Node >= 22; this is ${process.version}. Run it with packages/mcp/peers/node_modules/.bin/node (npm run conformance -w @hearth/mcp does).`,
  );

function run(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(node, [cli, ...args], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

function counts(output: string): { passed: number; failed: number } {
  let passed = 0;
  let failed = 0;
  for (const match of output.matchAll(/Passed: (\d+)\/\d+, (\d+) failed/g)) {
    passed += Number(match[1]);
    failed += Number(match[2]);
  }
  const total = /Total: (\d+) passed, (\d+) failed/.exec(output);
  return total ? { passed: Number(total[1]), failed: Number(total[2]) } : { passed, failed };
}

// Server side.
const server = spawn(node, ['--import', tsx, join(here, 'server.ts'), '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise<string>((resolve, reject) => {
  server.stdout.once('data', (d) => resolve(String(d).trim()));
  server.once('exit', (code) => reject(new Error(`conformance server exited (${code})`)));
});
const serverRun = await run(['server', '--url', url, '--expected-failures', baseline]);
server.kill('SIGTERM');
const serverCounts = counts(serverRun.output);
const scenarios = [...serverRun.output.matchAll(/^([✓✗]) (\S+): (\d+) passed, (\d+) failed/gm)];
process.stdout.write(`${serverRun.output.slice(serverRun.output.indexOf('=== SUMMARY'))}\n`);

// Client side.
const clientCommand = `${node} --import ${tsx} ${join(here, 'client.ts')}`;
const clientScenarios = ['initialize', 'tools_call', 'sse-retry', 'elicitation-sep1034-client-defaults'];
const expectedClientFailures = readFileSync(baseline, 'utf8').split('client:')[1] ?? '';
let clientPassed = 0;
let clientFailed = 0;
let clientUnexpected = 0;
for (const scenario of clientScenarios) {
  const result = await run(['client', '--command', clientCommand, '--scenario', scenario]);
  const { passed, failed } = counts(result.output);
  const ok = result.output.includes('OVERALL: PASSED') || (failed === 0 && passed > 0);
  const expected = expectedClientFailures.includes(`- ${scenario}`);
  if (ok === expected) clientUnexpected++;
  clientPassed += passed;
  clientFailed += failed;
  process.stdout.write(
    `client ${ok ? '✓' : '✗'} ${scenario}: ${passed} checks passed, ${failed} failed${expected ? ' (in baseline)' : ''}\n`,
  );
}

const summary = {
  server: {
    scenariosPassed: scenarios.filter((s) => s[1] === '✓').length,
    scenarios: scenarios.length,
    checksPassed: serverCounts.passed,
    checksFailed: serverCounts.failed,
    baselineRespected: serverRun.code === 0,
  },
  client: { checksPassed: clientPassed, checksFailed: clientFailed, unexpected: clientUnexpected },
};
process.stdout.write(`\nCONFORMANCE ${JSON.stringify(summary)}\n`);
process.exitCode = serverRun.code === 0 && clientUnexpected === 0 ? 0 : 1;
