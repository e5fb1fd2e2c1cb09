import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ToolResultError } from '../errors/tool-result-error.js';
import { attachmentFromBytes } from '../media.js';
import { defineTool, normalizeToolOutput, toolResultFromOutput } from './define-tool.js';
import { ToolRegistry } from './tool-registry.js';

describe('media in tool results', () => {
  it('refuses the old base64 media shape with TOOL_RESULT_INVALID naming imageResult(bytes, mimeType)', async () => {
    const old = {
      content: [
        { type: 'text', text: 'a screenshot' },
        { type: 'image', data: 'iVBORw0KGgo=', mimeType: 'image/png' },
      ],
    };
    let thrown: unknown;
    try {
      normalizeToolOutput(old);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ToolResultError);
    expect((thrown as ToolResultError).code).toBe('TOOL_RESULT_INVALID');
    expect((thrown as Error).message).toMatch(/content\[1\] is image media as base64 `data`/);
    expect((thrown as Error).message).toContain('imageResult(bytes, mimeType)');
    expect(() =>
      normalizeToolOutput({ content: [{ type: 'audio', data: 'UklGRg==', mimeType: 'audio/wav' }] }),
    ).toThrow(/audioResult\(bytes, mimeType\)/);

    // Called through a registry, the caller (a model, an MCP client) gets the error, not the JSON as text.
    const registry = new ToolRegistry([
      defineTool({ name: 'old_shot', description: 'old media shape', input: z.object({}), run: () => old }),
    ]);
    const result = await registry.call('old_shot', {});
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([
      { type: 'text', text: expect.stringContaining('imageResult(bytes, mimeType)') },
    ]);
  });

  it("turns a run's output into media content plus JSON that names each attachment by size", () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    const wav = Buffer.from('RIFF....WAVE');
    const output = {
      answer: 'done',
      observations: [attachmentFromBytes('image', png, 'image/png', 'browser_screenshot')],
      nested: { clip: attachmentFromBytes('audio', wav, 'audio/wav'), raw: new Uint8Array(3) },
    };
    const result = toolResultFromOutput(output);
    const [text, ...media] = result.content;
    expect(media).toEqual([
      { type: 'image', bytes: png, mimeType: 'image/png' },
      { type: 'audio', bytes: new Uint8Array(wav), mimeType: 'audio/wav' },
    ]);
    expect(result.structuredContent).toEqual({
      answer: 'done',
      observations: [
        { kind: 'image', mimeType: 'image/png', name: 'browser_screenshot', bytes: '<4 bytes, image/png>' },
      ],
      nested: {
        clip: { kind: 'audio', mimeType: 'audio/wav', bytes: '<12 bytes, audio/wav>' },
        raw: '<3 bytes>',
      },
    });
    expect(text).toEqual({ type: 'text', text: JSON.stringify(result.structuredContent, null, 2) });
    // The caller's output is left as it was.
    expect(output.observations[0]?.bytes).toBe(png);
    // Output without media is what it always was.
    expect(toolResultFromOutput('plain')).toEqual({ content: [{ type: 'text', text: 'plain' }] });
  });
});
