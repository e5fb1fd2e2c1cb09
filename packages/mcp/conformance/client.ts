/**
 * The conformance suite's client under test: Hearth's `McpClientConnection`. The suite runs
 * `node --import tsx conformance/client.ts <server-url>` with MCP_CONFORMANCE_SCENARIO set.
 * Elicitation is answered as a person accepting the form as shown: every field left at the default
 * the server gave it (the connection fills those in).
 */
import { McpClientConnection } from '../src/index.js';

const url = process.argv[2];
if (!url) throw new Error('usage: client.ts <server-url>');
const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? 'initialize';
const connection = new McpClientConnection(
  { name: 'conformance', url, timeoutMs: 20_000 },
  { elicit: async () => ({ action: 'accept', content: {} }) },
);
try {
  const { tools, warnings } = await connection.tools();
  for (const warning of warnings) process.stderr.write(`${warning}\n`);
  if (scenario !== 'initialize') {
    for (const tool of tools) {
      const args = tool.name === 'add_numbers' ? { a: 5, b: 3 } : {};
      const result = await connection.callTool(tool.name, args);
      process.stdout.write(`${tool.name}: ${JSON.stringify(result.content).slice(0, 200)}\n`);
    }
  }
} finally {
  await connection.close();
}
