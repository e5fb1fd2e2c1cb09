/**
 * The conformance suite's server fixture: `serveHttp` with the tool names the suite calls
 * (`test_simple_text`, `test_image_content`, ...), all made with `defineTool`. Prints its URL.
 * Run: node --import tsx conformance/server.ts [port]
 */

import { audioResult, defineTool, imageResult, ToolRegistry } from '@hearth/core';
import { z } from 'zod';
import { serveHttp } from '../src/index.js';

// 1x1 red PNG and a 1-sample WAV: the smallest valid media the suite accepts.
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);
const wav = Buffer.concat([
  Buffer.from('RIFF'),
  Buffer.from([38, 0, 0, 0]),
  Buffer.from('WAVEfmt '),
  Buffer.from([16, 0, 0, 0, 1, 0, 1, 0, 0x40, 0x1f, 0, 0, 0x80, 0x3e, 0, 0, 2, 0, 16, 0]),
  Buffer.from('data'),
  Buffer.from([2, 0, 0, 0, 0, 0]),
]);
const none = z.object({});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const conformanceTools = [
  defineTool({
    name: 'test_simple_text',
    description: 'Returns simple text',
    input: none,
    run: () => 'This is a simple text response for testing.',
  }),
  defineTool({
    name: 'test_image_content',
    description: 'Returns an image',
    input: none,
    run: () => imageResult(png, 'image/png'),
  }),
  defineTool({
    name: 'test_audio_content',
    description: 'Returns audio',
    input: none,
    run: () => audioResult(wav, 'audio/wav'),
  }),
  defineTool({
    name: 'test_embedded_resource',
    description: 'Returns an embedded resource',
    input: none,
    run: () => ({
      content: [
        {
          type: 'resource',
          resource: {
            uri: 'test://embedded-resource',
            mimeType: 'text/plain',
            text: 'This is an embedded resource content.',
          },
        },
      ],
    }),
  }),
  defineTool({
    name: 'test_multiple_content_types',
    description: 'Returns text, image and resource',
    input: none,
    run: () => ({
      content: [
        { type: 'text', text: 'Multiple content types test:' },
        { type: 'image', bytes: png, mimeType: 'image/png' },
        {
          type: 'resource',
          resource: {
            uri: 'test://mixed-content-resource',
            mimeType: 'application/json',
            text: '{"test":"data","value":123}',
          },
        },
      ],
    }),
  }),
  defineTool({
    name: 'test_tool_with_logging',
    description: 'Logs three messages while running',
    input: none,
    async run(_input, { log }) {
      for (const message of ['Tool execution started', 'Tool processing data', 'Tool execution completed']) {
        log?.('info', message);
        await sleep(50);
      }
      return 'Tool with logging executed successfully';
    },
  }),
  defineTool({
    name: 'test_tool_with_progress',
    description: 'Reports progress 0, 50, 100',
    input: none,
    async run(_input, { reportProgress }) {
      for (const progress of [0, 50, 100]) {
        reportProgress(progress, 100, `Completed step ${progress}`);
        await sleep(50);
      }
      return 'Tool with progress executed successfully';
    },
  }),
  defineTool({
    name: 'test_error_handling',
    description: 'Always fails',
    input: none,
    run: () => {
      throw new Error('This tool intentionally returns an error for testing');
    },
  }),
  defineTool({
    name: 'json_schema_2020_12_tool',
    description: 'Tool with a JSON Schema 2020-12 input schema',
    input: z.object({}).passthrough(),
    inputJsonSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      $defs: {
        address: { type: 'object', properties: { street: { type: 'string' }, city: { type: 'string' } } },
      },
      properties: { name: { type: 'string' }, address: { $ref: '#/$defs/address' } },
      additionalProperties: false,
    },
    run: (input) => ({ received: input }),
  }),
];

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await serveHttp(new ToolRegistry(conformanceTools), { port: Number(process.argv[2] ?? 0) });
  process.stdout.write(`${server.url}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
