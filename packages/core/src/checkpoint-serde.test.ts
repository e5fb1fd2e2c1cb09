import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openCheckpointer } from './checkpointer.js';
import { attachmentFromBytes, attachmentSchema } from './media.js';
import { defineWorkflow, END, START } from './workflow/define-workflow.js';

/** Holds an image in state across two steps, so several checkpoints and writes carry it. */
const keepShot = defineWorkflow({
  name: 'keep-shot',
  description: 'keeps a screenshot in state',
  state: z.object({ shot: attachmentSchema, looked: z.number().default(0) }),
  nodes: {
    look: { run: (state) => ({ looked: state.looked + 1 }) },
    again: { run: (state) => ({ looked: state.looked + 1 }) },
  },
  edges: [
    { from: START, to: 'look' },
    { from: 'look', to: 'again' },
    { from: 'again', to: END },
  ],
});

describe('checkpoints store media bytes compactly', () => {
  it('a 100 KB image round-trips through SQLite as a Uint8Array, each stored row under 1.5x its size', async () => {
    const image = new Uint8Array(randomBytes(100 * 1024));
    const path = join(mkdtempSync(join(tmpdir(), 'hearth-serde-')), 'checkpoints.sqlite');
    const result = await keepShot.run(
      { shot: attachmentFromBytes('image', image, 'image/png', 'shot.png') },
      { checkpointer: path, threadId: 'compact' },
    );
    // `state` is read back from the SQLite checkpoint.
    const shot = (result.state as { shot: { bytes: Uint8Array } }).shot;
    expect(shot.bytes.constructor).toBe(Uint8Array);
    expect(shot.bytes).toEqual(image);
    expect(result.output).toMatchObject({ looked: 2, shot: { mimeType: 'image/png', name: 'shot.png' } });

    // The saver's own connection (better-sqlite3, or node:sqlite where that does not load).
    const { db } = openCheckpointer(path) as unknown as {
      db: { prepare(sql: string): { all(): unknown[] } };
    };
    const rows = [
      ...db.prepare('SELECT length(checkpoint) AS size FROM checkpoints').all(),
      ...db.prepare('SELECT length(value) AS size FROM writes').all(),
    ] as { size: number }[];
    const largest = Math.max(...rows.map((row) => row.size));
    // The image is in the store (a checkpoint holds it whole) ...
    expect(largest).toBeGreaterThan(image.byteLength);
    // ... as base64 (1.33x), not LangGraph's list of numbers (about 3.6x).
    expect(largest / image.byteLength).toBeLessThan(1.5);
  });

  it('bytes nested in arrays and records come back as Uint8Array from the in-memory store too', async () => {
    const image = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255]);
    const result = await keepShot.run(
      { shot: { kind: 'image', mimeType: 'image/png', bytes: Buffer.from(image) } },
      { checkpointer: 'memory', threadId: 'compact-memory' },
    );
    const shot = (result.state as { shot: { bytes: Uint8Array } }).shot;
    expect(shot.bytes.constructor).toBe(Uint8Array);
    expect(shot.bytes).toEqual(image);
  });
});
