// Calls to the dev server: every one carries the session token as a bearer header (never a cookie),
// which another site's page cannot send, so no action can be forged cross-site.
import type { RunMessage } from '../server/api-types.js';

const TOKEN_KEY = 'hearth-dev-token';

/** The token from the address `hearth dev` printed (`#token=...`), kept for this tab's reloads. */
export function sessionToken(): string | undefined {
  const fromHash = /^#token=([0-9a-f]+)$/.exec(location.hash)?.[1];
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', `${location.pathname}#/`);
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function headers(json: boolean): HeadersInit {
  return {
    authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) ?? ''}`,
    ...(json ? { 'content-type': 'application/json' } : {}),
  };
}

async function answer<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok)
    throw new ApiError(response.status, body.error ?? `${response.status} ${response.statusText}`);
  return body as T;
}

export const getJson = async <T>(path: string): Promise<T> =>
  answer<T>(await fetch(path, { headers: headers(false) }));

export const postJson = async <T>(path: string, body: unknown = {}): Promise<T> =>
  answer<T>(await fetch(path, { method: 'POST', headers: headers(true), body: JSON.stringify(body) }));

/** A file the API serves (a run's attachment) as a blob: URL for an img or audio element. */
export async function blobUrl(path: string): Promise<string> {
  const response = await fetch(path, { headers: headers(false) });
  if (!response.ok) throw new ApiError(response.status, `could not load ${path}`);
  return URL.createObjectURL(await response.blob());
}

/**
 * Reads a run's server-sent events (through fetch, which can send the token; EventSource cannot).
 * Returns a function that stops reading.
 */
export function streamRun(
  runId: string,
  onMessage: (message: RunMessage) => void,
  onEnd: (error?: Error) => void,
) {
  const controller = new AbortController();
  (async () => {
    const response = await fetch(`/api/runs/${runId}/stream`, {
      headers: headers(false),
      signal: controller.signal,
    });
    if (!response.ok || !response.body)
      throw new ApiError(response.status, (await response.text()) || 'stream refused');
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (frame.startsWith('data: ')) onMessage(JSON.parse(frame.slice(6)) as RunMessage);
        end = buffer.indexOf('\n\n');
      }
    }
  })().then(
    () => onEnd(),
    (error: Error) => {
      if (!controller.signal.aborted) onEnd(error);
    },
  );
  return () => controller.abort();
}
