import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runHearth } from './test-support/hearth-binary.js';

const modelless = fileURLToPath(new URL('./test-support/modelless-workflow.ts', import.meta.url));
const bareAgent = fileURLToPath(new URL('./test-support/bare-agent.ts', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'hearth-run-no-model-'));
const hearth = (args: string[]) => runHearth(args, { home });

describe('hearth run of a target that names no model, without --model', () => {
  it('runs a workflow of plain functions without an engine', async () => {
    const run = await hearth(['run', modelless, '--input', '{"word":"echo"}', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      status: 'done',
      output: { said: 'echo echo' },
      model: null,
    });
  });

  it('refuses a node that needs a model as a usage mistake (exit 2) naming the node and --model', async () => {
    const run = await hearth(['run', bareAgent, '--input', '{"prompt":"hi"}']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /node "bare" needs a model, and agent "bare" names no default model: pass --model <preset\|path>/,
    );
  });
});
