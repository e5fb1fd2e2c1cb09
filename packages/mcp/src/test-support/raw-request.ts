import { request as httpRequest } from 'node:http';

export interface RawMcpResponse<Message> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  session: string | undefined;
  /** The JSON-RPC message, from a JSON body or the first `data:` line of an event stream. */
  message: Message | undefined;
}

/**
 * One raw request to a Streamable HTTP MCP endpoint with node:http, so that a test can forge what
 * an SDK client would not (Host, Origin, the source address `from`: 127.0.0.2 is another client).
 */
export function rawMcpRequest<Message = Record<string, unknown>>(
  url: string,
  options: { token: string; body: string; method?: string; headers?: Record<string, string>; from?: string },
): Promise<RawMcpResponse<Message>> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: options.method ?? 'POST',
        ...(options.from ? { localAddress: options.from } : {}),
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          authorization: `Bearer ${options.token}`,
          ...options.headers,
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => {
          const data =
            text.startsWith('{') || text.startsWith('[') ? text : (/^data: (.*)$/m.exec(text)?.[1] ?? '');
          const session = response.headers['mcp-session-id'];
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            session: Array.isArray(session) ? session[0] : session,
            message: data ? (JSON.parse(data) as Message) : undefined,
          });
        });
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}
