import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeMediaFixtures } from '@hearth/testkit';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { reportFailure as reportExitCode } from '../output.js';
import { createProgram } from '../program.js';
import { runHearth } from './test-support/hearth-binary.js';

const workflow = fileURLToPath(new URL('./test-support/approval-workflow.ts', import.meta.url));
const counted = fileURLToPath(new URL('./test-support/counted-workflow.ts', import.meta.url));
const digest = fileURLToPath(new URL('./test-support/attachment-digest-workflow.ts', import.meta.url));

let home: string;
let workdir: string;
let png: string;

/** The real `hearth` binary with this file's HEARTH_HOME; file tools write to `workdir`. */
const hearth = (args: string[], env: Record<string, string> = {}, onSpawn?: (child: ChildProcess) => void) =>
  runHearth(args, { home, env, onSpawn });

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'hearth-run-home-'));
  workdir = mkdtempSync(join(tmpdir(), 'hearth-run-work-'));
  png = (await makeMediaFixtures()).screenshotPng;
});

describe('hearth run', () => {
  it('pauses for approval (exit 4), then --resume --approve runs the tool once and prints one JSON object', async () => {
    const first = await hearth([
      'run',
      workflow,
      '--image',
      png,
      '--json',
      '--thread',
      'cli-approve',
      '--workdir',
      workdir,
    ]);
    expect(first.code, first.stderr).toBe(4);
    const paused = JSON.parse(first.stdout);
    expect(paused).toMatchObject({
      runId: 'cli-approve',
      targetKind: 'workflow',
      status: 'paused',
      target: 'approval-demo',
      model: 'tiny',
    });
    expect(paused.pendingApprovals[0].calls[0].tool).toBe('append_note');
    // The agent's turns (nested under describe), then describe itself, then the paused save.
    expect(paused.steps.map((s: { node: string }) => s.node).slice(-2)).toEqual(['describe', 'save']);
    expect(paused.steps.at(-1).status).toBe('paused');
    expect(existsSync(join(workdir, 'notes.txt'))).toBe(false);

    const second = await hearth(['run', '--resume', 'cli-approve', '--approve', '--json']);
    expect(second.code, second.stderr).toBe(0);
    const done = JSON.parse(second.stdout);
    expect(done).toMatchObject({ status: 'done', output: { saved: 'appended' } });
    expect(done.steps.map((s: { node: string }) => s.node)).toEqual(['save']);
    expect(readFileSync(join(workdir, 'notes.txt'), 'utf8').trim().split('\n')).toHaveLength(1);

    // A finished run is not waiting for anything.
    const again = await hearth(['run', '--resume', 'cli-approve', '--deny']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/is not waiting for approval \(it has finished\)/);
    // Nor can a new run reuse its thread (a run id is its thread id).
    const reused = await hearth([
      'run',
      workflow,
      '--model',
      'tiny',
      '--thread',
      'cli-approve',
      '--workdir',
      workdir,
    ]);
    expect(reused.code).toBe(2);
    expect(reused.stderr).toMatch(/thread "cli-approve" already has a run; continue it with resume/);
  });

  it('--deny skips the call; the live view shows nodes and the pause; --stream prints JSON lines', async () => {
    const denyWorkdir = mkdtempSync(join(tmpdir(), 'hearth-run-deny-'));
    const first = await hearth([
      'run',
      workflow,
      '--image',
      png,
      '--thread',
      'cli-deny',
      '--workdir',
      denyWorkdir,
    ]);
    expect(first.code).toBe(4);
    expect(first.stdout).toContain('workflow approval-demo on tiny');
    expect(first.stdout).toMatch(
      /> describe\n( {2}> model\n {2}ok model \d+\.\ds\n)+ok describe \d+\.\ds\n> save\nwaiting for approval: append_note/,
    );
    expect(first.stdout).toContain('hearth run --resume cli-deny --approve');
    // --stream: one JSON event per line, the result last.
    const second = await hearth(['run', '--resume', 'cli-deny', '--deny', '--stream']);
    expect(second.code, second.stderr).toBe(0);
    const lines = second.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.type)).toEqual(['node-start', 'node-end', 'result']);
    expect(lines[0]).toMatchObject({ node: 'save', path: [] });
    expect(lines.at(-1).output.saved).toMatch(/^Error: a human denied append_note/);
    expect(existsSync(join(denyWorkdir, 'notes.txt'))).toBe(false);
  });

  it('a run SIGKILLed mid-step resumes with --resume <thread>, without re-running finished steps', async () => {
    const killWorkdir = mkdtempSync(join(tmpdir(), 'hearth-run-kill-'));
    const counter = join(killWorkdir, 'counter.txt');
    const args = ['run', counted, '--thread', 'cli-kill', '--workdir', killWorkdir, '--json'];
    const killed = await hearth(args, { HEARTH_TEST_BLOCK_AT: 's2' }, (child) => {
      const timer = setInterval(() => {
        if (existsSync(`${counter}.started-s2`)) {
          clearInterval(timer);
          child.kill('SIGKILL');
        }
      }, 25);
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(readFileSync(counter, 'utf8')).toBe('s1\n');
    const resumed = await hearth(['run', '--resume', 'cli-kill', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const summary = JSON.parse(resumed.stdout);
    expect(summary.steps.map((s: { node: string }) => s.node)).toEqual(['s2', 's3']);
    expect(summary.output).toEqual({ done: ['s1', 's2', 's3'] });
    expect(readFileSync(counter, 'utf8')).toBe('s1\ns2\ns3\n');
  });

  it('a failed run still prints its summary under --json: status failed, the error code, and the exit code from it', async () => {
    const failed = await hearth([
      'run',
      workflow,
      '--model',
      'tiny',
      '--json',
      '--thread',
      'cli-bad-input',
      '--input',
      '{"attachments": "not a list"}',
      '--workdir',
      mkdtempSync(join(tmpdir(), 'hearth-run-failed-')),
    ]);
    expect(failed.code, failed.stderr).toBe(2);
    expect(JSON.parse(failed.stdout)).toMatchObject({
      runId: 'cli-bad-input',
      target: 'approval-demo',
      status: 'failed',
      error: { code: 'RUN_INPUT', message: expect.stringContaining('attachments') },
      model: 'tiny',
    });
  });

  it('--input takes attachments as base64 JSON and the run sees the same bytes; bad base64 is refused by field', async () => {
    const bytes = readFileSync(png);
    const attachment = { kind: 'image', mimeType: 'image/png', data: bytes.toString('base64') };
    const run = await hearth([
      'run',
      digest,
      '--json',
      '--input',
      JSON.stringify({ attachments: [attachment] }),
      '--image',
      png,
      '--workdir',
      workdir,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const expected = {
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.byteLength,
      mimeType: 'image/png',
    };
    // The base64 attachment from --input and the --image file reach the run as the same bytes.
    expect(JSON.parse(run.stdout).output.digests).toEqual([expected, expected]);

    const bad = await hearth([
      'run',
      digest,
      '--json',
      '--input',
      JSON.stringify({ attachments: [{ ...attachment, data: 'not base64!' }] }),
    ]);
    expect(bad.code, bad.stderr).toBe(2);
    expect(JSON.parse(bad.stdout).error).toMatchObject({
      code: 'RUN_INPUT',
      message: expect.stringMatching(
        /attachments\.0\.data: attachment data must be the file's bytes as base64/,
      ),
    });
  });

  it('explains bad usage with exit code 2', async () => {
    const failure = async (args: string[]) => {
      const error = await createProgram()
        .parseAsync(['node', 'hearth', 'run', ...args])
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      return { code: reportExitCode(error), message: (error as Error | undefined)?.message ?? '' };
    };
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await failure(['no/such/workflow'])).toMatchObject({
        code: 2,
        message: expect.stringMatching(/no file or example named "no\/such\/workflow"/),
      });
      expect(await failure([workflow, '--input', '{nope'])).toMatchObject({
        code: 2,
        message: expect.stringMatching(/--input must be a JSON object or @file.json/),
      });
      expect(await failure([workflow, '--image', workflow])).toMatchObject({
        code: 2,
        message: expect.stringMatching(/unknown media type ".ts"/),
      });
      expect(await failure(['--resume', 'x', '--approve', '--deny'])).toMatchObject({
        code: 2,
        message: 'give --approve or --deny, not both',
      });
    } finally {
      stderr.mockRestore();
    }
  });
});
