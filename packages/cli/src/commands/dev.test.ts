import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '@hearth/chromium';
import { makeMediaFixtures, startServices, stopServices } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The built CLI, as a user runs it (turbo builds the package and its dependencies before its tests).
const hearthBin = fileURLToPath(new URL('../../bin/hearth.js', import.meta.url));
const checkout = fileURLToPath(new URL('../../../../', import.meta.url));
const exampleWorkflows = join(checkout, 'workflows', 'src');
const approvalWorkflow = fileURLToPath(new URL('./test-support/approval-workflow.ts', import.meta.url));
const heldWorkflow = fileURLToPath(new URL('./test-support/held-workflow.ts', import.meta.url));

let project: string;
let home: string;
let media: { png: string; wav: string };
let dev: ChildProcess;
/** The address `hearth dev` printed (token in the fragment) and its origin. */
let pageUrl: string;
let origin: string;
let token: string;
type Browser = Awaited<ReturnType<typeof launchChromium>>;
type Page = Awaited<ReturnType<Browser['newPage']>>;
let browser: Browser;

beforeAll(async () => {
  // A project made by `hearth init` outside the checkout (its packages resolve from the CLI's own
  // installation: no npm install), with the example bug report, a workflow that pauses for approval and
  // one that can be held mid-step added to its src/workflows (its hearth.config.json lists the folder).
  const workspace = mkdtempSync(join(tmpdir(), 'hearth-dev-'));
  home = join(workspace, 'home');
  const init = spawnSync(
    process.execPath,
    [hearthBin, 'init', 'my-project', '--from', checkout, '--no-install'],
    {
      cwd: workspace,
      env: { ...process.env, HEARTH_HOME: home, HEARTH_OFFLINE: '1' },
      encoding: 'utf8',
    },
  );
  expect(init.status, init.stderr).toBe(0);
  project = join(workspace, 'my-project');
  const workflows = join(project, 'src', 'workflows');
  // Every module in src/workflows must export a workflow, so the bug report's helper goes beside it.
  copyFileSync(join(exampleWorkflows, 'sample-site.ts'), join(project, 'src', 'sample-site.ts'));
  writeFileSync(
    join(workflows, 'bug-report.ts'),
    readFileSync(join(exampleWorkflows, 'bug-report.ts'), 'utf8').replace(
      "'./sample-site.js'",
      "'../sample-site.js'",
    ),
  );
  copyFileSync(approvalWorkflow, join(workflows, 'approval-note.ts'));
  copyFileSync(heldWorkflow, join(workflows, 'held.ts'));
  // An eval report in HEARTH_HOME, made by `hearth eval` on the reference models (no weights needed).
  const evaluation = spawnSync(
    process.execPath,
    [hearthBin, 'eval', '--candidate', 'oracle', '--baseline', 'mutant', '--cases', '2', '--json'],
    { cwd: workspace, env: { ...process.env, HEARTH_HOME: home, HEARTH_OFFLINE: '1' }, encoding: 'utf8' },
  );
  expect(evaluation.status, evaluation.stderr).toBe(0);
  const fixtures = await makeMediaFixtures();
  media = { png: fixtures.screenshotPng, wav: fixtures.speechWav };
  ({ dev, pageUrl } = await startDev());
  origin = new URL(pageUrl).origin;
  token = new URL(pageUrl).hash.replace('#token=', '');
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stopDev(dev);
});

/** `hearth dev --no-open` in the project (the built CLI) and the address it printed. */
async function startDev(env: Record<string, string> = {}): Promise<{ dev: ChildProcess; pageUrl: string }> {
  const child = spawn(process.execPath, [hearthBin, 'dev', '--no-open'], {
    cwd: project,
    env: { ...process.env, HEARTH_HOME: home, HEARTH_OFFLINE: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  let errors = '';
  child.stderr?.on('data', (chunk) => {
    errors += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      printed += chunk;
      const match = /open (http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)/.exec(printed);
      if (match) resolve(match[1] as string);
    });
    child.on('exit', (code) => reject(new Error(`hearth dev exited (${code}): ${printed}${errors}`)));
  });
  return { dev: child, pageUrl: url };
}

/** Stops `hearth dev` as Ctrl+C does (it kills the runs it started) and waits for it to exit. */
async function stopDev(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** A page at 640 CSS pixels wide: a 1280-pixel window at 200% zoom. */
async function openPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 640, height: 900 } });
  await page.goto(pageUrl);
  await page.getByRole('link', { name: 'bug-report' }).waitFor();
  return page;
}

// Run in the page (this file is type-checked without the DOM library, hence the strings).
const noHorizontalScroll = (page: Page) =>
  page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

/** Drops a file on the drop zone the way a desktop drag does (a DataTransfer holding a File). */
async function dropFile(page: Page, file: string, mimeType: string, name: string) {
  const bytes = [...readFileSync(file)];
  const transfer = await page.evaluateHandle(
    `(() => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(${JSON.stringify(bytes)})], ${JSON.stringify(name)}, { type: ${JSON.stringify(mimeType)} }));
      return data;
    })()`,
  );
  await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer: transfer });
}

const status = (page: Page) => page.getByTestId('run-status');

describe('hearth dev in Chromium', () => {
  it('draws the bug report, starts it with a screenshot and a spoken note on the tiny model, and shows it complete', async () => {
    const page = await openPage();
    // The init template's own agent and workflow are listed beside the added ones.
    for (const name of ['greeting', 'writer', 'approval-demo', 'held'])
      await page.getByRole('link', { name, exact: true }).waitFor();
    // Keyboard: the nav link is reached and followed without a mouse.
    await page.getByRole('link', { name: 'bug-report' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'workflow bug-report' }).waitFor();
    // The graph, laid out with the nested agent drawn inside its node.
    for (const node of [
      'plan',
      'inspectText',
      'inspectScreenshot',
      'analyze',
      'write',
      'analyze/model',
      'analyze/tools',
    ])
      await expect(page.locator(`g.node[data-node="${node}"]`).count()).resolves.toBe(1);
    expect(await page.locator('path.edge.conditional').count()).toBeGreaterThan(0);
    expect(await noHorizontalScroll(page)).toBe(true);

    await page.getByLabel('Model').fill('tiny');
    await page.getByLabel('note').fill('the sign-in button does nothing');
    await page.locator('#field-attachments').setInputFiles(media.png);
    await dropFile(page, media.wav, 'audio/wav', 'voice-note.wav');
    await page.getByAltText(/preview of .*\.png/).waitFor();
    await page.getByLabel('play voice-note.wav').waitFor();
    // A voice note recorded in the page: headless Chromium has no microphone, so the page's
    // getUserMedia gets a tone from Web Audio; the recorder, its WAV encoding and the run are real.
    await page.evaluate(`navigator.mediaDevices.getUserMedia = async () => {
      const context = new AudioContext();
      const tone = context.createOscillator();
      const output = context.createMediaStreamDestination();
      tone.connect(output);
      tone.start();
      return output.stream;
    }`);
    await page.getByRole('button', { name: 'Record from the microphone' }).click();
    await page.getByText('Recording…').waitFor();
    await page.waitForTimeout(800);
    await page.getByRole('button', { name: 'Stop recording' }).click();
    const recorded = page.getByLabel(/^play recording-.*\.wav$/);
    await recorded.waitFor();
    await expect
      .poll(() =>
        page.evaluate<number>(`document.querySelector('audio[aria-label^="play recording-"]').duration || 0`),
      )
      .toBeGreaterThan(0.2);
    await page.getByRole('button', { name: 'Start run' }).click();

    await page.waitForURL(/#\/run\//);
    await expect(status(page).textContent()).resolves.toMatch(/starting|running|done/);
    await page
      .locator('[data-testid="run-status"]', { hasText: /^(done|failed|killed)$/ })
      .waitFor({ timeout: 420_000 });
    expect(await status(page).textContent()).toBe('done');
    // Every node lit up as done, the nested agent's turns too.
    for (const node of ['plan', 'inspectText', 'inspectScreenshot', 'analyze', 'write', 'analyze/model'])
      await expect(page.locator(`g.node.done[data-node="${node}"]`).count()).resolves.toBe(1);
    // The report the workflow wrote, read back from the project folder.
    const report = await page.getByTestId('artifact').textContent();
    expect(report).toMatch(/## Findings/);
    expect(report).toMatch(
      /Attachments: image 0-.*\.png, audio 1-voice-note\.wav, audio 2-recording-.*\.wav/,
    );
    expect(await page.getByTestId('run-output').textContent()).toMatch(/"written": true/);
    // Tool calls with their arguments and results; both attachments shown and playable.
    await page
      .locator('li[data-call="inspectScreenshot:browser_screenshot"]', { hasText: 'Result' })
      .waitFor();
    // The screenshot the browser tool took, shown (decoded) with its result.
    await page.getByAltText('browser_screenshot result 1').waitFor();
    await expect
      .poll(() =>
        page.evaluate<number>(
          `document.querySelector('img[alt="browser_screenshot result 1"]').naturalWidth`,
        ),
      )
      .toBeGreaterThan(100);
    await page.locator('section img[alt$=".png"]').first().waitFor();
    await page.locator('section audio[aria-label="play voice-note.wav"]').waitFor();
    // The run's spans: the timeline and the per-turn token table.
    await page.getByText(/invoke_workflow bug-report/).waitFor({ timeout: 30_000 });
    expect(await page.locator('table caption', { hasText: 'Model turns' }).count()).toBe(1);
    expect(await noHorizontalScroll(page)).toBe(true);
    await page.close();
  });

  it('pauses on an approval, is approved from the page, and the run is in the history after a reload', async () => {
    const page = await openPage();
    await page.getByRole('link', { name: 'approval-demo' }).click();
    await page.locator('#field-attachments').setInputFiles(media.png);
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/#\/run\//);
    const runId = page.url().split('/').at(-1) as string;
    await page.getByRole('heading', { name: 'Waiting for your approval' }).waitFor({ timeout: 240_000 });
    expect(await status(page).textContent()).toBe('paused');
    await page.getByText('append_note').first().waitFor();
    await expect(page.locator('g.node.paused[data-node="save"]').count()).resolves.toBe(1);
    expect(existsSync(join(project, 'notes.txt'))).toBe(false);

    // Another local page (another port: a loopback origin, so only the token stops it) tries to approve.
    const attacker: Server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>elsewhere</title>');
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    const attackPage = await browser.newPage();
    await attackPage.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
    const forged = await attackPage.evaluate(async (target) => {
      const simple = await fetch(target, {
        method: 'POST',
        mode: 'no-cors',
        body: '{}',
        headers: { 'content-type': 'text/plain' },
      });
      let preflighted = 'sent';
      try {
        await fetch(target, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      } catch {
        preflighted = 'blocked';
      }
      return { simple: simple.type, preflighted };
    }, `${origin}/api/runs/${runId}/approve`);
    expect(forged.preflighted).toBe('blocked');
    await attackPage.close();
    await new Promise<void>((resolve) => attacker.close(() => resolve()));
    const still = (await (
      await fetch(`${origin}/api/runs/${runId}`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { run: { status: string } };
    expect(still.run.status).toBe('paused');

    // Approved from the page, with the keyboard: the same `hearth run --resume --approve` as the CLI.
    await page.getByRole('button', { name: 'Approve' }).focus();
    await page.keyboard.press('Enter');
    await page
      .locator('[data-testid="run-status"]', { hasText: /^(done|failed)$/ })
      .waitFor({ timeout: 240_000 });
    expect(await status(page).textContent()).toBe('done');
    expect(await page.getByTestId('run-output').textContent()).toMatch(/"saved": "appended"/);
    expect(readFileSync(join(project, 'notes.txt'), 'utf8').trim().split('\n')).toHaveLength(1);

    await page.reload();
    await page.getByRole('link', { name: 'Runs history' }).click();
    const row = page.locator('[data-testid="runs"] tr', { hasText: 'approval-demo' });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/done/);
    await row.getByRole('link').click();
    await page.getByTestId('run-output').waitFor();
    expect(await status(page).textContent()).toBe('done');
    await page.close();
  });

  it('denies a paused call from the page: the run finishes without running it', async () => {
    const page = await openPage();
    await page.getByRole('link', { name: 'approval-demo' }).click();
    await page.locator('#field-attachments').setInputFiles(media.png);
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.getByRole('heading', { name: 'Waiting for your approval' }).waitFor({ timeout: 240_000 });
    await page.getByRole('button', { name: 'Deny' }).click();
    await page
      .locator('[data-testid="run-status"]', { hasText: /^(done|failed)$/ })
      .waitFor({ timeout: 240_000 });
    expect(await status(page).textContent()).toBe('done');
    expect(await page.getByTestId('run-output').textContent()).toMatch(/"saved": ".*denied/);
    // The one line is still the one the approved run wrote.
    expect(readFileSync(join(project, 'notes.txt'), 'utf8').trim().split('\n')).toHaveLength(1);
    await page.close();
  });

  it('refuses every action without the token, from another site, or with a form body', async () => {
    const action = `${origin}/api/runs`;
    const body = JSON.stringify({ target: 'approval-demo', model: 'tiny', input: {}, attachments: [] });
    const json = { 'content-type': 'application/json' };
    const noToken = await fetch(action, { method: 'POST', headers: json, body });
    expect(noToken.status).toBe(401);
    const wrongToken = await fetch(action, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${'0'.repeat(48)}` },
      body,
    });
    expect(wrongToken.status).toBe(401);
    const foreign = await fetch(action, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${token}`, origin: 'https://evil.example' },
      body,
    });
    expect(foreign.status).toBe(403);
    const form = await fetch(action, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${token}` },
      body,
    });
    expect(form.status).toBe(415);
    // Nothing of the above started a run.
    const runs = (await (await fetch(action, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      runs: unknown[];
    };
    expect(runs.runs).toHaveLength(3);
  });

  it('kills a run mid-step and resumes it from its last checkpoint (finished steps are not run again)', async () => {
    writeFileSync(join(project, 'hold'), '');
    const page = await openPage();
    await page.getByRole('link', { name: 'held' }).click();
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/#\/run\//);
    // s1 finished (checkpointed) and s2 is waiting on the hold file.
    await page.locator('g.node.done[data-node="s1"]').waitFor({ timeout: 120_000 });
    await page.locator('g.node.running[data-node="s2"]').waitFor();
    await page.getByRole('button', { name: 'Kill the run' }).click();
    await page.locator('[data-testid="run-status"]', { hasText: 'killed' }).waitFor();
    expect(readFileSync(join(project, 'counter.txt'), 'utf8')).toBe('s1\n');

    rmSync(join(project, 'hold'));
    await page.getByRole('button', { name: 'Resume from the last checkpoint' }).click();
    await page
      .locator('[data-testid="run-status"]', { hasText: /^(done|failed)$/ })
      .waitFor({ timeout: 120_000 });
    expect(await status(page).textContent()).toBe('done');
    expect(readFileSync(join(project, 'counter.txt'), 'utf8')).toBe('s1\ns2\ns3\n');
    await page.close();
  });

  it('says which port is taken, with exit code 2', () => {
    const port = new URL(origin).port;
    const second = spawnSync(process.execPath, [hearthBin, 'dev', '--no-open', '--port', port], {
      cwd: project,
      env: { ...process.env, HEARTH_HOME: home, HEARTH_OFFLINE: '1' },
      encoding: 'utf8',
    });
    expect(second.status).toBe(2);
    expect(second.stderr).toContain(
      `--port ${port}: 127.0.0.1:${port} cannot be used (another program listens there)`,
    );
  });

  it('lists the eval reports and opens one', async () => {
    const page = await openPage();
    await page.getByRole('link', { name: 'Eval reports' }).click();
    const report = page.getByTestId('evals').getByRole('listitem').first();
    await report.waitFor();
    expect(await report.textContent()).toMatch(/oracle 100% vs mutant 0%/);
    const [opened] = await Promise.all([page.waitForEvent('popup'), report.getByRole('link').click()]);
    await opened.waitForLoadState();
    expect(await opened.title()).toBe('Hearth eval: oracle vs mutant');
    await page.close();
  });
});

describe('hearth dev with a run queue configured', () => {
  let services: string;
  let queued: { dev: ChildProcess; pageUrl: string } | undefined;
  let runId: string;

  beforeAll(async () => {
    services = join(project, '..', 'services');
    const urls = await startServices({ dir: services });
    const queueEnv = {
      HEARTH_REDIS_URL: urls.redisUrl,
      HEARTH_POSTGRES_URL: urls.postgresUrl,
      HEARTH_QUEUE_NAME: `dev-${process.pid}`,
    };
    // A run on the queue with no worker to take it: it waits, queued.
    const enqueued = spawnSync(
      process.execPath,
      [hearthBin, 'run', 'held', '--queue', '--detach', '--json'],
      {
        cwd: project,
        env: { ...process.env, HEARTH_HOME: home, HEARTH_OFFLINE: '1', ...queueEnv },
        encoding: 'utf8',
      },
    );
    expect(enqueued.status, enqueued.stderr).toBe(0);
    runId = (JSON.parse(enqueued.stdout) as { runId: string }).runId;
    queued = await startDev(queueEnv);
  }, 180_000);

  afterAll(async () => {
    await stopDev(queued?.dev);
    await stopServices(services).catch(() => undefined);
  });

  it('shows the runs waiting on the queue in the history', async () => {
    const page = await browser.newPage({ viewport: { width: 640, height: 900 } });
    await page.goto(queued?.pageUrl as string);
    await page.getByRole('link', { name: 'Runs history' }).click();
    const row = page.getByTestId('queue').locator('tr', { hasText: runId });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/held.*queued/);
    await page.close();
  });
});
