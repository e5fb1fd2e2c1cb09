import { createHash } from 'node:crypto';
import {
  attachmentSchema,
  defineAgent,
  defineWorkflow,
  END,
  imageResult,
  START,
  ToolRegistry,
} from '@hearth/core';
import { ScriptedEngine } from '@hearth/core/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type HttpMcpServer, serveHttp } from './http-server.js';

/** Looks at a screenshot: returns its digest, and the screenshot itself as an observation. */
const inspectShot = defineWorkflow({
  name: 'inspect-shot',
  description: 'Digests a screenshot and hands it back',
  state: z.object({
    shot: attachmentSchema,
    sha256: z.string().default(''),
    observations: z.array(attachmentSchema).default([]),
  }),
  nodes: {
    inspect: {
      run: (state) => ({
        sha256: createHash('sha256').update(state.shot.bytes).digest('hex'),
        observations: [{ ...state.shot, name: 'echo' }],
      }),
    },
  },
  edges: [
    { from: START, to: 'inspect' },
    { from: 'inspect', to: END },
  ],
});

const screenshot = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 7, 8, 9, 0, 255]);
/** An agent whose one tool takes a screenshot: the screenshot ends up in its output's observations. */
const viewer = defineAgent({
  name: 'viewer',
  instructions: 'Look at the page.',
  mode: 'native',
  tools: [
    {
      name: 'look',
      description: 'Screenshots the page',
      input: z.object({}),
      run: () => imageResult(Buffer.from(screenshot), 'image/png', 'the page'),
    },
  ],
});
const viewerEngine = new ScriptedEngine((request) =>
  request.messages.some((message) => message.role === 'tool')
    ? { text: 'a login form' }
    : { toolCalls: [{ name: 'look', args: {} }] },
);

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 253, 254, 255]);
const pngBase64 = Buffer.from(png).toString('base64');
let server: HttpMcpServer;
let client: Client;

beforeAll(async () => {
  server = await serveHttp(
    new ToolRegistry([
      inspectShot.asTool({ checkpointer: 'memory' }),
      viewer.asTool({ engine: viewerEngine, checkpointer: 'memory' }),
    ]),
  );
  client = new Client({ name: 'test', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
});
afterAll(async () => {
  await client.close();
  await server.close();
});

describe('a workflow served as an MCP tool, called by a real MCP client', () => {
  it('advertises attachments in their JSON form: base64 data with contentEncoding and a size limit', async () => {
    const { tools } = await client.listTools();
    const properties = tools.find((tool) => tool.name === 'inspect-shot')?.inputSchema.properties ?? {};
    const shot = (properties as Record<string, Record<string, unknown>>).shot;
    expect(shot).toMatchObject({
      type: 'object',
      required: ['kind', 'mimeType', 'data'],
      properties: {
        data: { type: 'string', contentEncoding: 'base64', maxLength: expect.any(Number) },
      },
    });
    // In-process callers' `bytes` is not offered: JSON cannot carry a Uint8Array.
    expect(shot?.properties).not.toHaveProperty('bytes');
  });

  it('takes an image as base64 data, runs on its bytes, and returns the media as MCP image content', async () => {
    const result = await client.callTool(
      {
        name: 'inspect-shot',
        arguments: { shot: { kind: 'image', mimeType: 'image/png', data: pngBase64 } },
      },
      CallToolResultSchema,
    );
    expect(result.isError, JSON.stringify(result.content)).not.toBe(true);
    const [text, ...media] = result.content as { type: string; text?: string }[];
    // The node saw the same bytes the client sent.
    expect(result.structuredContent).toMatchObject({
      sha256: createHash('sha256').update(png).digest('hex'),
      shot: { kind: 'image', mimeType: 'image/png', bytes: `<${png.byteLength} bytes, image/png>` },
      observations: [{ name: 'echo', bytes: `<${png.byteLength} bytes, image/png>` }],
    });
    // Every attachment in the output comes back as image content: base64 of the same bytes.
    expect(media).toEqual([
      { type: 'image', data: pngBase64, mimeType: 'image/png' },
      { type: 'image', data: pngBase64, mimeType: 'image/png' },
    ]);
    // No byte array reaches the text as an object of numbered keys.
    expect(text?.type).toBe('text');
    expect(text?.text).not.toMatch(/"0":/);
  });

  it('refuses data that is not base64 with the field and what to send', async () => {
    const error = await client
      .callTool({
        name: 'inspect-shot',
        arguments: { shot: { kind: 'image', mimeType: 'image/png', data: 'not base64!' } },
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(McpError);
    expect((error as Error).message).toMatch(
      /shot\.data: attachment data must be the file's bytes as base64/,
    );
  });

  it("an agent's observations (tool screenshots) reach the client as image content, not numbered keys", async () => {
    const result = await client.callTool(
      { name: 'viewer', arguments: { prompt: 'look' } },
      CallToolResultSchema,
    );
    expect(result.isError, JSON.stringify(result.content)).not.toBe(true);
    const [text, ...media] = result.content as { type: string; text?: string }[];
    expect(media).toEqual([
      { type: 'image', data: Buffer.from(screenshot).toString('base64'), mimeType: 'image/png' },
    ]);
    expect(result.structuredContent).toMatchObject({
      answer: 'a login form',
      observations: [
        {
          kind: 'image',
          mimeType: 'image/png',
          name: 'look',
          bytes: `<${screenshot.byteLength} bytes, image/png>`,
        },
      ],
    });
    expect(text?.text).not.toMatch(/"0":/);
  });
});
