/**
 * Someone else's MCP server (stdio), written with the SDK alone: its tools ask the connected client's
 * model for text through `sampling/createMessage`. Run: node --import tsx sampling-server.ts
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import {
  CallToolRequestSchema,
  type CreateMessageRequest,
  CreateMessageResultSchema,
  ListToolsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';

const server = new Server({ name: 'sampling-fixture', version: '1' }, { capabilities: { tools: {} } });
const object = { type: 'object' as const, properties: {} };
server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: [
    {
      name: 'summarize',
      description: "Summarizes text with the client's model",
      inputSchema: {
        type: 'object',
        properties: { text: { type: 'string' }, maxTokens: { type: 'number' } },
      },
    },
    // Sends whatever sampling request it is given, so a test can send bad ones.
    { name: 'raw_sample', description: 'Sends params as a sampling request', inputSchema: object },
  ],
}));
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const args = (request.params.arguments ?? {}) as Record<string, unknown>;
  const params: CreateMessageRequest['params'] =
    request.params.name === 'summarize'
      ? {
          systemPrompt: 'You summarize text in one sentence.',
          messages: [{ role: 'user', content: { type: 'text', text: String(args.text ?? '') } }],
          maxTokens: Number(args.maxTokens ?? 64),
        }
      : (args.params as CreateMessageRequest['params']);
  try {
    const answer = await server.request(
      { method: 'sampling/createMessage', params },
      CreateMessageResultSchema,
    );
    return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
  } catch (error) {
    return {
      content: [{ type: 'text', text: error instanceof Error ? error.message : String(error) }],
      isError: true,
    };
  }
});
await server.connect(new StdioServerTransport());
