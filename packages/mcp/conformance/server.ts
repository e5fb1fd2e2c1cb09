/**
 * The conformance suite's server fixture: `serveHttp` with the tool names the suite calls
 * (`test_simple_text`, `test_image_content`, ...), all made with `defineTool`, and the resources and
 * prompts it reads (`test://static-text`, `test_simple_prompt`, ...) as `McpResourceSource` and
 * `McpPrompt`, the same interfaces `hearth mcp serve` serves its own with. Prints its URL.
 * Run: node --import tsx conformance/server.ts [port]
 */

import { audioResult, defineTool, imageResult, ToolRegistry } from '@hearth/core';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { type McpPrompt, type McpResourceSource, serveHttp } from '../src/index.js';

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
/** A tool's question the client cannot be asked: an error result, as the suite expects. */
const notOffered = (what: string) => {
  throw new Error(`this client did not declare ${what}, so the tool cannot ask it`);
};
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
    name: 'test_sampling',
    description: "Asks the client's model to answer the prompt (MCP sampling)",
    input: z.object({ prompt: z.string() }),
    async run({ prompt }, { caller }) {
      if (!caller?.sample) return notOffered('sampling');
      const answer = await caller.sample({ messages: [{ role: 'user', text: prompt }], maxTokens: 100 });
      return `LLM response: ${answer.text}`;
    },
  }),
  defineTool({
    name: 'test_elicitation',
    description: 'Asks the person behind the client for a username and email (MCP elicitation)',
    input: z.object({ message: z.string() }),
    async run({ message }, { caller }) {
      if (!caller?.elicit) return notOffered('elicitation');
      const answer = await caller.elicit({
        message,
        requestedSchema: {
          type: 'object',
          properties: {
            username: { type: 'string', description: "User's response" },
            email: { type: 'string', description: "User's email address" },
          },
          required: ['username', 'email'],
        },
      });
      return `User response: ${JSON.stringify(answer)}`;
    },
  }),
  defineTool({
    name: 'test_elicitation_sep1034_defaults',
    description: 'Asks with a default value for every primitive type (SEP-1034)',
    input: none,
    async run(_input, { caller }) {
      if (!caller?.elicit) return notOffered('elicitation');
      const answer = await caller.elicit({
        message: 'Please review and update the form fields with defaults',
        requestedSchema: {
          type: 'object',
          properties: {
            name: { type: 'string', description: 'User name', default: 'John Doe' },
            age: { type: 'integer', description: 'User age', default: 30 },
            score: { type: 'number', description: 'User score', default: 95.5 },
            status: {
              type: 'string',
              description: 'User status',
              enum: ['active', 'inactive', 'pending'],
              default: 'active',
            },
            verified: { type: 'boolean', description: 'Verification status', default: true },
          },
          required: [],
        },
      });
      return `Elicitation completed: ${JSON.stringify(answer)}`;
    },
  }),
  defineTool({
    name: 'test_elicitation_sep1330_enums',
    description: 'Asks with every enum form (SEP-1330)',
    input: none,
    async run(_input, { caller }) {
      if (!caller?.elicit) return notOffered('elicitation');
      const answer = await caller.elicit({
        message: 'Please select options from the enum fields',
        requestedSchema: {
          type: 'object',
          properties: {
            untitledSingle: { type: 'string', enum: ['option1', 'option2', 'option3'] },
            titledSingle: {
              type: 'string',
              oneOf: [
                { const: 'value1', title: 'First Option' },
                { const: 'value2', title: 'Second Option' },
                { const: 'value3', title: 'Third Option' },
              ],
            },
            legacyEnum: {
              type: 'string',
              enum: ['opt1', 'opt2', 'opt3'],
              enumNames: ['Option One', 'Option Two', 'Option Three'],
            },
            untitledMulti: {
              type: 'array',
              items: { type: 'string', enum: ['option1', 'option2', 'option3'] },
            },
            titledMulti: {
              type: 'array',
              items: {
                anyOf: [
                  { const: 'value1', title: 'First Choice' },
                  { const: 'value2', title: 'Second Choice' },
                  { const: 'value3', title: 'Third Choice' },
                ],
              },
            },
          },
          required: [],
        },
      });
      return `Elicitation completed: ${JSON.stringify(answer)}`;
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

const templatePattern = /^test:\/\/template\/([^/]+)\/data$/;

export const conformanceResources: McpResourceSource = {
  list: () => [
    {
      uri: 'test://static-text',
      name: 'static-text',
      description: 'A static text resource',
      mimeType: 'text/plain',
    },
    {
      uri: 'test://static-binary',
      name: 'static-binary',
      description: 'A static PNG',
      mimeType: 'image/png',
    },
    {
      uri: 'test://watched-resource',
      name: 'watched-resource',
      description: 'A resource to subscribe to',
      mimeType: 'text/plain',
    },
  ],
  templates: [
    {
      uriTemplate: 'test://template/{id}/data',
      name: 'template-data',
      description: 'Data for one id',
      mimeType: 'application/json',
    },
  ],
  async read(uri) {
    if (uri === 'test://static-text')
      return [{ uri, mimeType: 'text/plain', text: 'This is the content of the static text resource.' }];
    if (uri === 'test://static-binary') return [{ uri, mimeType: 'image/png', blob: png.toString('base64') }];
    if (uri === 'test://watched-resource')
      return [{ uri, mimeType: 'text/plain', text: 'Watched resource content.' }];
    const id = templatePattern.exec(uri)?.[1];
    if (id === undefined) return undefined;
    return [
      {
        uri,
        mimeType: 'application/json',
        text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }),
      },
    ];
  },
  complete: (_template, variable, value) =>
    variable === 'id' ? ['123', '456'].filter((id) => id.startsWith(value)) : [],
  // Nothing here ever changes: a subscription is kept until unsubscribed and never fires.
  async watch(uri) {
    if (!uri.startsWith('test://')) return undefined;
    return () => {};
  },
};

export const conformancePrompts: McpPrompt[] = [
  {
    name: 'test_simple_prompt',
    description: 'A prompt without arguments',
    get: () => ({
      messages: [{ role: 'user', content: { type: 'text', text: 'This is a simple prompt for testing.' } }],
    }),
  },
  {
    name: 'test_prompt_with_arguments',
    description: 'A prompt with two arguments',
    arguments: [
      { name: 'arg1', description: 'First test argument', required: true },
      { name: 'arg2', description: 'Second test argument', required: true },
    ],
    get: ({ arg1, arg2 }) => ({
      messages: [
        {
          role: 'user',
          content: { type: 'text', text: `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'` },
        },
      ],
    }),
    complete: (argument, value) =>
      ['test', 'testing', 'tested'].filter((word) => argument.startsWith('arg') && word.startsWith(value)),
  },
  {
    name: 'test_prompt_with_embedded_resource',
    description: 'A prompt that embeds a resource',
    arguments: [{ name: 'resourceUri', description: 'URI of the resource to embed', required: true }],
    get: ({ resourceUri }) => {
      if (!resourceUri) throw new McpError(ErrorCode.InvalidParams, 'resourceUri is required');
      return {
        messages: [
          {
            role: 'user',
            content: {
              type: 'resource',
              resource: {
                uri: resourceUri,
                mimeType: 'text/plain',
                text: 'Embedded resource content for testing.',
              },
            },
          },
          { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
        ],
      };
    },
  },
  {
    name: 'test_prompt_with_image',
    description: 'A prompt with an image',
    get: () => ({
      messages: [
        { role: 'user', content: { type: 'image', data: png.toString('base64'), mimeType: 'image/png' } },
        { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
      ],
    }),
  },
];

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await serveHttp(new ToolRegistry(conformanceTools), {
    port: Number(process.argv[2] ?? 0),
    resources: [conformanceResources],
    prompts: conformancePrompts,
  });
  process.stdout.write(`${server.url}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
